#!/usr/bin/env python3
"""Check the ONNX made by convert_lite0.py against the PyTorch reference data.

Runs only where `onnxruntime` (and numpy, onnx) can be imported; otherwise it
prints a SKIP line and exits 0. Nothing here is needed to build camvideo.

Checks, each printed with its max |difference|:
  * logits on shared/reference/golden/efficientnet_lite0/{chelsea,coffee}/input.npy
    vs the PyTorch logits.npy there (<= --tol), and the same top-1 / top-5;
  * the `_head_act` tensor (added as an extra graph output in an in-memory
    copy) vs activations.npy (<= --tol);
  * a seeded random N(0,1) batch of 4 vs the torch.onnx export
    shared/reference/onnx/efficientnet_lite0.onnx (logits and its
    `/_head_act/Clip_output_0`, <= --tol);
  * the model's metadata (labels, default layer, input size).
Each forward runs twice: onnxruntime with all graph optimisations and with none.
Exit status 1 if any difference is above --tol or a check fails.

Usage (e.g. from the throwaway venv that has onnxruntime):
    verify_lite0.py [--model PATH] [--reference DIR] [--tol 1e-4]
"""

from __future__ import annotations

import argparse
import os
import sys


def default_model() -> str:
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"),
                                                           ".local", "share")
    return os.path.join(data, "camvideo", "efficientnet_lite0.onnx")


def default_reference() -> str:
    if os.environ.get("REFDATA"):
        return os.environ["REFDATA"]
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(os.path.dirname(repo), "shared", "reference")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=default_model(), help="default: %(default)s")
    ap.add_argument("--reference", default=default_reference(),
                    help="shared/reference folder (env REFDATA; default: %(default)s)")
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args(argv)

    try:
        import numpy as np
        import onnx
        import onnxruntime as ort
    except ImportError as e:
        print(f"SKIP verify_lite0: {e.name} is not importable")
        return 0

    failures: list[str] = []

    def check(label: str, got, want, tol=args.tol):
        got = np.asarray(got, np.float32)
        want = np.asarray(want, np.float32)
        if got.shape != want.shape:
            failures.append(f"{label}: shape {got.shape} != {want.shape}")
            print(f"FAIL {label}: shape {got.shape} != {want.shape}")
            return
        d = float(np.max(np.abs(got - want)))
        ok = d <= tol
        print(f"{'ok  ' if ok else 'FAIL'} {label}: max|d| = {d:.3g} "
              f"(|ref| max {float(np.max(np.abs(want))):.3g})")
        if not ok:
            failures.append(f"{label}: {d:.3g} > {tol:g}")

    print(f"model {args.model}\nonnxruntime {ort.__version__}, onnx {onnx.__version__}, "
          f"numpy {np.__version__}")
    model = onnx.load(args.model)
    meta = {p.key: p.value for p in model.metadata_props}
    labels = meta.get("camvideo.labels", "").split("\n")
    layer = meta.get("camvideo.default_layer")
    produced = {o for n in model.graph.node for o in n.output}
    for cond, what in [
        (len(labels) == 1000, f"1000 labels (got {len(labels)})"),
        (layer == "_head_act" and layer in produced, f"default layer tensor {layer!r}"),
        (meta.get("camvideo.input_size") == "224x224", "input size 224x224"),
        (meta.get("camvideo.mean") == "0.5,0.5,0.5" and meta.get("camvideo.std") == "0.5,0.5,0.5",
         "mean/std 0.5"),
        (sum(n.op_type == "BatchNormalization" for n in model.graph.node) == 49,
         "49 unfolded BatchNormalization nodes"),
    ]:
        print(f"{'ok  ' if cond else 'FAIL'} metadata: {what}")
        if not cond:
            failures.append(what)

    # Copy with the target layer as a second output (its shape from value_info).
    vi = {v.name: v for v in model.graph.value_info}
    extra = onnx.ModelProto()
    extra.CopyFrom(model)
    extra.graph.output.append(vi[layer] if layer in vi else onnx.helper.make_tensor_value_info(
        layer, onnx.TensorProto.FLOAT, None))
    extra_bytes = extra.SerializeToString()

    ref_onnx = os.path.join(args.reference, "onnx", "efficientnet_lite0.onnx")
    ref_act = "/_head_act/Clip_output_0"
    ref_model = onnx.load(ref_onnx)
    ref_model.graph.output.append(onnx.helper.make_tensor_value_info(
        ref_act, onnx.TensorProto.FLOAT, None))
    ref_bytes = ref_model.SerializeToString()

    def session(data: bytes, level):
        so = ort.SessionOptions()
        so.graph_optimization_level = level
        so.intra_op_num_threads = 2
        return ort.InferenceSession(data, so, providers=["CPUExecutionProvider"])

    golden = os.path.join(args.reference, "golden", "efficientnet_lite0")
    photos = ["chelsea", "coffee"]
    rng = np.random.default_rng(0)
    rand = rng.standard_normal((4, 3, 224, 224), dtype=np.float32)
    levels = [("ort-opt-all", ort.GraphOptimizationLevel.ORT_ENABLE_ALL),
              ("ort-opt-off", ort.GraphOptimizationLevel.ORT_DISABLE_ALL)]
    for tag, level in levels:
        sess = session(extra_bytes, level)
        batch = []
        for photo in photos:
            d = os.path.join(golden, photo)
            x = np.load(os.path.join(d, "input.npy"))
            batch.append(x)
            logits, act = sess.run(["logits", layer], {"input": x})
            check(f"[{tag}] {photo} logits vs torch", logits, np.load(os.path.join(d, "logits.npy")))
            check(f"[{tag}] {photo} {layer} vs torch activations", act,
                  np.load(os.path.join(d, "activations.npy")))
            top5 = np.argsort(-logits[0], kind="stable")[:5]
            want5 = np.load(os.path.join(d, "top5.npy")).reshape(-1)
            p = np.exp(logits[0] - logits[0].max())
            p /= p.sum()
            same = list(top5) == list(want5)
            print(f"{'ok  ' if same else 'FAIL'} [{tag}] {photo} top-5: " + ", ".join(
                f"{i} {labels[i]} {p[i]:.4f}" for i in top5))
            if not same:
                failures.append(f"[{tag}] {photo} top-5 {list(top5)} != {list(want5)}")
        # the two photos as one batch of 2 (symbolic batch dimension)
        logits2 = sess.run(["logits"], {"input": np.concatenate(batch)})[0]
        check(f"[{tag}] chelsea+coffee as batch 2 vs torch", logits2, np.concatenate(
            [np.load(os.path.join(golden, ph, "logits.npy")) for ph in photos]))

        ref = session(ref_bytes, level)
        mine_l, mine_a = sess.run(["logits", layer], {"input": rand})
        ref_l, ref_a = ref.run(["logits", ref_act], {"input": rand})
        check(f"[{tag}] random N(0,1) batch 4 logits vs torch.onnx export", mine_l, ref_l)
        check(f"[{tag}] random N(0,1) batch 4 {layer} vs export {ref_act}", mine_a, ref_a)

    if failures:
        print(f"verify_lite0: {len(failures)} check(s) failed")
        return 1
    print("verify_lite0: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
