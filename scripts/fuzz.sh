#!/usr/bin/env bash
# fuzz.sh [SECONDS | -runs=N] [libFuzzer flags...] — builds the libFuzzer target of the mail
# parsers (fuzz/, clang, ASan + UBSan) in build-fuzz/ and runs it for SECONDS (default 60) or N
# executions, starting from the seed corpus fuzz/corpus/ (never written to) and what earlier runs
# learnt (build-fuzz/corpus/). A crash, leak, timeout or broken invariant fails the script and
# leaves its input in build-fuzz/artifacts/ (replay: build-fuzz/mail_fuzzer FILE).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
limit="${1:-60}"
shift || true
case "$limit" in
  -runs=*) run_flags=("$limit") ;;
  *[!0-9]* | "") echo "usage: $0 [SECONDS | -runs=N] [libFuzzer flags...]" >&2; exit 2 ;;
  *) run_flags=("-max_total_time=$limit") ;;
esac

cxx="${RTCC_FUZZ_CXX:-$(command -v clang++ || command -v clang++-14 || true)}"
[ -n "$cxx" ] || { echo "fuzz.sh: clang++ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
cmake -S fuzz -B build-fuzz -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target mail_fuzzer
mkdir -p build-fuzz/corpus build-fuzz/artifacts

# -timeout: one input taking 10 s is a denial of service (the daemon parses every message).
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
  build-fuzz/mail_fuzzer "${run_flags[@]}" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -dict=fuzz/mail.dict -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1 "$@" \
  build-fuzz/corpus fuzz/corpus
