package io.streamlsq.testkit;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.GaussianPeaksModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fit problems with many local minima, for the global search's tests: each comes with a start from which a local fit
 * ends in a wrong minimum, and with the truth from which the best known minimum is found.
 */
public final class MultiMinimum {
    private MultiMinimum() {
    }

    /** A problem, its bad start and the truth. */
    public record Case(String name, FitProblem.Builder builder, double[] badStart, double[] truth) {
        public FitProblem from(double[] start) {
            return builder.initial(start).build();
        }
    }

    /**
     * {@code y = a1·exp(−k1·x) + a2·exp(−k2·x)} on x in [0, 4], no noise, truth (3, 5, 1, 0.5) (seeds-others T4.9,
     * which starts at (1, 1, 1, 1); unlike scipy's, our local fit is not trapped there).
     * Bounds a in [0, 10], k in [0.05, 20] for both terms (the labels are interchangeable: compare costs, or sort).
     */
    public static Case twoExponentials(int rows, int chunkRows) {
        double[] x = new double[rows];
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            x[i] = 4.0 * i / (rows - 1);
            y[i] = 3 * Math.exp(-5 * x[i]) + Math.exp(-0.5 * x[i]);
        }
        Model m = new Model() {
            @Override
            public List<String> parameterNames() {
                return List.of("a1", "k1", "a2", "k2");
            }

            @Override
            public List<String> variableNames() {
                return List.of("x");
            }

            @Override
            public String describe() {
                return "a1*exp(-k1*x)+a2*exp(-k2*x)";
            }

            @Override
            public void evaluate(Chunk c, double[] t, EvalLevel level, double[] values, double[][] jac) {
                double[] xs = c.column(0);
                for (int i = 0; i < c.rows(); i++) {
                    double xi = xs[c.offset() + i];
                    double e1 = Math.exp(-t[1] * xi);
                    double e2 = Math.exp(-t[3] * xi);
                    values[i] = t[0] * e1 + t[2] * e2;
                    if (level.needsJacobian()) {
                        jac[0][i] = e1;
                        jac[1][i] = -t[0] * xi * e1;
                        jac[2][i] = e2;
                        jac[3][i] = -t[2] * xi * e2;
                    }
                }
            }
        };
        FitProblem.Builder b = FitProblem.builder(m, InMemoryDataSource.ofXY(x, y, chunkRows)).bind("x", "x").y("y")
                .bounds("a1", 0, 10).bounds("k1", 0.05, 20).bounds("a2", 0, 10).bounds("k2", 0.05, 20);
        return new Case("two exponentials", b, new double[] {1, 1, 1, 1}, new double[] {3, 5, 1, 0.5});
    }

    /**
     * {@code y = A·sin(w·x + phi) + c} on x in [0, 20] with Gaussian noise σ = 0.1, truth (2, 3.1, 0.4, 0.5):
     * a frequency fit, whose cost in w has a local minimum every ~2π/20. From w = 1 a local fit ends in a wrong one.
     * Bounds A in [0, 5], w in [0.1, 6], phi in [−π, π], c in [−2, 2].
     */
    public static Case frequency(int rows, int chunkRows, long seed) {
        Random r = new Random(seed);
        double[] x = new double[rows];
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            x[i] = 20.0 * i / (rows - 1);
            y[i] = 2 * Math.sin(3.1 * x[i] + 0.4) + 0.5 + 0.1 * r.nextGaussian();
        }
        Model m = new Model() {
            @Override
            public List<String> parameterNames() {
                return List.of("A", "w", "phi", "c");
            }

            @Override
            public List<String> variableNames() {
                return List.of("x");
            }

            @Override
            public String describe() {
                return "A*sin(w*x+phi)+c";
            }

            @Override
            public void evaluate(Chunk ch, double[] t, EvalLevel level, double[] values, double[][] jac) {
                double[] xs = ch.column(0);
                for (int i = 0; i < ch.rows(); i++) {
                    double xi = xs[ch.offset() + i];
                    double arg = t[1] * xi + t[2];
                    double s = Math.sin(arg);
                    values[i] = t[0] * s + t[3];
                    if (level.needsJacobian()) {
                        double co = t[0] * Math.cos(arg);
                        jac[0][i] = s;
                        jac[1][i] = co * xi;
                        jac[2][i] = co;
                        jac[3][i] = 1;
                    }
                }
            }
        };
        FitProblem.Builder b = FitProblem.builder(m, InMemoryDataSource.ofXY(x, y, chunkRows)).bind("x", "x").y("y")
                .bounds("A", 0, 5).bounds("w", 0.1, 6).bounds("phi", -Math.PI, Math.PI).bounds("c", -2, 2);
        return new Case("frequency", b, new double[] {1, 1, 0, 0}, new double[] {2, 3.1, 0.4, 0.5});
    }

    /**
     * Three Gaussian peaks on a linear baseline ({@link GaussianPeaksModel}), x in [0, 10], noise σ = 0.02, peaks
     * (A, mu, s) = (3, 2, 0.3), (1.5, 5, 0.5), (2, 7.5, 0.4), baseline 0.2 + 0.01x. The bad start puts the peaks in
     * the wrong order and two of them on one true peak: (3, 7.5, 0.3), (1.5, 8, 0.5), (2, 2, 0.4).
     */
    public static Case threePeaks(int rows, int chunkRows, long seed) {
        Random r = new Random(seed);
        double[] truth = {3, 2, 0.3, 1.5, 5, 0.5, 2, 7.5, 0.4, 0.2, 0.01};
        double[] x = new double[rows];
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            x[i] = 10.0 * i / (rows - 1);
            double v = truth[9] + truth[10] * x[i];
            for (int q = 0; q < 3; q++) {
                double d = x[i] - truth[3 * q + 1];
                v += truth[3 * q] * Math.exp(-d * d / (2 * truth[3 * q + 2] * truth[3 * q + 2]));
            }
            y[i] = v + 0.02 * r.nextGaussian();
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        cols.put("y", y);
        FitProblem.Builder b = FitProblem.builder(new GaussianPeaksModel(), new InMemoryDataSource(cols, chunkRows))
                .bind("x", "x").y("y");
        for (int q = 1; q <= 3; q++) {
            b.bounds("A" + q, 0, 5).bounds("mu" + q, 0, 10).bounds("s" + q, 0.05, 2);
        }
        b.bounds("c0", -1, 1).bounds("c1", -0.2, 0.2);
        return new Case("three peaks", b, new double[] {3, 7.5, 0.3, 1.5, 8, 0.5, 2, 2, 0.4, 0, 0}, truth);
    }
}
