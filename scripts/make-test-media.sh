#!/usr/bin/env bash
# Makes the odd, damaged and unopenable test media from the real clips and photos in
# examples/media, the way ../shared/media/derived/MAKE.sh does, but short (clips of at most
# 2 s, at most 640x360 pixels) so that it takes a few seconds.
#
#   scripts/make-test-media.sh OUTDIR
#
# Needs ffmpeg/ffprobe (Debian bookworm: 5.1.x), coreutils and python3 (stdlib only).
#
# - Deterministic: encoders run single-threaded with bitexact flags, junk bytes come from a
#   seeded PRNG, so a rerun with the same ffmpeg build writes the same bytes. Another ffmpeg
#   version gives files of the same kind with other bytes: tests check properties, not bytes.
# - Idempotent and atomic: everything is built in OUTDIR.tmp.$$ and renamed to OUTDIR at the
#   end. OUTDIR/.complete records a hash of this script, the ffmpeg version and the source
#   files; when it matches, the script does nothing.
# - OUTDIR/manifest.tsv has one line per file, tab-separated: name, kind, frames.
#     kind   good        decodes fully, no errors
#            damaged     opens, decodes part of the stream, with errors (truncated, junk)
#            unopenable  must be refused: empty, not a video, no video stream, unknown codec,
#                        an MP4 without its moov atom
#            photo       a still image (FFmpeg's image demuxers)
#     frames for good and damaged clips, the nb_read_frames that `ffprobe -count_frames`
#            reports for the video stream; "-" for photos and unopenable files
set -euo pipefail

