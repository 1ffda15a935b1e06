"""The scipy counterpart of `lsq fit --data FILE --model "a*exp(-b*x)+c" --p0 a=1,b=0.5,c=0` for the start-up
comparison (bench/startup.sh, docs/benchmarks.md "Start-up"): read the CSV (header x,y), curve_fit from (1, 0.5, 0),
print the parameters and their standard errors."""
import sys

import numpy as np
from scipy.optimize import curve_fit


def model(x, a, b, c):
    return a * np.exp(-b * x) + c


data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
p, cov = curve_fit(model, data[:, 0], data[:, 1], p0=[1.0, 0.5, 0.0])
print(p, np.sqrt(np.diag(cov)))
