package io.streamlsq.search.bo;

/**
 * Maximizes an acquisition over a box: score every candidate, refine the best {@code restarts} by projected L-BFGS
 * ({@code steps} iterations, analytic gradient through μ and σ), keep the best point by the same acquisition with the
 * same incumbent (ties: the candidate, then the earlier refinement).
 */
final class AcquisitionMaximizer {

    private AcquisitionMaximizer() {
    }

    /**
     * The maximizing point, in process coordinates, among those {@code acceptable} accepts (the refined points by
     * value, then the candidates by score); the best point overall when none is acceptable.
     */
    static double[] maximize(GaussianProcess gp, GaussianProcess.Candidates cands, Acquisition acq, double best,
            double[] lo, double[] hi, int restarts, int steps, java.util.function.Predicate<double[]> acceptable) {
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
        java.util.List<double[]> refined = new java.util.ArrayList<>();
        java.util.List<Double> refinedValues = new java.util.ArrayList<>();
        refined.add(bestX);
        refinedValues.add(bestValue);
        double[] out = new double[2];
        double[] gm = new double[d];
        double[] gv = new double[d];
        double[] der = new double[2];
        // scaled so that the best candidate's value is 1: the stopping tolerances are then relative (a step gaining
        // less than 1e-6 of it ends the refinement: no proposal moves in a way that matters)
        double scale = bestValue > 0 && Double.isFinite(bestValue) ? 1 / bestValue : 1;
        BoundedLbfgs.Function f = (x, g) -> {
            gp.predictNormalized(x, out, gm, gv);
            double sigma = Math.sqrt(out[1]);
            double a = acq.value(out[0], sigma, best, der);
            double dSigma = sigma > 0 ? der[1] / (2 * sigma) : 0;
            for (int j = 0; j < d; j++) {
                g[j] = -scale * (der[0] * gm[j] + dSigma * gv[j]);
            }
            return -scale * a;
        };
        for (int r = 0; r < Math.min(restarts, top.length) && steps > 0; r++) {
            double[] x0 = java.util.Arrays.copyOfRange(cands.points, top[r] * d, top[r] * d + d);
            BoundedLbfgs.Result res = BoundedLbfgs.minimize(f, x0, lo, hi, steps, 1e-9, 1e-6);
            refined.add(res.x());
            refinedValues.add(-res.value() / scale);
        }
        Integer[] order = new Integer[refined.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // stable: ties keep the candidate, then the earlier refinement
        java.util.Arrays.sort(order, (p, q) -> Double.compare(refinedValues.get(q), refinedValues.get(p)));
        for (Integer i : order) {
            if (acceptable.test(refined.get(i))) {
                return refined.get(i);
            }
        }
        for (int c : top(score, m)) {
            double[] x = java.util.Arrays.copyOfRange(cands.points, c * d, c * d + d);
            if (acceptable.test(x)) {
                return x;
            }
        }
        return refined.get(order[0]);
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
