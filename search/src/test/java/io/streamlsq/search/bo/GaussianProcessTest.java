package io.streamlsq.search.bo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.search.Rng;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** T3.5: posterior against a dense direct solve, NLML gradient against finite differences, padding and pending rows. */
class GaussianProcessTest {
    private static final int N = 20;
    private static final int D = 3;

    private static double[] points(Rng rng, int n) {
        double[] x = new double[n * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble();
        }
        return x;
    }

    private static double[] values(double[] x, int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = 3 + Math.sin(6 * x[i * D]) + x[i * D + 1] * x[i * D + 2] * 4;
        }
        return y;
    }

    private static double[] theta() {
        return new double[] {Math.log(0.3), Math.log(0.5), Math.log(0.8), Math.log(1.7), Math.log(1e-3)};
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void posteriorMatchesADenseDirectSolve(Kernel kernel) {
        Rng rng = Rng.of(11);
        double[] x = points(rng, N);
        double[] y = values(x, N);
        double[] t = theta();
        double jitter = 1e-6;
        GaussianProcess gp = GaussianProcess.fit(kernel, t, x, y, N, D, true, jitter, 0);
        assertNotNull(gp);
        double[] ms = GaussianProcess.meanAndScale(y, N, true);
        double sf = Math.exp(t[D]);
        DMatrixRMaj k = new DMatrixRMaj(N, N);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                k.set(i, j, sf * kernel.value(dist(x, i, x, j, t)) + (i == j ? sf * jitter + Math.exp(t[D + 1]) : 0));
            }
        }
        DMatrixRMaj yn = new DMatrixRMaj(N, 1);
        for (int i = 0; i < N; i++) {
            yn.set(i, 0, (y[i] - ms[0]) / ms[1]);
        }
        DMatrixRMaj a = new DMatrixRMaj(N, 1);
        assertTrue(CommonOps_DDRM.solve(k, yn, a));
        double[] test = points(Rng.of(12), 5);
        for (int p = 0; p < 5; p++) {
            DMatrixRMaj ks = new DMatrixRMaj(N, 1);
            for (int i = 0; i < N; i++) {
                ks.set(i, 0, sf * kernel.value(dist(test, p, x, i, t)));
            }
            DMatrixRMaj w = new DMatrixRMaj(N, 1);
            assertTrue(CommonOps_DDRM.solve(k, ks, w));
            double mean = CommonOps_DDRM.dot(ks, a) * ms[1] + ms[0];
            double var = Math.max(0, sf - CommonOps_DDRM.dot(ks, w)) * ms[1] * ms[1];
            double[] got = gp.predict(java.util.Arrays.copyOfRange(test, p * D, p * D + D));
            assertEquals(mean, got[0], 1e-10 * Math.max(1, Math.abs(mean)), kernel + " mean at test point " + p);
            assertEquals(var, got[1], 1e-10 * Math.max(1, var), kernel + " variance at test point " + p);
        }
    }

    private static double dist(double[] a, int i, double[] b, int j, double[] t) {
        double s = 0;
        for (int q = 0; q < D; q++) {
            double v = (a[i * D + q] - b[j * D + q]) / Math.exp(t[q]);
            s += v * v;
        }
        return Math.sqrt(s);
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void likelihoodGradientMatchesCentralDifferences(Kernel kernel) {
        Rng rng = Rng.of(21);
        double[] x = points(rng, N);
        double[] y = values(x, N);
        double[] ms = GaussianProcess.meanAndScale(y, N, true);
        for (int i = 0; i < N; i++) {
            y[i] = (y[i] - ms[0]) / ms[1];
        }
        double[] t = theta();
        double[] g = new double[D + 2];
        GaussianProcess.negativeLogLikelihood(kernel, t, x, y, N, D, 1e-6, g);
        double h = 1e-5;
        for (int j = 0; j < D + 2; j++) {
            double[] tp = t.clone();
            double[] tm = t.clone();
            tp[j] += h;
            tm[j] -= h;
            double fd = (GaussianProcess.negativeLogLikelihood(kernel, tp, x, y, N, D, 1e-6, null)
                    - GaussianProcess.negativeLogLikelihood(kernel, tm, x, y, N, D, 1e-6, null)) / (2 * h);
            assertEquals(fd, g[j], 1e-6 * Math.abs(fd), kernel + " ∂NLML/∂θ_" + j);
        }
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void posteriorGradientMatchesCentralDifferences(Kernel kernel) {
        Rng rng = Rng.of(31);
        double[] x = points(rng, N);
        GaussianProcess gp = GaussianProcess.fit(kernel, theta(), x, values(x, N), N, D, true, 1e-6, 0);
        double[] p = {0.31, 0.52, 0.77};
        double[] out = new double[2];
        double[] gm = new double[D];
        double[] gv = new double[D];
        gp.predictNormalized(p, out, gm, gv);
        double h = 1e-6;
        for (int j = 0; j < D; j++) {
            double[] pp = p.clone();
            double[] pm = p.clone();
            pp[j] += h;
            pm[j] -= h;
            double[] op = new double[2];
            double[] om = new double[2];
            gp.predictNormalized(pp, op, null, null);
            gp.predictNormalized(pm, om, null, null);
            assertEquals((op[0] - om[0]) / (2 * h), gm[j], 1e-5 * Math.max(1, Math.abs(gm[j])), kernel + " ∂μ/∂x_" + j);
            assertEquals((op[1] - om[1]) / (2 * h), gv[j], 1e-5 * Math.max(1, Math.abs(gv[j])),
                    kernel + " ∂σ²/∂x_" + j);
        }
    }

    @Test
    void paddingAndPendingRowsDoNotChangePredictions() {
        Rng rng = Rng.of(41);
        double[] x = points(rng, N + 7);
        double[] y = values(x, N + 7);
        double[] exact = java.util.Arrays.copyOf(x, N * D);
        GaussianProcess plain = GaussianProcess.fit(Kernel.MATERN_52, theta(), exact, y, N, D, true, 1e-6, 0);
        GaussianProcess padded = GaussianProcess.fit(Kernel.MATERN_52, theta(), x, y, N, D, true, 1e-6, 0);
        GaussianProcess roomy = GaussianProcess.fit(Kernel.MATERN_52, theta(), x, y, N, D, true, 1e-6, 6);
        double[] test = points(Rng.of(42), 5);
        for (int p = 0; p < 5; p++) {
            double[] pt = java.util.Arrays.copyOfRange(test, p * D, p * D + D);
            assertArrayEquals(plain.predict(pt), padded.predict(pt), "padding rows, point " + p);
            assertArrayEquals(plain.predict(pt), roomy.predict(pt), "room for pending rows, point " + p);
        }
    }

    @Test
    void appendingARowGivesTheVarianceOfFittingWithIt() {
        Rng rng = Rng.of(51);
        double[] x = points(rng, N + 1);
        double[] y = values(x, N + 1);
        GaussianProcess all = GaussianProcess.fit(Kernel.MATERN_32, theta(), x, y, N + 1, D, false, 1e-6, 0);
        GaussianProcess grown = GaussianProcess.fit(Kernel.MATERN_32, theta(), x, y, N, D, false, 1e-6, 1);
        grown.append(java.util.Arrays.copyOfRange(x, N * D, N * D + D), grown.normalize(y[N]));
        double[] pt = {0.2, 0.4, 0.6};
        // the means differ by the centring (the mean of N vs N + 1 values); the variance does not depend on y
        assertEquals(all.predict(pt)[1], grown.predict(pt)[1], 1e-10, "variance after append");
        GaussianProcess.Candidates ca = all.new Candidates(pt, 1);
        ca.update();
        GaussianProcess.Candidates cb = grown.new Candidates(pt, 1);
        cb.update();
        assertEquals(ca.variance[0], cb.variance[0], 1e-10, "candidate variance after append");
        assertEquals(grown.predict(pt)[0], cb.mean[0] + grown.yMean(), 1e-10, "candidate mean = predicted mean");
    }

    @Test
    void candidatePosteriorsMatchPredictionsAcrossBlocksAndAppends() {
        Rng rng = Rng.of(61);
        double[] x = points(rng, N);
        GaussianProcess gp = GaussianProcess.fit(Kernel.MATERN_52, theta(), x, values(x, N), N, D, true, 1e-6, 2);
        int m = 300; // two full blocks and a partial one
        double[] c = points(Rng.of(62), m);
        GaussianProcess.Candidates cands = gp.new Candidates(c, m);
        cands.update();
        gp.append(new double[] {0.5, 0.5, 0.5}, 0.3);
        gp.append(new double[] {0.1, 0.9, 0.4}, -0.7);
        cands.update();
        double[] out = new double[2];
        for (int k = 0; k < m; k++) {
            gp.predictNormalized(java.util.Arrays.copyOfRange(c, k * D, k * D + D), out, null, null);
            assertEquals(out[0], cands.mean[k], 1e-12, "mean of candidate " + k);
            assertEquals(out[1], cands.variance[k], 1e-12, "variance of candidate " + k);
        }
    }
}
