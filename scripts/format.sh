#!/usr/bin/env bash
# format.sh [--check] — clang-formats every C++ file of the project (--check: only report).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mapfile -t files < <(git ls-files '*.cc' '*.h' 2>/dev/null; git ls-files --others --exclude-standard '*.cc' '*.h' 2>/dev/null)
[ "${#files[@]}" -gt 0 ] || exit 0
if [ "${1:-}" = "--check" ]; then
  clang-format --dry-run -Werror "${files[@]}"
  echo "format: ${#files[@]} files clean"
else
  clang-format -i "${files[@]}"
fi
