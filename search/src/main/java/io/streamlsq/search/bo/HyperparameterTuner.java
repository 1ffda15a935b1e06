package io.streamlsq.search.bo;

import io.streamlsq.search.Rng;

/**
 * Fits the Gaussian process hyperparameters θ = (log ℓ, log σ_f², log σ_n²) by minimizing the negative log marginal
 * likelihood ({@link GaussianProcess#negativeLogLikelihood}):
 * <ul>
 *   <li>{@link #lbfgs}: projected L-BFGS in a box, from the previous θ and from {@code restarts − 1} random starts
 *       (ℓ log-uniform in [0.05, 2], σ_f² in [0.5, 2], σ_n² in [1e-6, 1e-2]),
 *       best finite value wins (ties: the earlier start);</li>
 *   <li>{@link #adam}: hyperoptax's tuner: a fixed number of Adam steps on log ℓ only, from the previous θ, no bounds;
 *       a step that makes K indefinite ends the run at the last good θ.</li>
 * </ul>
 * Deterministic: the random starts come from the generator passed in.
 */
final class HyperparameterTuner {

    /** Outcome: the new θ, its value, and whether any start gave a finite likelihood. */
    record Fit(double[] theta, double value, boolean ok) {
    }

    private HyperparameterTuner() {
    }

    static Fit lbfgs(Kernel kernel, double[] previous, double[] x, double[] yn, int n, int d, double jitter,
            double[] lo, double[] hi, int restarts, int maxIterations, Rng rng) {
        BoundedLbfgs.Function f = (t, g) -> GaussianProcess.negativeLogLikelihood(kernel, t, x, yn, n, d, jitter, g);
        double[] best = previous.clone();
        double bestValue = Double.POSITIVE_INFINITY;
        for (int r = 0; r < Math.max(1, restarts); r++) {
            double[] start = previous.clone();
            if (r > 0) {
                for (int j = 0; j < d; j++) {
                    start[j] = Math.log(0.05) + rng.nextDouble() * (Math.log(2) - Math.log(0.05));
                }
                start[d] = Math.log(0.5) + rng.nextDouble() * Math.log(4);
                start[d + 1] = Math.log(1e-6) + rng.nextDouble() * Math.log(1e4);
            }
            // the likelihood is O(n): a relative 1e-7 is far below what changes a proposal
            BoundedLbfgs.Result res = BoundedLbfgs.minimize(f, start, lo, hi, maxIterations, 1e-4, 1e-7);
            if (res.value() < bestValue) {
                bestValue = res.value();
                best = res.x();
            }
        }
        return new Fit(best, bestValue, Double.isFinite(bestValue));
    }

    static Fit adam(Kernel kernel, double[] previous, double[] x, double[] yn, int n, int d, double jitter, int steps,
            double learningRate) {
        double[] theta = previous.clone();
        double[] g = new double[d + 2];
        double[] m = new double[d];
        double[] v = new double[d];
        double b1 = 0.9;
        double b2 = 0.999;
        double value = Double.NaN;
        for (int t = 1; t <= steps; t++) {
            value = GaussianProcess.negativeLogLikelihood(kernel, theta, x, yn, n, d, jitter, g);
            if (!Double.isFinite(value)) {
                return new Fit(theta, value, t > 1);
            }
            double[] next = theta.clone();
            for (int j = 0; j < d; j++) {
                m[j] = b1 * m[j] + (1 - b1) * g[j];
                v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
                double mh = m[j] / (1 - Math.pow(b1, t));
                double vh = v[j] / (1 - Math.pow(b2, t));
                next[j] -= learningRate * mh / (Math.sqrt(vh) + 1e-8);
            }
            theta = next;
        }
        return new Fit(theta, value, true);
    }
}
