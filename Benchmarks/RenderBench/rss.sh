#!/usr/bin/env bash
# Peak memory of `camvideo IN OUT` (default settings) on a 1-minute and a 10-minute 720p input:
# the pipeline's queues are bounded, so the two peaks must be within 10 % of each other.
#
#   Benchmarks/RenderBench/rss.sh [FPS]     (input frame rate, default 10: 600 vs 6000 frames)
set -euo pipefail
cd "$(dirname "$0")/../.."
FPS=${1:-10}
CAMVIDEO=$PWD/.build/release/camvideo
[ -x "$CAMVIDEO" ] || { echo "rss.sh: build first (swift build -c release)" >&2; exit 1; }
MEDIA=$PWD/.build/bench-media
mkdir -p "$MEDIA"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
printf '%-10s %8s %10s %12s\n' input frames seconds "peak RSS MB"
declare -A peak
for minutes in 1 10; do
  clip=$MEDIA/testsrc2_720p_${FPS}fps_${minutes}min.mp4
  [ -s "$clip" ] || ffmpeg -nostdin -v error -y -f lavfi \
    -i "testsrc2=size=1280x720:rate=$FPS" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t $((minutes * 60)) -c:v libx264 -preset ultrafast -c:a aac -shortest "$clip"
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$OUT/rss" "$CAMVIDEO" "$clip" "$OUT/out.mp4" --quiet
  end=$(date +%s.%N)
  kb=$(tail -1 "$OUT/rss")
  peak[$minutes]=$kb
  frames=$(ffprobe -v error -select_streams v:0 -show_entries stream=nb_frames -of csv=p=0 "$OUT/out.mp4")
  printf '%-10s %8s %10.1f %12.1f\n' "${minutes} min" "$frames" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')" "$(awk -v k="$kb" 'BEGIN {print k / 1024}')"
done
awk -v a="${peak[1]}" -v b="${peak[10]}" \
  'BEGIN {d = (b - a) / a * 100; printf "10 min vs 1 min: %+.1f %% (bound: 10 %%)\n", d; exit (d < 10 && d > -10) ? 0 : 1}'
