#!/usr/bin/env bash
# test.sh — the README's test command, and what CI runs (.ci/run): sets the machine up, builds,
# checks formatting, runs every test (unit and integration; the integration tests start and stop
# the loopback Dovecot + Postfix themselves), then builds and runs the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and fuzzes the mail parsers (45 s) and the other
# readers of mail text (30 s).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

step "set-up"
scripts/setup.sh

step "format check"
scripts/format.sh --check

step "build"
start=$SECONDS
scripts/build.sh build
echo "build took $((SECONDS - start)) s"

step "tests (unit + integration)"
start=$SECONDS
# OpenBLAS busy-waits with a thread per core; test processes run side by side, so one each.
OPENBLAS_NUM_THREADS=1 ctest --test-dir build --output-on-failure -j"$(nproc)"
echo "tests took $((SECONDS - start)) s"

step "sanitizer build (ASan + UBSan) of the unit tests"
start=$SECONDS
scripts/build.sh build-asan -DRTCC_SANITIZE=ON -DRTCC_INTEGRATION_TESTS=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  OPENBLAS_NUM_THREADS=1 ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
echo "sanitizer build and tests took $((SECONDS - start)) s"

step "fuzz the mail parsers and the readers of mail text (short runs; scripts/fuzz.sh SECONDS)"
start=$SECONDS
scripts/fuzz.sh "${RTCC_FUZZ_SECONDS:-45}" mail 2>&1 | tail -n 12
scripts/fuzz.sh "${RTCC_FUZZ_TEXT_SECONDS:-30}" text 2>&1 | tail -n 12
echo "fuzzing took $((SECONDS - start)) s"

step "all tests passed"
