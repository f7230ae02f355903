"""Writes small ONNX models that seed the importer fuzzer (Fuzz/seeds/*.onnx).

Each exercises a different part of the importer: initializers as raw_data and as typed fields,
a shape-arithmetic subgraph to fold (Shape/Gather/Unsqueeze/Concat/Reshape), Pad before Conv,
BatchNormalization, depthwise Conv, Clip with constant inputs, Gemm, external data. Run with the
venv of scripts/install_model.sh (it has numpy and onnx):

    ~/.cache/camvideo/venv/bin/python Fuzz/make_seeds.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "seeds")
rng = np.random.default_rng(0)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def save(name, nodes, inits, inp, out, typed=False, external=False):
    tensors = []
    for k, v in inits.items():
        t = numpy_helper.from_array(v, k)
        if typed and v.dtype == np.float32:
            t = helper.make_tensor(k, TensorProto.FLOAT, v.shape, v.flatten().tolist())
        tensors.append(t)
    g = helper.make_graph(nodes, name, [inp], [out], tensors)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    path = os.path.join(OUT, name + ".onnx")
    if external:
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=name + ".data", size_threshold=0)
    else:
        onnx.save_model(m, path)


x = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 8, 8])
y = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 4])

# conv → BN → Clip(0, 6) → depthwise → GAP → Flatten → Gemm
save("convnet", [
    helper.make_node("Conv", ["input", "w0", "b0"], ["c0"], name="conv0", pads=[0, 0, 1, 1], strides=[2, 2], kernel_shape=[3, 3]),
    helper.make_node("BatchNormalization", ["c0", "g", "be", "m", "v"], ["bn0"], name="bn0", epsilon=1e-3),
    helper.make_node("Clip", ["bn0", "lo", "hi"], ["a0"], name="act0"),
    helper.make_node("Conv", ["a0", "w1"], ["c1"], name="dw1", group=6, pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
    helper.make_node("GlobalAveragePool", ["c1"], ["p"], name="pool"),
    helper.make_node("Flatten", ["p"], ["f"], name="flat", axis=1),
    helper.make_node("Gemm", ["f", "fw", "fb"], ["logits"], name="fc", transB=1),
], {"w0": f32(6, 3, 3, 3), "b0": f32(6), "g": f32(6), "be": f32(6), "m": f32(6),
    "v": np.abs(f32(6)) + 0.5, "lo": np.array(0, np.float32), "hi": np.array(6, np.float32),
    "w1": f32(6, 1, 3, 3), "fw": f32(4, 6), "fb": f32(4)}, x, y)

# the same with typed float fields instead of raw_data, and with external data
save("convnet_typed", [
    helper.make_node("Conv", ["input", "w0"], ["c0"], name="conv0", kernel_shape=[1, 1]),
    helper.make_node("Relu", ["c0"], ["r"], name="relu"),
    helper.make_node("GlobalAveragePool", ["r"], ["p"], name="pool"),
    helper.make_node("Flatten", ["p"], ["f"], name="flat"),
    helper.make_node("Gemm", ["f", "fw"], ["logits"], name="fc", transB=1),
], {"w0": f32(5, 3, 1, 1), "fw": f32(4, 5)}, x, y, typed=True)
save("convnet_external", [
    helper.make_node("Conv", ["input", "w0"], ["c0"], name="conv0", kernel_shape=[1, 1]),
    helper.make_node("GlobalAveragePool", ["c0"], ["p"], name="pool"),
    helper.make_node("Flatten", ["p"], ["f"], name="flat"),
    helper.make_node("Gemm", ["f", "fw"], ["logits"], name="fc", transB=1),
], {"w0": f32(5, 3, 1, 1), "fw": f32(4, 5)}, x, y, external=True)

# shape arithmetic to fold: Shape → Gather → Unsqueeze → Concat → Reshape (a channel shuffle)
save("shuffle", [
    helper.make_node("Conv", ["input", "w0"], ["c0"], name="conv0", kernel_shape=[1, 1]),
    helper.make_node("Shape", ["c0"], ["s"], name="shape"),
    helper.make_node("Gather", ["s", "i0"], ["n"], name="g0", axis=0),
    helper.make_node("Unsqueeze", ["n", "ax"], ["nu"], name="u0"),
    helper.make_node("Concat", ["nu", "rest"], ["shp"], name="cat", axis=0),
    helper.make_node("Reshape", ["c0", "shp"], ["r"], name="reshape"),
    helper.make_node("Transpose", ["r"], ["t"], name="tr", perm=[0, 2, 1, 3, 4]),
    helper.make_node("Reshape", ["t", "shp2"], ["r2"], name="reshape2"),
    helper.make_node("GlobalAveragePool", ["r2"], ["p"], name="pool"),
    helper.make_node("Flatten", ["p"], ["f"], name="flat"),
    helper.make_node("Gemm", ["f", "fw"], ["logits"], name="fc", transB=1),
], {"w0": f32(4, 3, 1, 1), "i0": np.array(0, np.int64), "ax": np.array([0], np.int64),
    "rest": np.array([2, 2, 8, 8], np.int64), "shp2": np.array([-1, 4, 8, 8], np.int64),
    "fw": f32(4, 4)}, x, y)
print("seeds in", OUT)
