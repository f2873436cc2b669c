#!/usr/bin/env bash
# fuzz.sh [SECONDS | -runs=N] [mail | text | all] [libFuzzer flags...] — builds the libFuzzer
# targets (fuzz/, clang, ASan + UBSan) in build-fuzz/ and runs each chosen one (default: all, one
# after the other) for SECONDS (default 60) or N executions:
#   mail  fuzz/mail_fuzzer.cc, whole MIME messages; seeds fuzz/corpus/, inputs up to 8 KiB;
#   text  fuzz/text_fuzzer.cc, every other reader of mail-derived text and the reply composer;
#         seeds fuzz/text_corpus/, inputs up to 64 KiB (long lines); first it runs each seed of
#         fuzz/text_corpus_long/ (long lines, deep nesting, repetitions of up to 64 KiB) once.
# Each starts from its seed corpus (never written to) and what earlier runs learnt
# (build-fuzz/corpus/, build-fuzz/text_corpus/). A crash, leak, timeout or broken invariant fails
# the script and leaves its input in build-fuzz/artifacts/ (mail-*, text-*; replay:
# build-fuzz/mail_fuzzer FILE or build-fuzz/text_fuzzer FILE).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
usage() { echo "usage: $0 [SECONDS | -runs=N] [mail | text | all] [libFuzzer flags...]" >&2; exit 2; }
limit="${1:-60}"
shift || true
case "$limit" in
  -runs=*) run_flags=("$limit") ;;
  *[!0-9]* | "") usage ;;
  *) run_flags=("-max_total_time=$limit") ;;
esac
targets=(mail text)
case "${1:-}" in
  mail | text) targets=("$1"); shift ;;
  all) shift ;;
esac

cxx="${RTCC_FUZZ_CXX:-$(command -v clang++ || command -v clang++-14 || true)}"
[ -n "$cxx" ] || { echo "fuzz.sh: clang++ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
cmake -S fuzz -B build-fuzz -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
mkdir -p build-fuzz/artifacts
for target in "${targets[@]}"; do
  cmake --build build-fuzz -j"${RTCC_FUZZ_JOBS:-$(nproc)}" --target "${target}_fuzzer"
done

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
for target in "${targets[@]}"; do
  case "$target" in
    mail) flags=(-max_len=8192 -dict=fuzz/mail.dict); learnt=build-fuzz/corpus; seeds=fuzz/corpus ;;
    text) flags=(-max_len=65536 -dict=fuzz/text.dict); learnt=build-fuzz/text_corpus; seeds=fuzz/text_corpus ;;
  esac
  mkdir -p "$learnt"
  # -timeout: one input taking 10 s is a denial of service (the daemon reads every message).
  common=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="build-fuzz/artifacts/${target}-")
  if [ "$target" = text ]; then
    echo "== text_fuzzer: the long seeds of fuzz/text_corpus_long/, once each"
    build-fuzz/text_fuzzer "${common[@]}" fuzz/text_corpus_long/*
  fi
  echo "== ${target}_fuzzer"
  "build-fuzz/${target}_fuzzer" "${run_flags[@]}" "${flags[@]}" "${common[@]}" -print_final_stats=1 \
    "$@" "$learnt" "$seeds"
done
