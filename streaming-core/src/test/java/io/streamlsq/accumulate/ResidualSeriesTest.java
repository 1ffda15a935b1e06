package io.streamlsq.accumulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.exec.PassRequest;
import io.streamlsq.exec.PassResult;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import io.streamlsq.problems.BuiltinProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * T2.4 (seeds-others.md §2): the curvature and smoothness rows' sums equal the direct formula on the whole residual
 * series, with numpy.gradient's stencils at the ends, for any chunking (1 000-row chunks, one chunk, and chunks of 1 to
 * 7 rows that put every halo case at the seams), on Gram and QR sums, and through a serialized halo.
 */
class ResidualSeriesTest {
    private static final double GAMMA = 1e3;
    private static final double DELTA = 1e5 * 1e-3;
    private static final List<String> COLS = List.of("x", "y");

    @Test
    void gradientHasNumpysStencils() {
        // numpy.gradient([1, 4, 9, 16, 25]) = [3, 4, 6, 8, 9]; numpy.gradient of that = [1, 1.5, 2, 1.5, 1]
        double[] g = ResidualSeries.gradient(new double[] {1, 4, 9, 16, 25});
        assertArrayEquals(new double[] {3, 4, 6, 8, 9}, g, 0);
        assertArrayEquals(new double[] {1, 1.5, 2, 1.5, 1}, ResidualSeries.gradient(g), 0);
        // inside, D2 = D1∘D1 is the wide stencil (f[i+2] − 2 f[i] + f[i−2])/4, not [1, −2, 1]
        double[] f = {0, 1, 0, 5, 0, 2, 7};
        double[] d2 = ResidualSeries.gradient(ResidualSeries.gradient(f));
        for (int i = 2; i < f.length - 2; i++) {
            assertEquals((f[i + 2] - 2 * f[i] + f[i - 2]) / 4, d2[i], 1e-15);
        }
    }

    @Test
    void stencilCoefficientsAreTheGradientsAtEveryPositionOfShortAndLongSeries() {
        Random rnd = new Random(5);
        for (int len = 2; len <= 9; len++) {
            double[] f = new double[len];
            for (int i = 0; i < len; i++) {
                f[i] = rnd.nextGaussian();
            }
            double[] d1 = ResidualSeries.gradient(f);
            double[] d2 = ResidualSeries.gradient(d1);
            double[] c = new double[5];
            for (int q = 0; q < len; q++) {
                long from = ResidualSeries.d1Stencil(q, len, c);
                assertEquals(d1[q], apply(c, from, f), 1e-14, "D1 at " + q + " of " + len);
                from = ResidualSeries.d2Stencil(q, len, c);
                assertEquals(d2[q], apply(c, from, f), 1e-14, "D2 at " + q + " of " + len);
            }
        }
    }

    private static double apply(double[] c, long from, double[] f) {
        double s = 0;
        for (int t = 0; t < 5; t++) {
            if (c[t] != 0) {
                s += c[t] * f[(int) (from + t)];
            }
        }
        return s;
    }

