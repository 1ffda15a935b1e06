package io.streamlsq.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** ρ, ρ′, ρ″ of every loss: scipy's formulas, consistent derivatives, the f_scale rule ρ_C(s) = C²ρ(s/C²). */
class LossTest {
    private static final double[] F_SCALES = {0.1, 1.0, 3.0};
    private static final double[] S = {0.0, 1e-6, 0.003, 0.5, 0.99, 1.7, 9.0, 40.0, 2500.0};

    /** scipy.optimize._lsq.least_squares' ρ for f_scale = 1, written independently of Loss. */
    private static double scipyRho(Loss.Kind kind, double z) {
        return switch (kind) {
            case LINEAR -> z;
            case SOFT_L1 -> 2 * (Math.sqrt(1 + z) - 1);
            case HUBER -> z <= 1 ? z : 2 * Math.sqrt(z) - 1;
            case CAUCHY -> Math.log(1 + z);
            case ARCTAN -> Math.atan(z);
            case LOG_COSH -> 2 * Math.log(Math.cosh(Math.sqrt(z))); // sheap's data term Σ log cosh r, not in scipy
        };
    }

    @Test
    void valuesFollowScipyWithTheSoftThreshold() {
        double[] out = new double[3];
        for (Loss.Kind kind : Loss.Kind.values()) {
            for (double c : F_SCALES) {
                Loss loss = Loss.of(kind, c);
                double cc = kind == Loss.Kind.LINEAR ? 1 : c * c; // scipy ignores f_scale for linear
                for (double s : S) {
                    loss.evaluate(s, out);
                    double expected = cc * scipyRho(kind, s / cc);
                    assertEquals(expected, out[0], 1e-14 * Math.max(1, Math.abs(expected)), loss + " at s = " + s);
                }
            }
        }
    }

    @Test
    void firstAndSecondDerivativesAgreeWithCentralDifferences() {
        double[] out = new double[3];
        double[] plus = new double[3];
        double[] minus = new double[3];
        for (Loss.Kind kind : Loss.Kind.values()) {
            for (double c : F_SCALES) {
                Loss loss = Loss.of(kind, c);
                for (double s : S) {
                    if (s == 0 || (kind == Loss.Kind.HUBER && Math.abs(s - c * c) < 0.1 * c * c)) {
                        continue; // one-sided at 0; huber's ρ″ jumps at s = C²
                    }
                    double u = Math.max(s, c * c); // the scale on which ρ changes
                    double h = 1e-5 * u;
                    if (s < h) {
                        continue;
                    }
                    loss.evaluate(s, out);
                    loss.evaluate(s + h, plus);
                    loss.evaluate(s - h, minus);
                    String at = loss + " at s = " + s;
                    assertEquals((plus[0] - minus[0]) / (2 * h), out[1], 1e-8 * Math.abs(out[1]) + roundoff(out[0], h), "ρ′, " + at);
                    assertEquals((plus[1] - minus[1]) / (2 * h), out[2], 1e-6 * Math.max(Math.abs(out[2]), Math.abs(out[1]) / u) + roundoff(out[1], h),
                            "ρ″, " + at);
                }
            }
        }
    }

    /** What rounding of a value of size |v| costs a central difference with step h (arctan's flat tail). */
    private static double roundoff(double v, double h) {
        return 4 * Math.ulp(1.0) * Math.abs(v) / h;
    }

    @Test
    void nearZeroEveryLossIsLeastSquares() {
        double[] out = new double[3];
        for (Loss.Kind kind : Loss.Kind.values()) {
            for (double c : F_SCALES) {
                Loss.of(kind, c).evaluate(0.0, out);
                assertEquals(0.0, out[0], 0.0, kind + " ρ(0)");
                assertEquals(1.0, out[1], 0.0, kind + " ρ′(0)");
            }
        }
    }

    /**
     * log_cosh where the closed forms fail: residuals of 10³ to 10⁶ (cosh overflows beyond 710), and near 0, where
     * ρ″ switches from its series to the closed form at z = 1e-3: both sides agree with a 40-digit reference.
     */
    @Test
    void logCoshIsStableForLargeAndSmallResiduals() {
        double[] out = new double[3];
        Loss loss = Loss.of(Loss.Kind.LOG_COSH, 1.0);
        for (double r : new double[] {1e3, 1e4, 1e6}) {
            loss.evaluate(r * r, out);
            assertEquals(2 * (r - Math.log(2)), out[0], 1e-15 * 2 * r, "ρ at r = " + r);
            assertEquals(1 / r, out[1], 1e-15 / r, "ρ′ at r = " + r);
            assertEquals(-0.5 / (r * r * r), out[2], 1e-12 / (r * r * r), "ρ″ at r = " + r);
        }
        // mpmath, 40 digits: z, ρ(z), ρ′(z), ρ″(z)
        double[][] reference = {
            {0.000999, 0.00099883371079781057, 0.99966713301301526, -0.33306709482727595},
            {0.001001, 0.0010008330443977028, 0.99966646687935829, -0.33306656214103715},
        };
        for (double[] ref : reference) {
            loss.evaluate(ref[0], out);
            assertEquals(ref[1], out[0], 1e-15 * ref[1], "ρ at z = " + ref[0]);
            assertEquals(ref[2], out[1], 1e-15, "ρ′ at z = " + ref[0]);
            assertEquals(ref[3], out[2], 1e-12, "ρ″ at z = " + ref[0]);
        }
    }

    @Test
    void namesParseAsScipySpellsThem() {
        for (Loss.Kind kind : Loss.Kind.values()) {
            Loss loss = Loss.parse(kind.scipyName(), 2.0);
            assertEquals(kind, loss.kind());
            assertEquals(kind == Loss.Kind.LINEAR ? 1.0 : 2.0, loss.fScale());
        }
        assertEquals(Loss.Kind.SOFT_L1, Loss.parse("SOFT_L1", 1).kind());
        assertSame(Loss.linear(), Loss.parse("linear", 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Loss.parse("tukey", 1));
        assertTrue(e.getMessage().contains("'tukey'") && e.getMessage().contains("soft_l1"), e.getMessage());
    }

    @Test
    void fScaleMustBeFiniteAndPositive() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Loss.of(Loss.Kind.HUBER, bad));
            assertTrue(e.getMessage().contains("f_scale = " + bad), e.getMessage());
        }
    }
}