usage() {
  echo "usage: $0 OUTDIR" >&2
  exit 64
}
[[ $# -eq 1 && -n "$1" ]] || usage

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
S="$(cd "$here/../examples/media" && pwd)" # the real source media (committed)
out="$(realpath -m "$1")"

for tool in ffmpeg ffprobe python3 sha256sum; do
  command -v "$tool" >/dev/null || {
    echo "$0: $tool not found (run scripts/setup.sh --deps-only)" >&2
    exit 1
  }
done

sources=(cockatoo.mp4 friday.mp4 both.png chelsea.png coffee.png)
hash="$(
  {
    cat "${BASH_SOURCE[0]}"
    ffmpeg -hide_banner -version | head -n 1
    for f in "${sources[@]}"; do sha256sum "$S/$f"; done
  } | sha256sum | cut -d' ' -f1
)"
if [[ -f "$out/.complete" && "$(cat "$out/.complete")" == "$hash" ]]; then
  echo "test media up to date in $out"
  exit 0
fi

tmp="$out.tmp.$$"
bg="" # the background job making the cockatoo files
cleanup() {
  # on failure, let the background job end (it stops at its first error too) before removing
  # the files it writes
  if [[ -n "$bg" ]]; then wait "$bg" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
rm -rf "$tmp"
mkdir -p "$tmp"
cd "$tmp"

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y -threads 1)
# per output file: single-threaded, bitexact, no metadata copied from the source
BX=(-threads 1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
X264=(-c:v libx264 -preset veryfast -crf 26)
VP9=(-c:v libvpx-vp9 -b:v 0 -crf 36 -row-mt 0 -deadline realtime -cpu-used 8)
AAC=(-c:a aac -b:a 64k)
ODD=(-t 1 -vf scale=321:241)
PIC=(-frames:v 1 -update 1)
# Debian's ffmpeg and ffprobe take ~0.15 s of CPU just to start (the dynamic linker resolves
# the symbols of ~200 shared libraries), so each source is read once by one ffmpeg writing
# many outputs (the options before an output's name apply to that output only), and the
# cockatoo files are made in the background while the friday files and the photos are.

cut_at() { # SRC NUMERATOR DENOMINATOR OUT: the first NUM/DEN of SRC's bytes
  head -c "$(($(stat -c %s "$1") * $2 / $3))" "$1" >"$4"
}

from_cockatoo() {
  # The real cockatoo clip is 1280x720 H.264 High 4:4:4 at 20 fps; its first 2 s (40 frames)
  # are decoded and scaled to 640x360 once, kept as raw video.
  "${FF[@]}" -t 2 -i "$S/cockatoo.mp4" -map 0:v:0 -vf scale=640:360 -pix_fmt yuv420p \
    -c:v rawvideo _cockatoo.nut
  # cockatoo_h264.mp4      the base: H.264 yuv420p, no audio, moov at the end (not faststart)
  # cockatoo_*             the same frames as Motion-JPEG, MPEG-4 part 2 (XviD), VP9, HEVC
  #                        (1 s), 10-bit H.264; full range ("yuvj"): Motion-JPEG 4:2:2 in
  #                        Matroska, and H.264 as phones write it
  # odd_321x241_*          odd width and height (4:2:0 chroma is then 161x121), 1 s
  # portrait_native_*      really portrait pixels, no rotation metadata
  # vfr_cockatoo.mp4       variable frame rate: 10 frames 1/30 s apart, 10 at 1/10 s, 10 at 1/60 s
  # vfr_dropped.mkv        3 of every 5 frames kept (gaps of 1/20 s and 3/20 s), pts kept
  # one_frame.*, two_frames_mjpeg.avi   very short clips
  local vfr_pts='(if(lt(N\,10)\,N/30\,if(lt(N\,20)\,10/30+(N-10)/10\,10/30+1+(N-20)/60)))/TB'
  "${FF[@]}" -i _cockatoo.nut \
    "${X264[@]}" -pix_fmt yuv420p -g 20 "${BX[@]}" cockatoo_h264.mp4 \
    -c:v mjpeg -q:v 5 -pix_fmt yuvj420p "${BX[@]}" cockatoo_mjpeg.avi \
    -c:v mpeg4 -vtag XVID -q:v 5 "${BX[@]}" cockatoo_mpeg4_xvid.avi \
    "${VP9[@]}" -pix_fmt yuv420p "${BX[@]}" cockatoo_vp9.webm \
    -t 1 -c:v libx265 -preset ultrafast -crf 30 -pix_fmt yuv420p -tag:v hvc1 \
    -x265-params pools=none:frame-threads=1:log-level=error "${BX[@]}" cockatoo_hevc.mp4 \
    "${X264[@]}" -pix_fmt yuv420p10le "${BX[@]}" cockatoo_h264_10bit.mkv \
    -c:v mjpeg -q:v 5 -pix_fmt yuvj422p "${BX[@]}" cockatoo_mjpeg_yuvj422p.mkv \
    "${X264[@]}" -pix_fmt yuvj420p "${BX[@]}" cockatoo_h264_fullrange.mp4 \
    "${ODD[@]}" "${VP9[@]}" -pix_fmt yuv420p "${BX[@]}" odd_321x241_vp9.webm \
    "${ODD[@]}" "${X264[@]}" -pix_fmt yuv444p "${BX[@]}" odd_321x241_h264_yuv444p.mp4 \
    "${ODD[@]}" -c:v ffv1 -pix_fmt yuv420p "${BX[@]}" odd_321x241_ffv1_yuv420p.mkv \
    -vf "crop=ih*9/16:ih,scale=360:640" "${X264[@]}" -pix_fmt yuv420p "${BX[@]}" \
    portrait_native_360x640.mp4 \
    -vf "select='lt(n\,30)',settb=1/1000,setpts='$vfr_pts'" -fps_mode vfr \
    -enc_time_base 1/1000 "${X264[@]}" -pix_fmt yuv420p -video_track_timescale 1000 \
    "${BX[@]}" vfr_cockatoo.mp4 \
    -vf "select='lt(mod(n\,5)\,3)'" -fps_mode passthrough "${X264[@]}" -pix_fmt yuv420p \
    "${BX[@]}" vfr_dropped.mkv \
    -frames:v 1 "${X264[@]}" -pix_fmt yuv420p "${BX[@]}" one_frame.mp4 \
    -frames:v 1 "${VP9[@]}" -pix_fmt yuv420p "${BX[@]}" one_frame.webm \
    -frames:v 2 -c:v mjpeg -q:v 5 -pix_fmt yuvj420p "${BX[@]}" two_frames_mjpeg.avi
  rm -f _cockatoo.nut

  # remuxes: the same packets in Matroska and QuickTime, and a faststart MP4 (moov first)
  "${FF[@]}" -i cockatoo_h264.mp4 \
    -c copy "${BX[@]}" cockatoo_h264.mkv \
    -c copy "${BX[@]}" cockatoo_h264.mov \
    -c copy -movflags +faststart "${BX[@]}" _faststart.mp4
  "${FF[@]}" -i vfr_cockatoo.mp4 -c copy "${BX[@]}" vfr_cockatoo.mkv
  # unknown_codec.avi: a real AVI whose video FourCC ("ZZZZ") no decoder knows
  "${FF[@]}" -i two_frames_mjpeg.avi -c copy -strict -2 -vtag ZZZZ "${BX[@]}" unknown_codec.avi

  # truncated and corrupt files
  #   moov atom at the end, cut in half: no moov, cannot be opened
  cut_at cockatoo_h264.mp4 1 2 truncated_no_moov.mp4
  #   faststart (moov first), cut in half: opens, the second half is missing
  cut_at _faststart.mp4 1 2 truncated_faststart.mp4
  #   WebM (no cues at the end) and AVI (no idx1 index) cut in half
  cut_at cockatoo_vp9.webm 1 2 truncated_half.webm
  cut_at cockatoo_mjpeg.avi 1 2 truncated_mjpeg.avi
  #   full length, 4 KiB in the middle of the media data overwritten with fixed junk
  python3 - _faststart.mp4 corrupt_midstream.mp4 <<'EOF'
import random, sys
b = bytearray(open(sys.argv[1], "rb").read())
rnd = random.Random(1234)
off = len(b) // 2
b[off:off + 4096] = bytes(rnd.randrange(256) for _ in range(4096))
open(sys.argv[2], "wb").write(b)
EOF
  rm -f _faststart.mp4
}

ffprobe_rotation() { # FILE: ffprobe's display-matrix rotation (counter-clockwise degrees)
  local r
  r="$(ffprobe -v error -select_streams v:0 -show_entries stream_side_data=rotation \
    -of default=nw=1:nk=1 "$1" | head -n 1)"
  echo "${r:-0}"
}

from_friday() {
  # friday.mp4 (640x480, 30 fps, real speech; its audio is stream 0), scaled to 480x360:
  # friday_h264_aac.mp4          H.264 + AAC, 2 s: the source of the rotated files
  # friday_mjpeg_pcm.avi         AVI with Motion-JPEG and uncompressed PCM audio, 1 s
  # audio_only.m4a               no video stream at all
  # audio_longer_than_video.mp4  1 s of video, 2 s of audio (iteration stops at the video's end)
  "${FF[@]}" -t 2 -i "$S/friday.mp4" \
    -map 0:v:0 -map 0:a:0 -vf scale=480:360 "${X264[@]}" -pix_fmt yuv420p "${AAC[@]}" \
    "${BX[@]}" friday_h264_aac.mp4 \
    -map 0:v:0 -map 0:a:0 -t 1 -vf scale=480:360 -c:v mjpeg -q:v 6 -pix_fmt yuvj420p \
    -c:a pcm_s16le "${BX[@]}" friday_mjpeg_pcm.avi \
    -map 0:a:0 -c:a copy "${BX[@]}" audio_only.m4a \
    -map 0:v:0 -map 0:a:0 -filter:v "trim=duration=1,setpts=PTS-STARTPTS,scale=480:360" \
    "${X264[@]}" -pix_fmt yuv420p "${AAC[@]}" "${BX[@]}" audio_longer_than_video.mp4
  # audio_first_stream.mkv: stream 0 is the audio, stream 1 the video
  "${FF[@]}" -i friday_h264_aac.mp4 -map 0:a -map 0:v -c copy "${BX[@]}" audio_first_stream.mkv

  # rotate_cwN.mp4/.mov: stored 480x360 landscape + a display matrix saying "turn N degrees
  # CLOCKWISE to display", so ffprobe's side-data rotation (counter-clockwise) is -N.
  # Quirk: ffmpeg 5.1 writes `-metadata:s:v:0 rotate=N` as a counter-clockwise matrix
  # (ffprobe then says +N) although the tag has always meant clockwise, so which tag gives
  # which matrix is found out on one file first.
  "${FF[@]}" -i friday_h264_aac.mp4 -map 0 -c copy -metadata:s:v:0 rotate=90 "${BX[@]}" _rot.mp4
  local sign
  case "$(ffprobe_rotation _rot.mp4)" in
  -90) sign=1 ;; # the tag means clockwise
  90) sign=-1 ;; # the tag means counter-clockwise (ffmpeg 5.1)
  *)
    echo "$0: ffmpeg wrote no display matrix for -metadata:s:v:0 rotate=90" >&2
    return 1
    ;;
  esac
  rm -f _rot.mp4
  local outputs=() n ext
  for n in 90 180 270; do
    for ext in mp4 mov; do
      outputs+=(-map 0 -c copy -metadata:s:v:0 "rotate=$(((360 + sign * n) % 360))" "${BX[@]}"
        "rotate_cw$n.$ext")
    done
  done
  "${FF[@]}" -i friday_h264_aac.mp4 "${outputs[@]}"
}

