package io.streamlsq.search.bo;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.Trial;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Benchmark functions on the unit box and a driver that asks in fixed batches and tells in trial order. */
final class TestFunctions {
    static final double BRANIN_MIN = 0.397887357729738;
    static final double HARTMANN6_MIN = -3.322368011391339;

    private TestFunctions() {
    }

    /** Branin on x₁ ∈ [−5, 10], x₂ ∈ [0, 15], from u ∈ [0, 1]². */
    static double branin(double[] u) {
        double x1 = -5 + 15 * u[0];
        double x2 = 15 * u[1];
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = x2 - b * x1 * x1 + c * x1 - 6;
        return t * t + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
    }

    private static final double[] H_ALPHA = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] H_A = {
        {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
    private static final double[][] H_P = {
        {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886}, {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
        {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650}, {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};

    /** Hartmann-6 on [0, 1]⁶. */
    static double hartmann6(double[] x) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            double e = 0;
            for (int j = 0; j < 6; j++) {
                double t = x[j] - H_P[i][j];
                e += H_A[i][j] * t * t;
            }
            s += H_ALPHA[i] * Math.exp(-e);
        }
        return -s;
    }

    /** Drives {@code opt} for {@code evaluations} values in batches of {@code batch}; the best value seen. */
    static double minimize(AskTellOptimizer opt, ToDoubleFunction<double[]> f, int evaluations, int batch) {
        double best = Double.POSITIVE_INFINITY;
        int done = 0;
        while (done < evaluations) {
            List<Trial> trials = opt.ask(Math.min(batch, evaluations - done));
            if (trials.isEmpty()) {
                break;
            }
            for (Trial t : trials) {
                double v = f.applyAsDouble(t.u());
                best = Math.min(best, v);
                opt.tell(t.id(), v);
                done++;
            }
        }
        return best;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
