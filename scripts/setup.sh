#!/usr/bin/env bash
# Sets up camvideo on Debian 12 (bookworm) and runs it once on a real sample: the README's
# first command.
#
#   scripts/setup.sh              install packages and the model, build, run on a sample
#   scripts/setup.sh --deps-only  install packages and the model only (what CI does)
#
# Idempotent: packages already installed are not touched (and `apt-get update` runs only when
# one is missing); the build is incremental. Works as root, or as a user with sudo.
# Swift 6.3 itself is not a Debian package: it is expected on PATH or in /opt/swift.
set -euo pipefail

deps_only=0
for arg in "$@"; do
  case "$arg" in
  --deps-only) deps_only=1 ;;
  -h | --help)
    sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "setup.sh: unknown argument: $arg (try --help)" >&2
    exit 64
    ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian packages, and why each is needed.
packages=(
  ffmpeg            # ffmpeg/ffprobe: scripts/make-test-media.sh, and what the tests compare with
  libavformat-dev   # headers, .so links and pkg-config files of the FFmpeg 5.1 libraries that
  libavcodec-dev    #   Sources/CFFmpeg and Sources/CVideoShim build against (libavdevice-dev
  libswscale-dev    #   brings libavfilter-dev and libpostproc-dev along: its .pc requires them)
  libswresample-dev
  libavutil-dev
  libavdevice-dev   # its header, and libavdevice59, which the shim loads for camera and lavfi input
  libopenblas-dev   # Sources/COpenBLAS: the engine's matrix products (pkg-config "openblas")
  pkg-config        # SwiftPM finds the two system libraries above through it
  python3           # scripts/make-test-media.sh patches bytes with the standard library
  python3-venv      # scripts/install_model.sh converts the model in a venv
  git               # SwiftPM fetches the package dependencies with git
  ca-certificates   #   over https
  make              # `make test`, the README's test command
  time              # /usr/bin/time: peak memory in Benchmarks/RenderBench/rss.sh
  chromium          # headless, the browser of the live-view test (CLITests BrowserViewTests)
  curl              #   and the other viewers of that test
)

missing=()
for p in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]]; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "setup.sh: ${missing[*]} missing; not root and no sudo: run this as root" >&2
    exit 1
  fi
  echo "setup.sh: installing ${missing[*]}" >&2
  "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=300 update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
    install -y --no-install-recommends "${missing[@]}"
else
  echo "setup.sh: Debian packages already installed" >&2
fi

# The default model (EfficientNet-Lite0 as ONNX, into ~/.local/share/camvideo), when the
# installer is there.
if [[ -x scripts/install_model.sh ]]; then
  scripts/install_model.sh
fi

if ((deps_only)); then
  exit 0
fi

if ! command -v swift >/dev/null; then
  if [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
  else
    echo "setup.sh: swift not found: install Swift 6.3 (https://www.swift.org/install/linux/)" \
      "and put its usr/bin on PATH" >&2
    exit 1
  fi
fi

swift build -c release --product camvideo
camvideo="$(swift build -c release --show-bin-path)/camvideo"
"$camvideo" --version

# ---- the main job on a real sample --------------------------------------------------------
# The 720p cockatoo clip (280 frames, with audio) rendered with Grad-CAM on EfficientNet-Lite0,
# `--class auto`, into cockatoo-cam.mp4 in the current folder.
"$camvideo" examples/media/cockatoo.mp4 cockatoo-cam.mp4 --class auto
echo "setup.sh: wrote cockatoo-cam.mp4 (play it with: ffplay cockatoo-cam.mp4)"
