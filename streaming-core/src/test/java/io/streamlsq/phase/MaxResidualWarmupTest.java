package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.exec.PassRequest;
import io.streamlsq.exec.PassResult;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.InvalidOptionsException;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * sheap's max-residual term in the warmup only (issue 16 item 3): the sums keep the row with the largest ρ and the
 * gradient of that ρ, whatever the chunking and thread count (bits), for linear and robust losses with sigma; the
 * warmup's loss α·max ρ_i has that gradient (finite differences); the fit ends where the fit without the term ends
 * (Gauss-Newton does not have it) and the report says so; a full-data warmup with the term is refused.
 */
class MaxResidualWarmupTest {
    private static final List<String> COLS = List.of("x", "y", "s");

    private static Map<String, double[]> data(int n, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 10.0 * i / n;
            s[i] = 0.05 * (1 + 0.3 * Math.cos(x[i]));
            y[i] = 2.5 * Math.exp(-1.3 * x[i]) + 0.5 + s[i] * rnd.nextGaussian() + (i == 4_321 ? 3.0 : 0.0);
        }
        return Map.of("x", x, "y", y, "s", s);
    }

    private static NormalEquations pass(Model model, Map<String, double[]> d, double[] theta, int chunk, Loss loss,
            PassExecutor ex) throws Exception {
        InMemoryDataSource src = new InMemoryDataSource(d, chunk);
        List<ChunkEvaluator> evs = List.of(new ChunkEvaluator(model, new int[] {0, 1, 2}, COLS, true, loss, 512),
                new ChunkEvaluator(model, new int[] {0, 1, 2}, COLS, true, loss, 512));
        PassResult r = ex.run(new PassRequest(src, COLS, evs, theta, EvalLevel.GRADIENT, 0,
                NormalEquations.empty(3).trackingLargestRow(), null));
        return r.sums();
    }

    @Test
    void theLargestRowAndItsGradientAreTheSameForEveryChunkingAndThreadCount() throws Exception {
        Model model = BuiltinProblem.DECAY.model();
        Map<String, double[]> d = data(9_000, 4);
        double[] theta = {2.4, 1.25, 0.52};
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (Loss loss : List.of(Loss.linear(), Loss.parse("soft_l1", 0.5))) {
                NormalEquations ref = pass(model, d, theta, 9_000, loss, PassExecutor.sequential());
                assertEquals(4_321, ref.largestRow(), "the outlier is the largest row");
                double r = (2.4 * Math.exp(-1.25 * d.get("x")[4_321]) + 0.52 - d.get("y")[4_321]) / d.get("s")[4_321];
                double[] rho = new double[3];
                loss.evaluate(r * r, rho);
                assertEquals(rho[0], ref.largestRho(), 1e-12 * rho[0], loss + ": ρ of the outlier");
                for (int chunk : new int[] {1, 7, 1_000, 4_321, 4_322}) {
                    NormalEquations seq = pass(model, d, theta, chunk, loss, PassExecutor.sequential());
                    NormalEquations par = pass(model, d, theta, chunk, loss, PassExecutor.parallel(pool, 2));
                    for (NormalEquations s : List.of(seq, par)) {
                        assertEquals(ref.largestRow(), s.largestRow());
                        assertEquals(ref.largestRho(), s.largestRho(), 0.0);
                        assertEquals(List.of(box(ref.largestGradient())), List.of(box(s.largestGradient())));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Double[] box(double[] v) {
        Double[] b = new Double[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return b;
    }

    /** ∇ max ρ_i (at a point where the argmax does not change nearby) equals central differences of max ρ_i. */
    @Test
    void theGradientOfTheLargestRhoIsItsDerivative() throws Exception {
        Model model = BuiltinProblem.DECAY.model();
        Map<String, double[]> d = data(9_000, 4);
        double[] theta = {2.4, 1.25, 0.52};
        for (Loss loss : List.of(Loss.linear(), Loss.parse("cauchy", 2.0))) {
            double[] g = pass(model, d, theta, 1_000, loss, PassExecutor.sequential()).largestGradient();
            for (int k = 0; k < 3; k++) {
                double h = 1e-6 * Math.max(1, Math.abs(theta[k]));
                double[] up = theta.clone();
                double[] down = theta.clone();
                up[k] += h;
                down[k] -= h;
                double fd = (pass(model, d, up, 1_000, loss, PassExecutor.sequential()).largestRho()
                        - pass(model, d, down, 1_000, loss, PassExecutor.sequential()).largestRho()) / (2 * h);
                assertEquals(fd, g[k], 1e-6 * Math.max(1, Math.abs(fd)), loss + " parameter " + k);
            }
        }
    }

    @Test
    void theFitEndsWhereItEndsWithoutTheTermAndTheReportSaysSo() {
        Map<String, double[]> d = data(20_000, 6);
        FitProblem p = FitProblem.builder(BuiltinProblem.DECAY.model(), new InMemoryDataSource(d, 2_000)).sigma("s")
                .initial(1, 0.5, 0).build();
        WarmupOptions w = WarmupOptions.on().withSampleRows(8_000);
        FitResult plain = Fits.fit(p, FitOptions.builder().warmup(w).build(), PassExecutor.sequential());
        FitResult max = Fits.fit(p, FitOptions.builder().warmup(w.withMaxWeight(0.1)).build(), PassExecutor.sequential());
        assertTrue(max.termination().isConverged(), max.briefReport());
        for (int k = 0; k < 3; k++) {
            assertEquals(plain.values()[k], max.values()[k], 1e-6 * plain.stderr()[k], "parameter " + k);
        }
        assertTrue(max.warmupOutcome().contains("max-residual term 0.1 * max rho_i, which the Gauss-Newton passes do not"),
                max.warmupOutcome());
        assertTrue(max.fullReport().contains("max-residual term"), max.fullReport());
        assertTrue(!plain.warmupOutcome().contains("max-residual"), plain.warmupOutcome());
    }

    @Test
    void aFullDataWarmupWithTheTermOrABadWeightIsRefused() {
        InvalidOptionsException e = assertThrows(InvalidOptionsException.class,
                () -> WarmupOptions.on().withFullData().withMaxWeight(0.1));
        assertTrue(e.getMessage().contains("needs a sampled warmup"), e.getMessage());
        e = assertThrows(InvalidOptionsException.class, () -> WarmupOptions.on().withMaxWeight(-1));
        assertTrue(e.getMessage().contains("maxWeight = -1.0 violates 0 <= maxWeight < inf"), e.getMessage());
    }
}
