#!/usr/bin/env bash
# build.sh [BUILD_DIR] [cmake options...] — configures and builds rtcc (warnings are errors).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
shift || true
cmake -S "$root" -B "$build" -DRTCC_WERROR=ON "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
