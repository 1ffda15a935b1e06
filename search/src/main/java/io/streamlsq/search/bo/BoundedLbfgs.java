package io.streamlsq.search.bo;

/**
 * Projected L-BFGS on a box {@code [lo, hi]}: the two-loop direction on the free coordinates (a coordinate at a bound
 * whose gradient points outward is held), a backtracking Armijo search along the projected path
 * {@code clip(x + t·d)}. Small and deterministic: no randomness, a fixed order of operations. Used for the Gaussian
 * process hyperparameters and for maximizing acquisitions.
 */
final class BoundedLbfgs {

    /** A differentiable function: returns f(x) and writes ∇f(x) into {@code gradient}; non-finite f = infeasible. */
    interface Function {
        double evaluate(double[] x, double[] gradient);
    }

    /**
     * @param x the best point found (inside the box)
     * @param value f there
     * @param iterations accepted steps
     * @param evaluations function evaluations
     */
    record Result(double[] x, double value, int iterations, int evaluations) {
    }

    private static final int MEMORY = 8;
    private static final double ARMIJO = 1e-4;
    private static final int MAX_BACKTRACKS = 30;

    private BoundedLbfgs() {
    }

    /**
     * Minimizes f from {@code x0} (clipped to the box).
     *
     * @param maxIterations accepted steps at most
     * @param gtol stop when the projected gradient's largest coordinate is at most this
     * @param ftol stop when a step decreases f by at most {@code ftol·max(1, |f|)}
     */
    static Result minimize(Function f, double[] x0, double[] lo, double[] hi, int maxIterations, double gtol,
            double ftol) {
        int n = x0.length;
        double[] x = clip(x0.clone(), lo, hi);
        double[] g = new double[n];
        double fx = f.evaluate(x, g);
        int evaluations = 1;
        if (!Double.isFinite(fx) || !finite(g)) {
            return new Result(x, Double.POSITIVE_INFINITY, 0, evaluations);
        }
        double[][] s = new double[MEMORY][n];
        double[][] y = new double[MEMORY][n];
        double[] rho = new double[MEMORY];
        int stored = 0;
        int head = 0;
        double[] d = new double[n];
        double[] xt = new double[n];
        double[] gt = new double[n];
        boolean[] free = new boolean[n];
        int it = 0;
        for (; it < maxIterations; it++) {
            double pg = 0;
            for (int i = 0; i < n; i++) {
                pg = Math.max(pg, Math.abs(Math.min(hi[i], Math.max(lo[i], x[i] - g[i])) - x[i]));
                free[i] = !((x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0));
            }
            if (pg <= gtol) {
                break;
            }
            direction(g, free, s, y, rho, stored, head, d);
            double slope = dot(d, g);
            if (!(slope < 0)) {
                stored = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = free[i] ? -g[i] : 0;
                }
                slope = dot(d, g);
                if (!(slope < 0)) {
                    break;
                }
            }
            double t = 1;
            if (stored == 0) {
                double dn = 0;
                for (double v : d) {
                    dn = Math.max(dn, Math.abs(v));
                }
                double span = 0;
                for (int i = 0; i < n; i++) {
                    span = Math.max(span, hi[i] - lo[i]);
                }
                t = Math.min(1, 0.25 * span / dn);
            }
            double ft = Double.NaN;
            boolean accepted = false;
            for (int b = 0; b < MAX_BACKTRACKS; b++) {
                double decrease = 0;
                for (int i = 0; i < n; i++) {
                    xt[i] = Math.min(hi[i], Math.max(lo[i], x[i] + t * d[i]));
                    decrease += g[i] * (xt[i] - x[i]);
                }
                ft = f.evaluate(xt, gt);
                evaluations++;
                if (Double.isFinite(ft) && finite(gt) && ft <= fx + ARMIJO * decrease) {
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if (!accepted) {
                break;
            }
            double sy = 0;
            double[] sk = s[head];
            double[] yk = y[head];
            for (int i = 0; i < n; i++) {
                sk[i] = xt[i] - x[i];
                yk[i] = gt[i] - g[i];
                sy += sk[i] * yk[i];
            }
            if (sy > 1e-12 * Math.sqrt(dot(sk, sk) * dot(yk, yk)) && sy > 0) {
                rho[head] = 1 / sy;
                head = (head + 1) % MEMORY;
                stored = Math.min(stored + 1, MEMORY);
            }
            double previous = fx;
            System.arraycopy(xt, 0, x, 0, n);
            System.arraycopy(gt, 0, g, 0, n);
            fx = ft;
            if (previous - fx <= ftol * Math.max(1, Math.abs(fx))) {
                it++;
                break;
            }
        }
        return new Result(x, fx, it, evaluations);
    }

    /** d = −H·g on the free coordinates (two-loop recursion, newest pair first). */
    private static void direction(double[] g, boolean[] free, double[][] s, double[][] y, double[] rho, int stored,
            int head, double[] d) {
        int n = g.length;
        for (int i = 0; i < n; i++) {
            d[i] = free[i] ? g[i] : 0;
        }
        double[] alpha = new double[stored];
        for (int k = 0; k < stored; k++) {
            int j = Math.floorMod(head - 1 - k, MEMORY);
            alpha[k] = rho[j] * maskedDot(s[j], d, free);
            for (int i = 0; i < n; i++) {
                if (free[i]) {
                    d[i] -= alpha[k] * y[j][i];
                }
            }
        }
        if (stored > 0) {
            int j = Math.floorMod(head - 1, MEMORY);
            double gamma = maskedDot(s[j], y[j], free) / Math.max(1e-300, maskedDot(y[j], y[j], free));
            if (!(gamma > 0) || !Double.isFinite(gamma)) {
                gamma = 1;
            }
            for (int i = 0; i < n; i++) {
                d[i] *= gamma;
            }
        }
        for (int k = stored - 1; k >= 0; k--) {
            int j = Math.floorMod(head - 1 - k, MEMORY);
            double beta = rho[j] * maskedDot(y[j], d, free);
            for (int i = 0; i < n; i++) {
                if (free[i]) {
                    d[i] += (alpha[k] - beta) * s[j][i];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            d[i] = free[i] ? -d[i] : 0;
        }
    }

    private static double maskedDot(double[] a, double[] b, boolean[] free) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            if (free[i]) {
                s += a[i] * b[i];
            }
        }
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static boolean finite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static double[] clip(double[] x, double[] lo, double[] hi) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Double.isNaN(x[i]) ? 0.5 * (lo[i] + hi[i]) : Math.min(hi[i], Math.max(lo[i], x[i]));
        }
        return x;
    }
}
