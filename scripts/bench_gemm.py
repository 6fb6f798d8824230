#!/usr/bin/env python3
"""Compare loraf's SGEMM with numpy/OpenBLAS float32 matmul on the shapes of `loraf bench gemm`.

Runs `.build/release/loraf bench gemm --json` (rows of GEMMBenchmarkRow), then times numpy on the same
shapes and thread counts, each thread count in its own subprocess with OPENBLAS_NUM_THREADS set and
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed (the machine pins them; OpenBLAS should pick its own kernel).

usage: scripts/bench_gemm.py [--loraf PATH] [--json FILE]   (--json: read loraf rows from FILE instead)
"""
import argparse
import json
import os
import subprocess
import sys

TIMER = r"""
import json, sys, time
import numpy as np
shapes = json.loads(sys.argv[1])
rng = np.random.default_rng(0)
out = []
for s in shapes:
    m, n, k, batch = s["m"], s["n"], s["k"], s["batch"]
    a = rng.standard_normal((batch, k, m) if s["transA"] else (batch, m, k), dtype=np.float32)
    b = rng.standard_normal((batch, n, k) if s["transB"] else (batch, k, n), dtype=np.float32)
    opa = a.transpose(0, 2, 1) if s["transA"] else a
    opb = b.transpose(0, 2, 1) if s["transB"] else b
    if batch == 1:
        opa, opb = opa[0], opb[0]
    c = np.matmul(opa, opb)
    best, start, runs = float("inf"), time.perf_counter(), 0
    while runs < 3 or time.perf_counter() - start < 0.3:
        t0 = time.perf_counter()
        np.matmul(opa, opb, out=c)
        best = min(best, time.perf_counter() - t0)
        runs += 1
    out.append(2.0 * m * n * k * batch / best / 1e9)
print(json.dumps(out))
"""


def numpy_gflops(shapes, threads):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    result = subprocess.run([sys.executable, "-c", TIMER, json.dumps(shapes)], env=env,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loraf", default=".build/release/loraf", help="the loraf executable")
    parser.add_argument("--json", help="read loraf's rows from this file instead of running loraf")
    args = parser.parse_args()
    if args.json:
        with open(args.json) as f:
            rows = json.load(f)
    else:
        if not os.access(args.loraf, os.X_OK):
            sys.exit(f"bench_gemm: {args.loraf} not found or not executable; build with `swift build -c release`")
        text = subprocess.run([args.loraf, "bench", "gemm", "--json"], capture_output=True, text=True, check=True).stdout
        rows = json.loads(text[text.index("["):])
    thread_counts = sorted({row["threads"] for row in rows})
    shapes = []
    for row in rows:
        if row["shape"] not in shapes:
            shapes.append(row["shape"])
    blas = {t: numpy_gflops(shapes, t) for t in thread_counts}
    print(f"{'shape':12}{'m':>6}{'n':>6}{'k':>6}  op {'batch':>5} {'thr':>3} {'loraf':>8} {'OpenBLAS':>9} {'ratio':>6}")
    worst = float("inf")
    for row in rows:
        s, t = row["shape"], row["threads"]
        ref = blas[t][shapes.index(s)]
        ratio = row["gflops"] / ref
        if s["batch"] == 1:
            worst = min(worst, ratio)
        op = ("T" if s["transA"] else "N") + ("T" if s["transB"] else "N")
        print(f"{s['name']:12}{s['m']:>6}{s['n']:>6}{s['k']:>6}  {op} {s['batch']:>5} {t:>3} "
              f"{row['gflops']:>8.1f} {ref:>9.1f} {ratio:>6.2f}")
    print(f"worst loraf/OpenBLAS ratio over the linear (batch 1) shapes: {worst:.2f}")


if __name__ == "__main__":
    main()
