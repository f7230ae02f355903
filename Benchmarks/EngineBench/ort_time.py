"""onnxruntime forward time for camvideo-bench-engine.

    ort_time.py MODEL --serve     read "BATCH THREADS REPEATS" lines on stdin, answer each with
                                  the median ms/frame of REPEATS runs (after one warm-up)
    ort_time.py MODEL [--batch N] [--threads N] [--repeats N]    one measurement

Same conditions as the engine: intra-op threads as given, one inter-op thread, sequential
execution, all graph optimisations on, uniform noise in [-1, 1] as input. The serving mode lets
the benchmark alternate engine and onnxruntime measurements, so both see the same machine load.
"""
import argparse
import sys
import time

import numpy as np
import onnxruntime as ort

p = argparse.ArgumentParser()
p.add_argument("model")
p.add_argument("--serve", action="store_true")
p.add_argument("--batch", type=int, default=1)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--repeats", type=int, default=10)
a = p.parse_args()

sessions = {}


def session(threads):
    if threads not in sessions:
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        sessions[threads] = ort.InferenceSession(a.model, so, providers=["CPUExecutionProvider"])
    return sessions[threads]


def measure(batch, threads, repeats):
    sess = session(threads)
    inp = sess.get_inputs()[0]
    shape = [batch] + [d if isinstance(d, int) else batch for d in inp.shape[1:]]
    x = np.random.default_rng(0).uniform(-1, 1, size=shape).astype(np.float32)
    sess.run(None, {inp.name: x})
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        sess.run(None, {inp.name: x})
        samples.append(time.perf_counter() - t)
    return float(np.median(samples)) / batch * 1000


if a.serve:
    for line in sys.stdin:
        fields = line.split()
        if len(fields) != 3:
            break
        print(f"{measure(*map(int, fields)):.3f}", flush=True)
else:
    print(f"{measure(a.batch, a.threads, a.repeats):.3f}")