    @Test
    void sumsEqualTheDirectFormulaForEveryChunking() throws Exception {
        int n = 5_003;
        double[][] xy = data(n, 17);
        Model model = BuiltinProblem.DECAY.model();
        double[] theta = {2.4, 1.25, 0.52};
        Direct direct = direct(model, xy, theta);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (NormalEquations.Form form : NormalEquations.Form.values()) {
                NormalEquations whole = pass(model, xy, theta, n, form, PassExecutor.sequential());
                for (int chunk : new int[] {1_000, n, 1, 2, 3, 4, 5, 6, 7}) {
                    NormalEquations s = pass(model, xy, theta, chunk, form, PassExecutor.sequential());
                    String what = form + " sums in chunks of " + chunk;
                    assertClose(direct.cost, s.cost(), 1e-12, what + ": cost");
                    for (int i = 0; i < 3; i++) {
                        assertClose(direct.jtr[i], s.jtr(i), 1e-12, what + ": Jᵀr " + i);
                        for (int j = 0; j < 3; j++) {
                            double scale = Math.sqrt(direct.jtj[i][i] * direct.jtj[j][j]);
                            assertTrue(Math.abs(direct.jtj[i][j] - s.jtj(i, j)) <= 1e-12 * scale,
                                    what + ": JᵀJ " + i + "," + j + " = " + s.jtj(i, j) + ", expected " + direct.jtj[i][j]);
                        }
                    }
                    assertEquals(n, s.rows(), "series rows do not count as data rows");
                    assertClose(whole.cost(), s.cost(), 1e-12, what + " against one chunk");
                    NormalEquations parallel = pass(model, xy, theta, chunk, form, PassExecutor.parallel(pool, 2));
                    assertTrue(s.sameBits(parallel), what + ": two threads changed the bits");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void costAndGradientPassesCarryTheSameTerms() throws Exception {
        int n = 2_001;
        double[][] xy = data(n, 3);
        Model model = BuiltinProblem.DECAY.model();
        double[] theta = {2.6, 1.35, 0.45};
        Direct direct = direct(model, xy, theta);
        for (EvalLevel level : new EvalLevel[] {EvalLevel.COST, EvalLevel.GRADIENT}) {
            NormalEquations s = pass(model, xy, theta, 3, NormalEquations.Form.GRAM, PassExecutor.sequential(), level);
            assertClose(direct.cost, s.cost(), 1e-12, level + " cost");
            assertClose(2 * direct.cost, s.ssr(), 1e-12, level + " Σr²");
            if (level == EvalLevel.GRADIENT) {
                for (int i = 0; i < 3; i++) {
                    assertClose(direct.jtr[i], s.jtr(i), 1e-12, "gradient " + i);
                }
            }
        }
    }

    /**
     * A GRADIENT pass (the warmup's) adds the series rows to Jᵀr and Σr² only, as it adds its data rows: forming their
     * JᵀJ too made such passes several times slower than without the terms ((p+1)(p+2)/2 numbers a row, not p+1).
     */
    @Test
    void aGradientPassFormsNoJtJForTheSeriesRows() throws Exception {
        int n = 1_003;
        double[][] xy = data(n, 8);
        Model model = BuiltinProblem.DECAY.model();
        double[] theta = {2.6, 1.35, 0.45};
        Direct direct = direct(model, xy, theta);
        for (int chunk : new int[] {n, 7, 2}) {
            NormalEquations s = pass(model, xy, theta, chunk, NormalEquations.Form.GRAM, PassExecutor.sequential(),
                    EvalLevel.GRADIENT);
            for (int i = 0; i < 3; i++) {
                assertClose(direct.jtr[i], s.jtr(i), 1e-12, "gradient " + i + ", chunks of " + chunk);
                for (int j = 0; j < 3; j++) {
                    assertEquals(0.0, s.jtj(i, j), "JᵀJ " + i + "," + j + " of a GRADIENT pass, chunks of " + chunk);
                }
            }
        }
    }

    @Test
    void aSerializedHaloContinuesWithTheSameBits() throws Exception {
        int n = 997;
        double[][] xy = data(n, 9);
        Model model = BuiltinProblem.DECAY.model();
        double[] theta = {2.4, 1.25, 0.52};
        ChunkEvaluator ev = evaluator(model);
        InMemoryDataSource src = source(xy, 3);
        NormalEquations straight = NormalEquations.empty(3);
        NormalEquations resumed = NormalEquations.empty(3);
        NormalEquations slot = NormalEquations.empty(3);
        try (ChunkCursor c = src.open(COLS, 0)) {
            Chunk chunk;
            int k = 0;
            while ((chunk = c.next()) != null) {
                slot.reset();
                ev.evaluate(chunk, theta, EvalLevel.NORMAL, slot);
                straight.merge(slot);
                resumed.merge(slot);
                if (++k == 100) { // a checkpoint's partial sums, read back
                    resumed = NormalEquations.fromArray(3, resumed.toArray()).withSeries(resumed.seriesToArray(), GAMMA,
                            DELTA);
                }
            }
        }
        straight.finishSeries();
        resumed.finishSeries();
        assertTrue(straight.sameBits(resumed));
        assertClose(direct(model, xy, theta).cost, straight.cost(), 1e-12, "cost");
    }

    @Test
    void badWeightsAndTooShortSeriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ResidualSeries.of(3, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> ResidualSeries.of(3, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> ResidualSeries.of(3, 0, 0));
        ChunkEvaluator ev = evaluator(BuiltinProblem.DECAY.model());
        NormalEquations one = NormalEquations.empty(3);
        try (ChunkCursor c = source(data(1, 1), 1).open(COLS, 0)) {
            ev.evaluate(c.next(), new double[] {2.5, 1.3, 0.5}, EvalLevel.NORMAL, one);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, one::finishSeries);
        assertTrue(e.getMessage().contains("at least 2 rows, not 1"), e.getMessage());
    }

    // ---- helpers ----

    private record Direct(double cost, double[] jtr, double[][] jtj) {}

    /** The data term plus γ Σ (D2 r)² + δ Σ (D1 r)², its gradient and Gauss-Newton matrix, from whole columns. */
    private static Direct direct(Model model, double[][] xy, double[] theta) throws Exception {
        int n = xy[0].length;
        InMemoryDataSource src = source(xy, n);
        double[] f = new double[n];
        double[][] jac = new double[3][n];
        try (ChunkCursor c = src.open(COLS, 0)) {
            Chunk chunk = c.next();
            Chunk view = new Chunk(1);
            view.sliceOf(chunk, 0, n);
            model.evaluate(view, theta, EvalLevel.NORMAL, f, jac);
        }
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = f[i] - xy[1][i];
        }
        List<double[]> rowsR = new ArrayList<>();
        List<double[][]> rowsJ = new ArrayList<>();
        rowsR.add(r);
        rowsJ.add(jac);
        rowsR.add(scale(ResidualSeries.gradient(ResidualSeries.gradient(r)), Math.sqrt(2 * GAMMA)));
        rowsJ.add(new double[][] {
            scale(ResidualSeries.gradient(ResidualSeries.gradient(jac[0])), Math.sqrt(2 * GAMMA)),
            scale(ResidualSeries.gradient(ResidualSeries.gradient(jac[1])), Math.sqrt(2 * GAMMA)),
            scale(ResidualSeries.gradient(ResidualSeries.gradient(jac[2])), Math.sqrt(2 * GAMMA))});
        rowsR.add(scale(ResidualSeries.gradient(r), Math.sqrt(2 * DELTA)));
        rowsJ.add(new double[][] {
            scale(ResidualSeries.gradient(jac[0]), Math.sqrt(2 * DELTA)),
            scale(ResidualSeries.gradient(jac[1]), Math.sqrt(2 * DELTA)),
            scale(ResidualSeries.gradient(jac[2]), Math.sqrt(2 * DELTA))});
        double ss = 0;
        double[] g = new double[3];
        double[][] a = new double[3][3];
        for (int b = 0; b < rowsR.size(); b++) {
            double[] rr = rowsR.get(b);
            double[][] jj = rowsJ.get(b);
            for (int i = 0; i < n; i++) {
                ss += rr[i] * rr[i];
                for (int k = 0; k < 3; k++) {
                    g[k] += jj[k][i] * rr[i];
                    for (int l = 0; l < 3; l++) {
                        a[k][l] += jj[k][i] * jj[l][i];
                    }
                }
            }
        }
        // the cost term itself, by the formula the class documents: ½Σr² + γΣ(D2 r)² + δΣ(D1 r)²
        double term = ResidualSeries.of(3, GAMMA, DELTA).directTerm(r);
        double data = 0;
        for (double v : r) {
            data += v * v;
        }
        assertClose(0.5 * data + term, 0.5 * ss, 1e-13, "rows' squares against the direct term");
        return new Direct(0.5 * ss, g, a);
    }

    private static double[] scale(double[] v, double s) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] *= s;
        }
        return o;
    }

    private static NormalEquations pass(Model model, double[][] xy, double[] theta, int chunk, NormalEquations.Form form,
            PassExecutor ex) throws Exception {
        return pass(model, xy, theta, chunk, form, ex, EvalLevel.NORMAL);
    }

    private static NormalEquations pass(Model model, double[][] xy, double[] theta, int chunk, NormalEquations.Form form,
            PassExecutor ex, EvalLevel level) throws Exception {
        List<ChunkEvaluator> evs = List.of(evaluator(model), evaluator(model));
        PassResult r = ex.run(PassRequest.full(source(xy, chunk), COLS, evs, theta, level,
                level == EvalLevel.NORMAL ? form : NormalEquations.Form.GRAM, null));
        assertEquals(null, r.nonFinite());
        r.sums().finishSeries();
        return r.sums();
    }

    private static ChunkEvaluator evaluator(Model model) {
        return new ChunkEvaluator(model, new int[] {0, 1, 2}, COLS, false, Loss.linear(), 512, GAMMA, DELTA);
    }

    private static InMemoryDataSource source(double[][] xy, int chunk) {
        return InMemoryDataSource.ofXY(xy[0], xy[1], chunk);
    }

    private static double[][] data(int n, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 10.0 * i / n;
            y[i] = 2.5 * Math.exp(-1.3 * x[i]) + 0.5 + 0.05 * rnd.nextGaussian();
        }
        return new double[][] {x, y};
    }

    private static void assertClose(double expected, double actual, double rel, String what) {
        double scale = Math.max(Math.abs(expected), 1e-300);
        assertTrue(Math.abs(expected - actual) <= rel * scale,
                what + ": expected " + expected + ", got " + actual + " (relative " + Math.abs(expected - actual) / scale + ")");
    }
}