photos() {
  # chelsea_exif_orientation6.jpg: pixels stored turned 90 degrees counter-clockwise, plus EXIF
  #   Orientation=6 ("turn 90 degrees clockwise to display"): shown right, the cat is upright
  # chelsea_gray.png (1 channel), chelsea.bmp (bgr24), coffee_16bit.png (rgb48be),
  # coffee_rgba.png (transparent outside a centred circle), coffee.webp (lossy),
  # both_palette.png (pal8, 64 colours), both_321x241.png (odd size)
  "${FF[@]}" -i "$S/chelsea.png" \
    "${PIC[@]}" -vf transpose=2 -q:v 3 -pix_fmt yuvj420p "${BX[@]}" _rot.jpg \
    "${PIC[@]}" -pix_fmt gray "${BX[@]}" chelsea_gray.png \
    "${PIC[@]}" -pix_fmt bgr24 "${BX[@]}" chelsea.bmp
  "${FF[@]}" -i "$S/coffee.png" \
    "${PIC[@]}" -pix_fmt rgb48be "${BX[@]}" coffee_16bit.png \
    "${PIC[@]}" \
    -vf "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(hypot(X-W/2,Y-H/2),H/2),255,0)'" \
    "${BX[@]}" coffee_rgba.png \
    "${PIC[@]}" -c:v libwebp -lossless 0 -q:v 75 "${BX[@]}" coffee.webp
  "${FF[@]}" -i "$S/both.png" \
    "${PIC[@]}" -filter_complex "[0:v]split[a][b];[a]palettegen=max_colors=64[p];[b][p]paletteuse" \
    "${BX[@]}" both_palette.png \
    "${PIC[@]}" -map 0:v -vf scale=321:241 "${BX[@]}" both_321x241.png
  python3 - _rot.jpg chelsea_exif_orientation6.jpg <<'EOF'
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
jpg = open(src, "rb").read()
assert jpg[:2] == b"\xff\xd8"
# minimal big-endian TIFF/EXIF: IFD0 with one entry, Orientation (0x0112) SHORT = 6
tiff = b"MM" + struct.pack(">HI", 42, 8) + struct.pack(">H", 1) \
    + struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) + struct.pack(">I", 0)
