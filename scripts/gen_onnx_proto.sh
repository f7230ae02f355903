#!/usr/bin/env bash
# Regenerate Sources/Engine/ONNX/onnx.pb.swift (the Swift types for ONNX's
# ModelProto, GraphProto, NodeProto, TensorProto, ...) from scripts/onnx.proto.
#
#   scripts/gen_onnx_proto.sh [--check] [--update-proto] [--no-guard]
#
#   --check         generate into a temp dir and compare with the file in the
#                   tree; exit 1 if they differ (nothing is written)
#   --update-proto  first refresh scripts/onnx.proto from the `onnx` pip package
#                   in the camvideo venv (see install_model.sh; pinned onnx==1.23.2)
#   --no-guard      do not wrap the file in `#if canImport(SwiftProtobuf)` (see below)
#
# Inputs:
#   scripts/onnx.proto  ONNX's own onnx.proto (proto2), byte-for-byte as shipped
#                       in the PyPI wheel onnx 1.23.2 (onnx/onnx.proto);
#                       Apache-2.0, (c) ONNX Project Contributors; its SPDX header is
#                       kept, and carried into the generated file. It lives in
#                       scripts/, not Sources/, so SwiftPM does not treat it as a source.
#   protoc              Debian's protobuf-compiler (installed with apt-get when
#                       missing and running as root); the Swift output does not depend
#                       on protoc's version, only on the plugin's.
#   protoc-gen-swift    swift-protobuf 1.39.0's plugin: $PROTOC_GEN_SWIFT if set, else
#                       built once (release, `nice -n 10`, about 2-10 minutes on 2 cores)
#                       from the tag 1.39.0 of $SWIFT_PROTOBUF_GIT
#                       (default /opt/swift-packages/apple/swift-protobuf.git) in
#                       $SWIFT_PROTOBUF_WORK (default /tmp/swift-protobuf-1.39.0).
#                       The plugin version must equal the SwiftProtobuf library version
#                       the Engine links (1.39.x), which the generated file checks at
#                       compile time (_GeneratedWithProtocGenSwiftVersion).
#
# Output options: --swift_opt=Visibility=Internal (types are internal to Engine:
# Onnx_ModelProto, Onnx_GraphProto, Onnx_NodeProto, Onnx_TensorProto, ...).
#
# The guard: the generated file imports SwiftProtobuf. Until Package.swift gives
# the Engine target `.product(name: "SwiftProtobuf", package: "swift-protobuf")`
# (package `https://github.com/apple/swift-protobuf`, from: "1.39.0"), the whole
# file is wrapped in `#if canImport(SwiftProtobuf) ... #endif` so that it compiles
# to nothing instead of breaking the build. Once the dependency is in, the guard is
# harmless; regenerate with --no-guard to drop it.
set -euo pipefail

check=0 update=0 guard=1
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    --update-proto) update=1 ;;
    --no-guard) guard=0 ;;
    -h|--help) sed -n '2,42p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gen_onnx_proto.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
proto="$here/onnx.proto"
out="$repo/Sources/Engine/ONNX/onnx.pb.swift"
swift_protobuf_version="1.39.0"
onnx_version="1.23.2"

# --- onnx.proto -------------------------------------------------------------------
if [[ $update -eq 1 ]]; then
  py="${CAMVIDEO_VENV:-$HOME/.cache/camvideo/venv}/bin/python"
  [[ -x "$py" ]] || { echo "gen_onnx_proto.sh: no venv at $py; run scripts/install_model.sh" >&2; exit 1; }
  have="$("$py" -c 'import onnx; print(onnx.__version__)')"
  if [[ "$have" != "$onnx_version" ]]; then
    echo "gen_onnx_proto.sh: venv has onnx $have, expected $onnx_version" >&2
    exit 1
  fi
  src="$("$py" -c 'import onnx, os; print(os.path.join(os.path.dirname(onnx.__file__), "onnx.proto"))')"
  cp "$src" "$proto"
  chmod 644 "$proto"
  echo "gen_onnx_proto.sh: copied $src -> $proto" >&2
