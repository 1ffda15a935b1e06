package io.streamlsq.accumulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.Solver;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.RowModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A model's {@link ExtraRows} (a penalty {@code (b − 1)/0.01}) give the fit of the data with that row appended by
 * hand (a column sel = 1 on the appended row switches the model to {@code b/0.01} against y = 100), in every phase:
 * presolve on samples, L-BFGS and Adam warmups, Gauss-Newton on the normal equations and on QR, covariance; two
 * threads. Cost to 1e-10 relative, parameters to 1e-5 standard errors, standard errors to 1e-6, the same row count.
 */
class ExtraRowsTest {
    private static final List<String> PARAMS = List.of("a", "b", "c");

    private static double decay(double x, double[] t, double[] g) {
        double e = Math.exp(-t[1] * x);
        if (g != null) {
            g[0] = e;
            g[1] = -t[0] * x * e;
            g[2] = 1;
        }
        return t[0] * e + t[2];
    }

    /** a·exp(−b·x) + c with the penalty row (b − 1)/0.01. */
    private static class Penalized implements Model, ExtraRows {
        private final RowModel inner = new RowModel(PARAMS, List.of("x"), "decay", (x, t, g) -> decay(x[0], t, g));

        @Override
        public List<String> parameterNames() {
            return PARAMS;
        }

        @Override
        public List<String> variableNames() {
            return inner.variableNames();
        }

        @Override
        public void evaluate(Chunk chunk, double[] theta, EvalLevel level, double[] values, double[][] jacobian) {
            inner.evaluate(chunk, theta, level, values, jacobian);
        }

        @Override
        public int extraRowCount() {
            return 1;
        }

        @Override
        public void evaluateExtraRows(double[] theta, double[] residuals, double[][] jacobian) {
            residuals[0] = (theta[1] - 1) / 0.01;
            jacobian[0][0] = 0;
            jacobian[1][0] = 100;
            jacobian[2][0] = 0;
        }
    }

    private static final Model BY_HAND = new RowModel(PARAMS, List.of("x", "sel"), "sel ? b/0.01 : decay", (x, t, g) -> {
        if (x[1] == 1) {
            if (g != null) {
                g[0] = 0;
                g[1] = 100;
                g[2] = 0;
            }
            return t[1] / 0.01;
        }
        return decay(x[0], t, g);
    });

    @Test
    void extraRowsAreTheAugmentedDataInEveryPhase() {
        int n = 40_000;
        double[] x = new double[n + 1];
        double[] y = new double[n + 1];
        double[] sel = new double[n + 1];
        SplittableRandom rng = new SplittableRandom(1603);
        for (int i = 0; i < n; i++) {
            x[i] = 5.0 * i / n;
            y[i] = 2.5 * Math.exp(-1.3 * x[i]) + 0.5 + 0.2 * (rng.nextDouble() - 0.5);
        }
        y[n] = 100;
        sel[n] = 1;
        Map<String, double[]> data = new LinkedHashMap<>();
        data.put("x", java.util.Arrays.copyOf(x, n));
        data.put("y", java.util.Arrays.copyOf(y, n));
        Map<String, double[]> augmented = new LinkedHashMap<>();
        augmented.put("x", x);
        augmented.put("sel", sel);
        augmented.put("y", y);
        FitProblem penalized = FitProblem.builder(new Penalized(), new InMemoryDataSource(data, 2500))
                .initial(new double[] {1, 0.5, 0}).build();
        FitProblem byHand = FitProblem.builder(BY_HAND, new InMemoryDataSource(augmented, 2500))
                .initial(new double[] {1, 0.5, 0}).build();
        FitOptions tight = FitOptions.builder().tolerances(1e-15).build();
        List<FitOptions> variants = List.of(tight,
                tight.toBuilder().warmup(WarmupOptions.on().withFullData()).build(),
                tight.toBuilder().warmup(WarmupOptions.on().withSampleRows(5000).withMethod(WarmupOptions.Method.ADAM)).build(),
                tight.toBuilder().solver(Solver.QR).build());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (FitOptions o : variants) {
                FitResult p = Fits.fit(penalized, o, PassExecutor.parallel(pool, 2));
                FitResult h = Fits.fit(byHand, o, PassExecutor.parallel(pool, 2));
                String what = o + "\n" + p.fullReport();
                assertEquals("converged", p.termination().status(), what);
                assertTrue(!p.presolveOutcome().startsWith("not run"), "presolve ran, " + what);
                assertEquals(h.cost(), p.cost(), 1e-10 * h.cost(), "cost, " + what);
                assertEquals(h.rows(), p.rows(), "rows, " + what);
                for (int k = 0; k < 3; k++) {
                    // both stop where the cost no longer changes in 15 digits: about 1e-6 standard errors apart
                    assertEquals(h.values()[k], p.values()[k], 1e-5 * h.stderr()[k], PARAMS.get(k) + ", " + what);
                    assertEquals(h.stderr()[k], p.stderr()[k], 1e-6 * h.stderr()[k], "stderr " + PARAMS.get(k) + ", " + what);
                }
                assertTrue(p.value("b") < 1.1, "the penalty pulls b from 1.3 towards 1: " + p.value("b"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A penalty that is not finite at θ is a non-finite pass there (the step is refused), named as a penalty row. */
    @Test
    void aNonFinitePenaltyIsNamed() {
        NormalEquations sums = NormalEquations.empty(3);
        Model nan = new Penalized() {
            @Override
            public void evaluateExtraRows(double[] theta, double[] residuals, double[][] jacobian) {
                super.evaluateExtraRows(theta, residuals, jacobian);
                residuals[0] = Double.NaN;
            }
        };
        NonFinite bad = ExtraRows.addTo(nan, new double[] {1, 2, 3}, new int[] {0, 1, 2}, 10, sums);
        assertEquals(new NonFinite(10, NonFinite.Kind.VALUE, "penalty 1", Double.NaN), bad);
        assertEquals(0, sums.rows());
        NormalEquations ac = NormalEquations.empty(2);
        assertTrue(ExtraRows.addTo(new Penalized(), new double[] {1, 2, 3}, new int[] {0, 2}, 10, ac) == null);
        assertEquals(1, ac.rows());
        assertEquals(10_000, ac.ssr(), 1e-9);
        assertEquals(0, ac.jtr(0), 0.0); // b is fixed: the free a and c are not in the penalty
        assertEquals(0, ac.jtr(1), 0.0);
    }
}