app1 = b"Exif\x00\x00" + tiff
seg = b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
i = 2  # after SOI, and after an APP0/JFIF segment if there is one
if jpg[2:4] == b"\xff\xe0":
    i = 4 + struct.unpack(">H", jpg[4:6])[0]
open(dst, "wb").write(jpg[:i] + seg + jpg[i:])
EOF
  rm -f _rot.jpg
}

# 1. make the files ------------------------------------------------------------
from_cockatoo &
bg=$!
from_friday
photos
#   unopenable (audio_only.m4a, unknown_codec.avi, truncated_no_moov.mp4 are made above)
: >empty.mp4
printf 'This is a text file, not a video.\nIt only has a video extension.\n' >not_a_video.mp4
wait "$bg"
bg=""

# 2. check the clips with ffprobe, and write the manifest ------------------------------------
kind_of() {
  case "$1" in
  truncated_no_moov.mp4 | empty.mp4 | not_a_video.mp4 | audio_only.m4a | unknown_codec.avi)
    echo unopenable
    ;;
  truncated_* | corrupt_*) echo damaged ;;
  *.png | *.jpg | *.bmp | *.webp) echo photo ;;
  *) echo good ;;
  esac
}
fail() {
  echo "$0: $1" >&2
  exit 1
}
#   one ffprobe per good or damaged clip, $(nproc) at a time (the tests compare every file,
#   photos and unopenable ones too, with ffprobe); .probe/NAME gets the decoded frame count,
#   the rotation and the video packets' pts, .probe/NAME.err what ffprobe printed as errors
clips=()
for f in *; do
  case "$(kind_of "$f")" in good | damaged) clips+=("$f") ;; esac
