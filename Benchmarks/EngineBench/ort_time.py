"""onnxruntime forward time for camvideo-bench-engine.

    ort_time.py MODEL --serve     read "BATCH THREADS REPEATS [cpu]" lines on stdin, answer each
                                  with the median ms/frame of REPEATS runs (after one warm-up)
    ort_time.py MODEL [--batch N] [--threads N] [--repeats N] [--cpu-time]    one measurement
    ort_time.py MODEL --profile [--batch N] [--threads N] [--repeats N]
                                  onnxruntime's own profile: the median ms/frame of each node
                                  (after its layout passes: `_nchwc` nodes), slowest first, to
                                  set beside `camvideo-bench-engine --profile-steps`

Same conditions as the engine: intra-op threads as given, one inter-op thread, sequential
execution, all graph optimisations on, uniform noise in [-1, 1] as input. The serving mode lets
the benchmark alternate engine and onnxruntime measurements, so both see the same machine load.
With `cpu` (`--cpu-time`) a run is timed by the calling thread's CPU clock, as the engine's
`--cpu-time` times its own: with one intra-op thread onnxruntime computes on the caller, so
neither count the time the shared machine gave to other processes.
"""
import argparse
import json
import os
import sys
import tempfile
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
p.add_argument("--profile", action="store_true")
a = p.parse_args()

sessions = {}


def options(threads):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return so


def session(threads):
    if threads not in sessions:
        sessions[threads] = ort.InferenceSession(
            a.model, options(threads), providers=["CPUExecutionProvider"]
        )
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


def profile(batch, threads, repeats):
    so = options(threads)
    folder = tempfile.mkdtemp()
    so.enable_profiling = True
    so.profile_file_prefix = os.path.join(folder, "ort")
    sess = ort.InferenceSession(a.model, so, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0]
    shape = [batch] + [d if isinstance(d, int) else batch for d in inp.shape[1:]]
    x = np.random.default_rng(0).uniform(-1, 1, size=shape).astype(np.float32)
    warmups = 3
    for _ in range(warmups + repeats):
        sess.run(None, {inp.name: x})
    with open(sess.end_profiling()) as f:
        events = json.load(f)
    times = {}
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            name = e["name"][: -len("_kernel_time")]
            times.setdefault(name, (e["args"].get("op_name", ""), []))[1].append(e["dur"])
    rows = []
    for name, (op, durations) in times.items():
        kept = sorted(durations[warmups:] or durations)
        rows.append((kept[len(kept) // 2] / 1000 / batch, op, name))
    for ms, op, name in sorted(rows, reverse=True):
        print(f"{ms:7.3f} ms/frame  {op:12s} {name}")
    print(f"{sum(r[0] for r in rows):7.3f} ms/frame  sum of the node medians ({len(rows)} nodes)")


if a.profile:
    profile(a.batch, a.threads, a.repeats)
elif a.serve:
    for line in sys.stdin:
        fields = line.split()
        if len(fields) not in (3, 4):
            break
        cpu = len(fields) == 4 and fields[3] == "cpu"
        ms = measure(*map(int, fields[:3]), cpu=cpu)
        # onnxruntime's intra-op workers spin for a while after a run: answering at once let
        # them take a core from the engine's next measurement (batch 1 on two threads measured
        # 2.2 ms alone and 2.6-5.4 ms right after onnxruntime).
        time.sleep(0.2)
        print(f"{ms:.3f}", flush=True)
else:
    print(f"{measure(a.batch, a.threads, a.repeats, a.cpu_time):.3f}")
