#!/usr/bin/env python3
"""Reference fits for LossAgainstScipyTest: scipy.optimize.least_squares with each robust loss.

Data: y = 2.5*exp(-1.3*x) + 0.5 + N(0, sigma^2), x ~ U(0, 5), sigma ~ U(0.03, 0.1), 12 of the 200 rows
moved by +-U(1, 3) (outliers). Each case fits a*exp(-b*x) + c from (1, 0.5, 0) with scipy's default method
('trf') and an analytic Jacobian, tolerances at machine epsilon, unweighted or with residuals (f - y)/sigma.
log_cosh is not one of scipy's names: it is passed as a callable, rho(z) = 2 log cosh(sqrt(z)) with its first and
second derivatives (scipy applies f_scale to a callable as to its own losses: C^2 rho(z/C^2)).

Run once to regenerate the checked-in reference (needs numpy and scipy):
    python3 scipy_losses.py > scipy_losses.json
The test also runs it at test time when python3 with scipy is on PATH. Writes JSON to stdout only.
"""
import json
import sys

import numpy as np
import scipy
from scipy.optimize import least_squares

EPS = np.finfo(float).eps
X0 = [1.0, 0.5, 0.0]
CASES = [(loss, f_scale, False) for loss in ("linear", "soft_l1", "huber", "cauchy", "arctan")
         for f_scale in (0.1, 1.0)] + [(loss, 2.0, True) for loss in ("soft_l1", "huber", "cauchy", "arctan")] \
    + [("log_cosh", f_scale, False) for f_scale in (0.1, 0.5, 1.0)] + [("log_cosh", 2.0, True)]


def log_cosh(z):
    """rho(z) = 2 log cosh(u), u = sqrt(z), computed stably: u + log1p(exp(-2u)) - log 2; rho' = tanh(u)/u,
    rho'' = (u sech^2 u - tanh u)/(2u^3), by their series below z = 1e-3."""
    z = np.asarray(z, dtype=float)
    u = np.sqrt(z)
    rho = np.empty((3, z.size))
    rho[0] = 2 * (u + np.log1p(np.exp(-2 * u)) - np.log(2.0))
    small = z < 1e-3
    us = np.where(small, 1.0, u)
    t = np.tanh(us)
    rho[1] = np.where(small, 1 - z / 3 + 2 * z ** 2 / 15 - 17 * z ** 3 / 315, t / us)
    rho[2] = np.where(small, -1 / 3 + 4 * z / 15 - 51 * z ** 2 / 315,
                      (us * (1 - t * t) - t) / (2 * us ** 3))
    return rho


def data():
    rng = np.random.default_rng(20261203)
    n = 200
    x = rng.uniform(0.0, 5.0, n)
    sigma = rng.uniform(0.03, 0.1, n)
    y = 2.5 * np.exp(-1.3 * x) + 0.5 + sigma * rng.standard_normal(n)
    out = rng.choice(n, 12, replace=False)
    y[out] += rng.choice([-1.0, 1.0], 12) * rng.uniform(1.0, 3.0, 12)
    return x, y, sigma


def fit(x, y, sigma, loss, f_scale, weighted):
    w = 1.0 / sigma if weighted else np.ones_like(x)

    def fun(p):
        return (p[0] * np.exp(-p[1] * x) + p[2] - y) * w

    def jac(p):
        e = np.exp(-p[1] * x)
        return np.column_stack([e * w, -p[0] * x * e * w, w])

    r = least_squares(fun, X0, jac=jac, loss=log_cosh if loss == "log_cosh" else loss, f_scale=f_scale, ftol=EPS, xtol=EPS, gtol=EPS,
                      max_nfev=10000)
    return {"loss": loss, "f_scale": f_scale, "weighted": weighted, "cost": float(r.cost),
            "params": [float(v) for v in r.x], "status": int(r.status), "nfev": int(r.nfev)}


def main():
    x, y, sigma = data()
    doc = {
        "generator": "scipy_losses.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "model": "a*exp(-b*x)+c",
        "x0": X0,
        "x": [float(v) for v in x],
        "y": [float(v) for v in y],
        "sigma": [float(v) for v in sigma],
        "cases": [fit(x, y, sigma, *c) for c in CASES],
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
