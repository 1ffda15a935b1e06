#!/usr/bin/env python3
"""Grouped fits against a scipy loop (docs/benchmarks.md, "Grouped fits against a scipy loop"): one CSV of G groups of
50 rows of a*exp(-b*x)+c (noise 0.01), fitted per group from a=1, b=1, c=0 by

  * scipy: a Python process that reads the CSV with numpy and calls least_squares (default trf, analytic Jacobian)
    once per group, then writes a CSV of the parameters;
  * lsq:   `lsq fit --group-by id --out results.csv` (a JVM, start-up included).

Wall time of each whole process (start-up, reading, fitting, writing), and CPU time (user + sys of the child), which
is what the machine's other load does not change. Then the answers are compared group by group.

Usage: python3 bench/grouped/vs_scipy.py [--groups 20000] [--threads 1] [--lsq "java ... -jar app/target/lsq.jar"]
"""
import argparse, os, resource, shlex, subprocess, sys, tempfile, time
import numpy as np

SCIPY = r'''
import sys, numpy as np
from scipy.optimize import least_squares
d = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
ids, x, y = d[:, 0], d[:, 1], d[:, 2]
cut = np.flatnonzero(np.diff(ids)) + 1
starts = np.r_[0, cut]; ends = np.r_[cut, len(ids)]
out = open(sys.argv[2], "w")
out.write("id,a,b,c,cost\n")
for s, e in zip(starts, ends):
    xs, ys = x[s:e], y[s:e]
    f = lambda p: p[0] * np.exp(-p[1] * xs) + p[2] - ys
    def j(p):
        ex = np.exp(-p[1] * xs)
        return np.column_stack([ex, -p[0] * xs * ex, np.ones_like(xs)])
    r = least_squares(f, [1.0, 1.0, 0.0], jac=j)
    out.write("%d,%r,%r,%r,%r\n" % (ids[s], float(r.x[0]), float(r.x[1]), float(r.x[2]), float(r.cost)))
out.close()
'''


def write_data(path, groups, rows=50, seed=17):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 5, rows)
    with open(path, "w") as f:
        f.write("id,x,y\n")
        for g in range(groups):
            a, b, c = 1 + rng.random(), 0.5 + rng.random(), 0.2 * rng.random()
            y = a * np.exp(-b * x) + c + 0.01 * rng.standard_normal(rows)
            f.write("".join("%d,%r,%r\n" % (g, float(xi), float(yi)) for xi, yi in zip(x, y)))


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--groups", type=int, default=20000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--lsq", default="java --add-modules=jdk.incubator.vector --add-opens=java.base/java.nio=ALL-UNNAMED"
                    " -jar app/target/lsq.jar")
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix="grouped-bench-")
    data = os.path.join(d, "decay-groups.csv")
    write_data(data, a.groups)
    sw, sc, _ = timed([sys.executable, "-c", SCIPY, data, os.path.join(d, "scipy.csv")])
    lw, lc, out = timed(shlex.split(a.lsq) + ["fit", "--data", data, "--group-by", "id", "--model", "a*exp(-b*x)+c",
                                            "--p0", "a=1,b=1,c=0", "--out", os.path.join(d, "lsq.csv"), "--threads",
                                            str(a.threads), "--quiet"])
    s = np.genfromtxt(os.path.join(d, "scipy.csv"), delimiter=",", names=True)
    l = np.genfromtxt(os.path.join(d, "lsq.csv"), delimiter=",", names=True, dtype=None, encoding="utf-8")
    conv = int(np.sum(l["status"] == "converged"))
    rel = np.abs(l["cost"] - s["cost"]) / s["cost"]
    dpar = max(float(np.max(np.abs(l[k] - s[k]) / np.abs(s[k]).clip(1e-3))) for k in "abc")
    print("groups %d x 50 rows, lsq --threads %d" % (a.groups, a.threads))
    print("scipy least_squares loop: wall %.2f s, cpu %.2f s, %.0f fits/s (wall)" % (sw, sc, a.groups / sw))
    print("lsq fit --group-by:       wall %.2f s, cpu %.2f s, %.0f fits/s (wall)" % (lw, lc, a.groups / lw))
    print("ratio (scipy / lsq): wall %.1fx, cpu %.1fx" % (sw / lw, sc / lc))
    print("lsq converged %d of %d; cost: lsq <= scipy*(1+1e-9) in %d groups, max relative difference %.2e;"
          " max relative parameter difference %.2e" % (conv, a.groups, int(np.sum(l["cost"] <= s["cost"] * (1 + 1e-9))),
                                                       float(rel.max()), dpar))
    print(out.strip())


if __name__ == "__main__":
    main()
