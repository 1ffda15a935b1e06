package io.streamlsq.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The built-in 2-D Gaussian: analytic derivatives against central differences, and a fit that finds its truth. */
class Gaussian2DModelTest {
    private static final int ROWS = 300;

    /** Rows spread over the problem's domain, read from offset 5 of their arrays to exercise {@code offset()}. */
    private static Chunk rows(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] x = new double[ROWS + 5];
        double[] w = new double[ROWS + 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = -5 + 10 * rnd.nextDouble();
            w[i] = -5 + 10 * rnd.nextDouble();
        }
        Chunk c = new Chunk(2);
        c.setColumn(0, x);
        c.setColumn(1, w);
        return c.set(0, 0, 5, ROWS);
    }

    @Test
    void analyticDerivativesAgreeWithCentralDifferences() {
        Gaussian2DModel model = new Gaussian2DModel();
        Chunk chunk = rows(7);
        double[][] thetas = {BuiltinProblem.GAUSS2D.truth(), BuiltinProblem.GAUSS2D.start(), {-2, 0.3, 2.5, 0.7, -1},
            {1e3, -4, 4, 4, 10}};
        for (double[] theta : thetas) {
            double[] values = new double[ROWS];
            double[][] jac = new double[5][ROWS];
            model.evaluate(chunk, theta, EvalLevel.NORMAL, values, jac);
            double[] plus = new double[ROWS];
            double[] minus = new double[ROWS];
            for (int k = 0; k < 5; k++) {
                double h = 1e-5 * Math.max(Math.abs(theta[k]), 1);
                double[] t = theta.clone();
                t[k] = theta[k] + h;
                model.evaluate(chunk, t, EvalLevel.COST, plus, null);
                t[k] = theta[k] - h;
                model.evaluate(chunk, t, EvalLevel.COST, minus, null);
                double scale = 0;
                for (int i = 0; i < ROWS; i++) {
                    scale = Math.max(scale, Math.abs(jac[k][i]));
                }
                for (int i = 0; i < ROWS; i++) {
                    double fd = (plus[i] - minus[i]) / (2 * h);
                    // central differences: O(h²) truncation, O(ε·|f|/h) rounding; both far below 1e-7 of the column
                    assertEquals(fd, jac[k][i], 1e-7 * scale, model.parameterNames().get(k) + " at row " + i
                            + ", θ = " + java.util.Arrays.toString(theta));
                }
            }
        }
    }

    @Test
    void valuesAtCostLevelAreTheValuesAtNormalLevel() {
        Gaussian2DModel model = new Gaussian2DModel();
        Chunk chunk = rows(8);
        double[] theta = BuiltinProblem.GAUSS2D.start();
        double[] cost = new double[ROWS];
        double[] normal = new double[ROWS];
        model.evaluate(chunk, theta, EvalLevel.COST, cost, null);
        model.evaluate(chunk, theta, EvalLevel.NORMAL, normal, new double[5][ROWS]);
        assertArrayEquals(cost, normal, 0.0);
    }

    @Test
    void aFitFromTheUsualStartRecoversTheTruth() {
        BuiltinProblem p = BuiltinProblem.GAUSS2D;
        FitProblem problem = FitProblem.builder(p.model(), SyntheticDataSource.of(p, 20_000, 1_000, 42))
                .initial(p.start()).build();
        FitResult r = Fits.fit(problem);
        assertEquals("converged", r.termination().status(), r.briefReport());
        assertTrue(r.warnings().isEmpty(), "warnings: " + r.warnings()); // its derivatives pass the setup check
        double[] truth = p.truth();
        for (int k = 0; k < truth.length; k++) {
            double se = r.stderr()[k];
            assertTrue(se > 0 && se < 0.01, "stderr of " + r.parameterNames().get(k) + " = " + se);
            assertEquals(truth[k], r.values()[k], 5 * se, r.parameterNames().get(k) + "\n" + r.briefReport());
        }
    }
}
