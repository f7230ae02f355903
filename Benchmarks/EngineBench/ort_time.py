"""onnxruntime forward time for camvideo-bench-engine.

    ort_time.py MODEL --serve     read "BATCH THREADS REPEATS [cpu]" lines on stdin, answer each
                                  with the median ms/frame of REPEATS runs (after one warm-up)
    ort_time.py MODEL [--batch N] [--threads N] [--repeats N] [--cpu-time]    one measurement

Same conditions as the engine: intra-op threads as given, one inter-op thread, sequential
execution, all graph optimisations on, uniform noise in [-1, 1] as input. The serving mode lets
the benchmark alternate engine and onnxruntime measurements, so both see the same machine load.
With `cpu` (`--cpu-time`) a run is timed by the calling thread's CPU clock, as the engine's
`--cpu-time` times its own: with one intra-op thread onnxruntime computes on the caller, so
neither count the time the shared machine gave to other processes.
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
p.add_argument("--cpu-time", action="store_true")
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


def measure(batch, threads, repeats, cpu=False):
    clock = time.thread_time if cpu else time.perf_counter
    sess = session(threads)
    inp = sess.get_inputs()[0]
    shape = [batch] + [d if isinstance(d, int) else batch for d in inp.shape[1:]]
    x = np.random.default_rng(0).uniform(-1, 1, size=shape).astype(np.float32)
    sess.run(None, {inp.name: x})
    samples = []
    for _ in range(repeats):
        t = clock()
        sess.run(None, {inp.name: x})
        samples.append(clock() - t)
    return float(np.median(samples)) / batch * 1000


if a.serve:
    for line in sys.stdin:
        fields = line.split()
        if len(fields) not in (3, 4):
            break
        cpu = len(fields) == 4 and fields[3] == "cpu"
        print(f"{measure(*map(int, fields[:3]), cpu=cpu):.3f}", flush=True)
else:
    print(f"{measure(a.batch, a.threads, a.repeats, a.cpu_time):.3f}")