fi
[[ -f "$proto" ]] || { echo "gen_onnx_proto.sh: missing $proto" >&2; exit 1; }
grep -q '^syntax = "proto2";' "$proto" || { echo "gen_onnx_proto.sh: $proto is not proto2" >&2; exit 1; }
grep -q 'SPDX-License-Identifier: Apache-2.0' "$proto" || { echo "gen_onnx_proto.sh: $proto lost its licence header" >&2; exit 1; }

# --- protoc -------------------------------------------------------------------------
if ! command -v protoc >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "gen_onnx_proto.sh: installing protobuf-compiler" >&2
    apt-get -o DPkg::Lock::Timeout=300 install -y protobuf-compiler >&2 \
      || { apt-get update >&2 && apt-get -o DPkg::Lock::Timeout=300 install -y protobuf-compiler >&2; }
  else
    echo "gen_onnx_proto.sh: protoc not found (apt-get install protobuf-compiler)" >&2
    exit 1
  fi
fi

# --- protoc-gen-swift ---------------------------------------------------------------
plugin="${PROTOC_GEN_SWIFT:-}"
if [[ -z "$plugin" ]]; then
  work="${SWIFT_PROTOBUF_WORK:-/tmp/swift-protobuf-$swift_protobuf_version}"
  plugin="$work/.build/release/protoc-gen-swift"
  if [[ ! -x "$plugin" ]]; then
    git_dir="${SWIFT_PROTOBUF_GIT:-/opt/swift-packages/apple/swift-protobuf.git}"
    if [[ ! -f "$work/Package.swift" ]]; then
      mkdir -p "$work"
      git -C "$git_dir" archive "$swift_protobuf_version" | tar -x -C "$work"
    fi
    echo "gen_onnx_proto.sh: building protoc-gen-swift $swift_protobuf_version in $work" >&2
    (cd "$work" && nice -n 10 swift build -c release --product protoc-gen-swift >&2)
  fi
fi
plugin_version="$("$plugin" --version)"
if [[ "$plugin_version" != "protoc-gen-swift $swift_protobuf_version" ]]; then
  echo "gen_onnx_proto.sh: $plugin is '$plugin_version', expected $swift_protobuf_version" >&2
  exit 1
fi

# --- generate -----------------------------------------------------------------------
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
protoc --plugin="protoc-gen-swift=$plugin" --proto_path="$here" \
  --swift_opt=Visibility=Internal --swift_out="$tmp" "$proto"
gen="$tmp/onnx.pb.swift"
[[ -s "$gen" ]] || { echo "gen_onnx_proto.sh: protoc wrote no onnx.pb.swift" >&2; exit 1; }

if [[ $guard -eq 1 ]]; then
  # Everything after the leading comment block goes inside the guard.
  awk '
    !done && !/^\/\// && !/^[[:space:]]*$/ {
      print "// camvideo: compiled only when the target depends on SwiftProtobuf"
      print "// (scripts/gen_onnx_proto.sh --no-guard drops this guard)."
      print "#if canImport(SwiftProtobuf)"
      print ""
      done = 1
    }
    { print }
    END { print ""; print "#endif  // canImport(SwiftProtobuf)" }
  ' "$gen" > "$gen.guarded"
  mv "$gen.guarded" "$gen"
fi

if [[ $check -eq 1 ]]; then
  if cmp -s "$gen" "$out"; then
    echo "gen_onnx_proto.sh: $out is up to date"
    exit 0
  fi
  echo "gen_onnx_proto.sh: $out differs from what scripts/onnx.proto generates" >&2
  diff -u "$out" "$gen" | head -40 >&2 || true
  exit 1
fi
mkdir -p "$(dirname "$out")"
chmod 644 "$gen"
mv -f "$gen" "$out"
echo "gen_onnx_proto.sh: wrote $out ($(wc -l < "$out") lines, $plugin_version, $(protoc --version))"
