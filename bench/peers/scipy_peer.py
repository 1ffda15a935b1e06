#!/usr/bin/env python3
"""scipy.optimize.least_squares (method='trf', analytic Jacobian, default tolerances) on [x, y] float64
records; prints one JSON line like the Java runners. usage: scipy_peer.py decay|peaks FILE.bin"""
import json, resource, sys, time
import numpy as np
from scipy.optimize import least_squares

problem, path = sys.argv[1], sys.argv[2]
# the same kind of cap as the JVM tools' heap: fail with MemoryError rather than exhaust the machine
cap = int(float(sys.argv[3]) * 2**30) if len(sys.argv) > 3 else 12 * 2**30
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
d = np.fromfile(path, dtype="<f8").reshape(-1, 2)
x, y = d[:, 0].copy(), d[:, 1].copy()
del d
if problem == "decay":
    p0 = np.array([1.0, 0.5, 0.0])
    def f(t): return t[0] * np.exp(-t[1] * x) + t[2] - y
    def jac(t):
        e = np.exp(-t[1] * x)
        return np.column_stack([e, -t[0] * x * e, np.ones_like(x)])
else:
    p0 = np.array([2.5, 22, 5, 2.5, 48, 5, 1.0, 77, 4, 0.0, 0.0])
    def f(t):
        v = t[9] + t[10] * x
        for q in range(3):
            v = v + t[3*q] * np.exp(-(x - t[3*q+1])**2 / (2 * t[3*q+2]**2))
        return v - y
    def jac(t):
        cols = []
        for q in range(3):
            a, mu, s = t[3*q], t[3*q+1], t[3*q+2]
            dd = x - mu
            g = np.exp(-dd**2 / (2 * s * s))
            cols += [g, a * g * dd / s**2, a * g * dd**2 / s**3]
        cols += [np.ones_like(x), x]
        return np.column_stack(cols)
t0 = time.perf_counter()
r = least_squares(f, p0, jac=jac, method="trf")
seconds = time.perf_counter() - t0
res = f(r.x)
print(json.dumps({"tool": "scipy", "problem": problem, "rows": int(x.size), "seconds": seconds,
                  "iterations": int(r.nfev), "cost": 0.5 * float(res @ res),
                  "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "params": [float(v) for v in r.x]}))