done
mkdir .probe
# shellcheck disable=SC2016 # "$1" is expanded by sh -c, not here
printf '%s\0' "${clips[@]}" | xargs -0 -n 1 -P "$(nproc)" sh -c '
  ffprobe -v error -count_frames -select_streams v:0 \
    -show_entries stream=nb_read_frames:stream_side_data=rotation:packet=pts_time \
    -of default=nw=1 "$1" >".probe/$1" 2>".probe/$1.err" || true' sh
for f in *; do
  kind="$(kind_of "$f")"
  frames=-
  case "$kind" in
  good | damaged)
    frames="$(sed -n 's/^nb_read_frames=//p' ".probe/$f" | head -n 1)"
    errors="$(wc -l <".probe/$f.err")"
    [[ "$frames" =~ ^[1-9][0-9]*$ ]] || fail "ffprobe decodes no frames of $f ($kind)"
    if [[ "$kind" == good ]] && ((errors > 0)); then
      fail "ffprobe reports errors in $f ($kind): $(head -n 1 ".probe/$f.err")"
    elif [[ "$kind" == damaged ]] && ((errors == 0)); then
      fail "ffprobe reports no errors in $f ($kind)"
    fi
    ;;
  esac
  case "$f" in
  rotate_cw*)
    n="${f#rotate_cw}" n="${n%.*}"
    r="$(sed -n 's/^rotation=//p' ".probe/$f" | head -n 1)"
    (((${r:-0} + 360) % 360 == (360 - n) % 360)) ||
      fail "$f has ffprobe rotation '${r:-none}', expected $((-n))"
    ;;
  vfr_*) # the frame durations must really vary: at least 2 distinct pts gaps
    gaps="$(sed -n 's/^pts_time=//p' ".probe/$f" | sort -g |
      awk 'NR > 1 { printf "%.3f\n", $1 - prev } { prev = $1 }' | sort -u | wc -l)"
    ((gaps >= 2)) || fail "$f is not VFR (all frames last as long)"
    ;;
  esac
  printf '%s\t%s\t%s\n' "$f" "$kind" "$frames"
done >.manifest.tsv # dot files: the globs above do not list them
rm -rf .probe
mv .manifest.tsv manifest.tsv

echo "$hash" >.complete
cd - >/dev/null

# 3. put it in place: rename, replacing an older OUTDIR ---------------------
if [[ -e "$out" ]]; then
  mv -T "$out" "$out.old.$$"
  mv -T "$tmp" "$out"
  rm -rf "$out.old.$$"
else
  mv -T "$tmp" "$out"
fi
trap - EXIT
echo "test media written to $out ($(wc -l <"$out/manifest.tsv") files)"
