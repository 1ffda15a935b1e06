package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.result.Termination;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.RowModel;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** seeds-others §2 acceptance tests T2.1, T2.6 and T2.8 as they apply to our parameter layer (issue 16). */
class SheapParameterTest {

    /** T2.6: y = a·x, true a = 0.5, lower bound 0, started on the bound: the fit leaves it and reaches a. */
    @Test
    void aFitStartedOnItsLowerBoundLeavesIt() {
        int n = 200;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.1 + i * 0.05;
            y[i] = 0.5 * x[i];
        }
        RowModel m = new RowModel(List.of("a"), List.of("x"), "a*x", (v, b, g) -> {
            if (g != null) {
                g[0] = v[0];
            }
            return b[0] * v[0];
        });
        FitProblem p = FitProblem.builder(m, InMemoryDataSource.ofXY(x, y, 64)).bind("x", "x").y("y").initial(0.0)
                .bounds("a", 0, Double.POSITIVE_INFINITY).build();
        FitResult r = Fits.fit(p);
        assertTrue(r.termination() instanceof Termination.Converged, r.termination().toString());
        assertEquals(0.5, r.value("a"), 1e-8);
    }

    /**
     * T2.1 as it applies to us: bounds are not transforms (sheap's logistic/softplus/square maps) but an affine scaling
     * θ = offset + scale·q plus projection. For the boxes (0, 10), (1, ∞) and (−∞, 5), under every scaling strategy,
     * θ → q → θ round-trips interior values to 1e-15 of max(|θ|, |offset|, scale) (the affine map's rounding), a value
     * on a bound comes back on it within that, and a fit pressed against a bound ends exactly on it (projection: no
     * clip of 1e-6·range as sheap's logistic has, and no zero slope at the bound as its square maps have: T2.6).
     */
    @Test
    void boundsRoundTripAndAnActiveBoundIsHeldExactly() {
        double[][] boxes = {{0, 10}, {1, Double.POSITIVE_INFINITY}, {Double.NEGATIVE_INFINITY, 5}};
        Random rnd = new Random(21);
        for (io.streamlsq.scale.ScalingStrategy strategy : io.streamlsq.scale.ScalingStrategy.values()) {
            for (double[] box : boxes) {
                double lo = box[0];
                double hi = box[1];
                double p0 = Double.isFinite(lo) ? lo + 0.7 : hi - 0.7;
                io.streamlsq.scale.ParameterScaling sc = io.streamlsq.scale.ParameterScaling.create(strategy,
                        new double[] {p0}, new double[] {lo}, new double[] {hi});
                double tol = 1e-15 * Math.max(Math.abs(sc.offset(0)), sc.scale(0));
                for (int t = 0; t < 1_000; t++) {
                    double theta = Double.isFinite(lo) && Double.isFinite(hi) ? lo + (hi - lo) * rnd.nextDouble()
                            : Double.isFinite(lo) ? lo + Math.exp(8 * rnd.nextGaussian()) : hi - Math.exp(8 * rnd.nextGaussian());
                    double back = sc.toExternal(sc.toInternal(new double[] {theta}))[0];
                    assertEquals(theta, back, 4 * Math.max(tol, 1e-15 * Math.abs(theta)), strategy + " " + lo + ".." + hi);
                }
                for (double bound : box) {
                    if (Double.isFinite(bound)) {
                        double back = sc.toExternal(sc.toInternal(new double[] {bound}))[0];
                        assertEquals(bound, back, 4 * Math.max(tol, 1e-15 * Math.abs(bound)), strategy + " bound " + bound);
                    }
                }
            }
        }
        // y = a·x with the truth 0.5 outside the box [0.1, 0.3]: the fit ends on 0.3 exactly
        int n = 100;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.1 + i * 0.05;
            y[i] = 0.5 * x[i];
        }
        RowModel m = new RowModel(List.of("a"), List.of("x"), "a*x", (v, b, g) -> {
            if (g != null) {
                g[0] = v[0];
            }
            return b[0] * v[0];
        });
        FitResult r = Fits.fit(FitProblem.builder(m, InMemoryDataSource.ofXY(x, y, 64)).bind("x", "x").y("y")
                .initial(0.2).bounds("a", 0.1, 0.3).build());
        assertEquals(0.3, r.value("a"), 0.0, r.briefReport());
    }

    /**
     * T2.8: for a linear model the standard errors equal sqrt(s²·diag((XᵀX)⁻¹)), s² = SSR/(n − p), computed here
     * independently with EJML, within 1e-10 relative. (sheap adds 1e-6·I to XᵀX; we do not, so the errors are those
     * of the model as fitted.)
     */
    @Test
    void linearModelStandardErrorsEqualTheDirectFormula() {
        int n = 500;
        double[] x = new double[n];
        double[] y = new double[n];
        Random rng = new Random(28);
        for (int i = 0; i < n; i++) {
            x[i] = -2 + 4.0 * i / (n - 1);
            y[i] = 1.5 - 0.7 * x[i] + 0.3 * x[i] * x[i] + 0.1 * rng.nextGaussian();
        }
        RowModel m = new RowModel(List.of("c0", "c1", "c2"), List.of("x"), "c0+c1*x+c2*x^2", (v, b, g) -> {
            if (g != null) {
                g[0] = 1;
                g[1] = v[0];
                g[2] = v[0] * v[0];
            }
            return b[0] + b[1] * v[0] + b[2] * v[0] * v[0];
        });
        FitResult r = Fits.fit(FitProblem.builder(m, InMemoryDataSource.ofXY(x, y, 64)).bind("x", "x").y("y")
                .initial(0.0, 0.0, 0.0).build());
        DMatrixRMaj design = new DMatrixRMaj(n, 3);
        DMatrixRMaj obs = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            design.set(i, 0, 1);
            design.set(i, 1, x[i]);
            design.set(i, 2, x[i] * x[i]);
            obs.set(i, 0, y[i]);
        }
        DMatrixRMaj xtxInv = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.multTransA(design, design, xtxInv);
        assertTrue(CommonOps_DDRM.invert(xtxInv));
        DMatrixRMaj xty = new DMatrixRMaj(3, 1);
        CommonOps_DDRM.multTransA(design, obs, xty);
        DMatrixRMaj beta = new DMatrixRMaj(3, 1);
        CommonOps_DDRM.mult(xtxInv, xty, beta);
        DMatrixRMaj fitted = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(design, beta, fitted);
        double ssr = 0;
        for (int i = 0; i < n; i++) {
            double d = fitted.get(i, 0) - y[i];
            ssr += d * d;
        }
        double s2 = ssr / (n - 3);
        String[] names = {"c0", "c1", "c2"};
        for (int k = 0; k < 3; k++) {
            double expected = Math.sqrt(s2 * xtxInv.get(k, k));
            assertEquals(expected, r.stderr(names[k]), 1e-10 * expected, names[k]);
            assertEquals(beta.get(k, 0), r.value(names[k]), 1e-10 * Math.abs(beta.get(k, 0)), names[k]);
        }
    }
}
