#!/usr/bin/env python3
"""Global search against scipy: differential_evolution followed by least_squares, and `lsq fit --global de`, on the
same CSV files, 10 seeds each (docs/benchmarks.md, "Global search against scipy").

Usage: python3 bench/global/vs_scipy.py [--rows 100000] [--seeds 10] [--problems "frequency,three peaks"]
       [--lsq "java ... -jar app/target/lsq.jar"]
Success: the final cost within 1e-6 (relative) of the best known minimum (least_squares started at the truth).
Evaluations are full-data pass equivalents: scipy's function and Jacobian evaluations each read every row; lsq's are
its rows_evaluated / rows (sample passes count by their rows)."""
import argparse, json, os, shlex, statistics, subprocess, sys, tempfile, time
import numpy as np
from scipy.optimize import differential_evolution, least_squares


def problems(rows):
    rng = np.random.default_rng(1)
    x = np.linspace(0, 20, rows)
    freq = dict(name="frequency", model="A*sin(w*x+phi)+c", names=["A", "w", "phi", "c"],
                bounds=[(0, 5), (0.1, 6), (-3.1416, 3.1416), (-2, 2)], truth=[2, 3.1, 0.4, 0.5], x=x,
                y=2 * np.sin(3.1 * x + 0.4) + 0.5 + 0.1 * rng.standard_normal(rows), start=[1, 1, 0, 0])
    freq["f"] = lambda p, x: p[0] * np.sin(p[1] * x + p[2]) + p[3]
    freq["jac"] = lambda p, x: np.c_[np.sin(p[1] * x + p[2]), p[0] * x * np.cos(p[1] * x + p[2]),
                                      p[0] * np.cos(p[1] * x + p[2]), np.ones_like(x)]
    x2 = np.linspace(0, 10, rows)
    truth = [3, 2, 0.3, 1.5, 5, 0.5, 2, 7.5, 0.4, 0.2, 0.01]

    def peaks(p, x):
        v = p[9] + p[10] * x
        for q in range(3):
            v = v + p[3 * q] * np.exp(-(x - p[3 * q + 1]) ** 2 / (2 * p[3 * q + 2] ** 2))
        return v

    def peaks_jac(p, x):
        cols = []
        for q in range(3):
            a, m, s = p[3 * q:3 * q + 3]
            e = np.exp(-(x - m) ** 2 / (2 * s * s))
            cols += [e, a * e * (x - m) / (s * s), a * e * (x - m) ** 2 / s ** 3]
        return np.column_stack(cols + [np.ones_like(x), x])

    pk = dict(name="three peaks", names=["A1", "mu1", "s1", "A2", "mu2", "s2", "A3", "mu3", "s3", "c0", "c1"],
              model="A1*exp(-(x-mu1)^2/(2*s1^2))+A2*exp(-(x-mu2)^2/(2*s2^2))+A3*exp(-(x-mu3)^2/(2*s3^2))+c0+c1*x",
              bounds=[(0, 5), (0, 10), (0.05, 2)] * 3 + [(-1, 1), (-0.2, 0.2)], truth=truth, x=x2, f=peaks, jac=peaks_jac,
              start=[3, 7.5, 0.3, 1.5, 8, 0.5, 2, 2, 0.4, 0, 0])
    pk["y"] = peaks(truth, x2) + 0.02 * rng.standard_normal(rows)
    return [freq, pk]


def best_known(p):
    r = least_squares(lambda q: p["f"](q, p["x"]) - p["y"], p["truth"], jac=lambda q: p["jac"](q, p["x"]),
                      bounds=tuple(np.array(p["bounds"]).T), method="trf", ftol=1e-15, xtol=1e-15, gtol=1e-15)
    return r.cost


def scipy_run(p, seed):
    x, y = p["x"], p["y"]
    t0 = time.perf_counter()
    de = differential_evolution(lambda q: 0.5 * np.sum((p["f"](q, x) - y) ** 2), p["bounds"], seed=seed, polish=False)
    ls = least_squares(lambda q: p["f"](q, x) - y, de.x, jac=lambda q: p["jac"](q, x),
                       bounds=tuple(np.array(p["bounds"]).T), method="trf")
    return ls.cost, de.nfev + ls.nfev + ls.njev, time.perf_counter() - t0


def lsq_run(p, seed, csv, lsq, tmp):
    out = os.path.join(tmp, "r.json")
    bounds = ",".join(f"{n}={lo}:{hi}" for n, (lo, hi) in zip(p["names"], p["bounds"]))
    p0 = ",".join(f"{n}={v}" for n, v in zip(p["names"], p["start"]))
    cmd = shlex.split(lsq) + ["fit", "--data", csv, "--model", p["model"], "--p0", p0, "--bounds", bounds,
                              "--global", "de", "--seed", str(seed), "--quiet", "--out", out]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    r = json.load(open(out))
    return r["cost"], r["rows_evaluated"] / r["rows"], wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--problems", default="frequency,three peaks", help="comma-separated names")
    ap.add_argument("--lsq", default="java --add-modules=jdk.incubator.vector --add-opens=java.base/java.nio=ALL-UNNAMED"
                                     " -jar app/target/lsq.jar")
    a = ap.parse_args()
    print("| problem | tool | success | median evaluations (pass equivalents) | median wall s | max wall s |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for p in problems(a.rows):
            if p["name"] not in a.problems.split(","):
                continue
            csv = os.path.join(tmp, "data.csv")
            np.savetxt(csv, np.c_[p["x"], p["y"]], delimiter=",", header="x,y", comments="", fmt="%.17g")
            best = best_known(p)
            for tool in ("scipy", "lsq"):
                ok, ev, wall = 0, [], []
                for seed in range(a.seeds):
                    cost, e, w = scipy_run(p, seed) if tool == "scipy" else lsq_run(p, seed, csv, a.lsq, tmp)
                    ok += abs(cost - best) <= 1e-6 * best
                    ev.append(e)
                    wall.append(w)
                name = ("scipy differential_evolution + least_squares" if tool == "scipy"
                        else "lsq fit --global de")
                print(f"| {p['name']} ({a.rows} rows) | {name} | {ok}/{a.seeds} | {statistics.median(ev):.0f} | "
                      f"{statistics.median(wall):.2f} | {max(wall):.2f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
