package io.streamlsq.search.bo;

/**
 * Maximizes an acquisition over a box: score every candidate, refine the best {@code restarts} by projected L-BFGS
 * ({@code steps} iterations, analytic gradient through μ and σ), keep the best point by the same acquisition with the
 * same incumbent (ties: the candidate, then the earlier refinement).
 */
final class AcquisitionMaximizer {

    private AcquisitionMaximizer() {
    }

    /** The maximizing point, in process coordinates. */
    static double[] maximize(GaussianProcess gp, GaussianProcess.Candidates cands, Acquisition acq, double best,
            double[] lo, double[] hi, int restarts, int steps) {
        cands.update();
        int m = cands.m;
        int d = gp.dimensions();
        double[] score = new double[m];
        for (int c = 0; c < m; c++) {
            score[c] = acq.value(cands.mean[c], Math.sqrt(cands.variance[c]), best, null);
        }
        int[] top = top(score, Math.max(1, restarts));
        double[] bestX = java.util.Arrays.copyOfRange(cands.points, top[0] * d, top[0] * d + d);
        double bestValue = score[top[0]];
        if (steps == 0) {
            return bestX;
        }
        double[] out = new double[2];
        double[] gm = new double[d];
        double[] gv = new double[d];
        double[] der = new double[2];
        BoundedLbfgs.Function f = (x, g) -> {
            gp.predictNormalized(x, out, gm, gv);
            double sigma = Math.sqrt(out[1]);
            double a = acq.value(out[0], sigma, best, der);
            double dSigma = sigma > 0 ? der[1] / (2 * sigma) : 0;
            for (int j = 0; j < d; j++) {
                g[j] = -(der[0] * gm[j] + dSigma * gv[j]);
            }
            return -a;
        };
        for (int r = 0; r < Math.min(restarts, top.length); r++) {
            double[] x0 = java.util.Arrays.copyOfRange(cands.points, top[r] * d, top[r] * d + d);
            BoundedLbfgs.Result res = BoundedLbfgs.minimize(f, x0, lo, hi, steps, 0, 1e-12);
            if (-res.value() > bestValue) {
                bestValue = -res.value();
                bestX = res.x();
            }
        }
        return bestX;
    }

    /** Indices of the k largest scores, largest first (ties: lower index first). */
    static int[] top(double[] score, int k) {
        k = Math.min(k, score.length);
        int[] idx = new int[k];
        int filled = 0;
        for (int c = 0; c < score.length; c++) {
            double s = Double.isNaN(score[c]) ? Double.NEGATIVE_INFINITY : score[c];
            if (filled < k) {
                int p = filled++;
                while (p > 0 && sc(score, idx[p - 1]) < s) {
                    idx[p] = idx[p - 1];
                    p--;
                }
                idx[p] = c;
            } else if (s > sc(score, idx[k - 1])) {
                int p = k - 1;
                while (p > 0 && sc(score, idx[p - 1]) < s) {
                    idx[p] = idx[p - 1];
                    p--;
                }
                idx[p] = c;
            }
        }
        return idx;
    }

    private static double sc(double[] score, int i) {
        return Double.isNaN(score[i]) ? Double.NEGATIVE_INFINITY : score[i];
    }
}
