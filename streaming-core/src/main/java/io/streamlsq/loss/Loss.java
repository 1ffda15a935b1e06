package io.streamlsq.loss;

import java.util.Locale;

/**
 * A robust loss ρ applied to the squared weighted residual {@code s = w·r²}; the cost is
 * {@code ½ Σ ρ(s)}. Follows scipy's {@code least_squares} definitions with a soft threshold
 * {@code C = fScale}: {@code ρ_C(s) = C²·ρ(s / C²)}. One loss scipy does not offer by name,
 * {@code log_cosh}: {@code ρ(z) = 2·log(cosh(√z))}, so that the cost is {@code Σ log cosh r} (sheap's
 * data term) and {@code ρ(z) ≈ z} near 0; scipy reaches it as a callable loss with the same f_scale rule.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Loss {
    /** The loss functions scipy offers, by their scipy names, and {@code log_cosh}. */
    public enum Kind {
        LINEAR, SOFT_L1, HUBER, CAUCHY, ARCTAN, LOG_COSH;

        /** The scipy spelling, e.g. {@code soft_l1} (and {@code log_cosh}). */
        public String scipyName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Loss LINEAR = new Loss(Kind.LINEAR, 1.0);
    /** Below this z, ρ″ of log_cosh comes from its Taylor series: the closed form cancels (error ~ 1e-16/z). */
    private static final double LOG_COSH_SERIES_Z = 1e-3;
    private static final double LN2 = Math.log(2);

    private final Kind kind;
    private final double fScale;
    private final double c2;
    private final double invC2;

    private Loss(Kind kind, double fScale) {
        if (!(fScale > 0) || Double.isInfinite(fScale)) {
            throw new IllegalArgumentException("loss f_scale = " + fScale + " must be finite and > 0");
        }
        this.kind = kind;
        this.fScale = fScale;
        this.c2 = fScale * fScale;
        this.invC2 = 1.0 / c2;
    }

    /** Ordinary least squares, ρ(s) = s. */
    public static Loss linear() {
        return LINEAR;
    }

    /** The loss of that kind with soft threshold {@code fScale}. */
    public static Loss of(Kind kind, double fScale) {
        return kind == Kind.LINEAR ? LINEAR : new Loss(kind, fScale);
    }

    /** Parses a scipy name ({@code linear, soft_l1, huber, cauchy, arctan}) or {@code log_cosh}. */
    public static Loss parse(String name, double fScale) {
        for (Kind k : Kind.values()) {
            if (k.scipyName().equals(name.toLowerCase(Locale.ROOT))) {
                return of(k, fScale);
            }
        }
        throw new IllegalArgumentException("loss '" + name + "' is not one of linear, soft_l1, huber, cauchy, arctan, log_cosh");
    }

    public Kind kind() {
        return kind;
    }

    public double fScale() {
        return fScale;
    }

    /** Whether ρ(s) = s, so callers can skip the robust correction. */
    public boolean isLinear() {
        return kind == Kind.LINEAR;
    }

    /**
     * Writes {@code ρ(s), ρ′(s), ρ″(s)} into {@code out[0..2]}.
     *
     * @param s squared weighted residual, &ge; 0
     */
    public void evaluate(double s, double[] out) {
        double z = s * invC2;
        double r0;
        double r1;
        double r2;
        switch (kind) {
            case LINEAR -> {
                r0 = z;
                r1 = 1;
                r2 = 0;
            }
            case SOFT_L1 -> {
                double t = 1 + z;
                double sq = Math.sqrt(t);
                r0 = 2 * (sq - 1);
                r1 = 1 / sq;
                r2 = -0.5 / (t * sq);
            }
            case HUBER -> {
                if (z <= 1) {
                    r0 = z;
                    r1 = 1;
                    r2 = 0;
                } else {
                    double sq = Math.sqrt(z);
                    r0 = 2 * sq - 1;
                    r1 = 1 / sq;
                    r2 = -0.5 / (z * sq);
                }
            }
            case CAUCHY -> {
                double t = 1 + z;
                r0 = Math.log1p(z);
                r1 = 1 / t;
                r2 = -1 / (t * t);
            }
            case ARCTAN -> {
                double t = 1 + z * z;
                r0 = Math.atan(z);
                r1 = 1 / t;
                r2 = -2 * z / (t * t);
            }
            case LOG_COSH -> {
                logCosh(z, out);
                r0 = out[0];
                r1 = out[1];
                r2 = out[2];
            }
            default -> throw new AssertionError(kind);
        }
        out[0] = c2 * r0;
        out[1] = r1;
        out[2] = r2 * invC2;
    }

    /**
     * {@code ρ(z) = 2 log cosh u}, {@code ρ′ = tanh(u)/u}, {@code ρ″ = (u·sech²u − tanh u)/(2u³)} with u = √z,
     * into {@code out[0..2]}. log cosh u is {@code log1p(2 sinh²(u/2))} for u &lt; 1 (no cancellation near 0) and
     * {@code u + log1p(e^{−2u}) − log 2} above (no overflow of cosh for large residuals).
     */
    private static void logCosh(double z, double[] out) {
        double u = Math.sqrt(z);
        double logCosh;
        if (u < 1) {
            double sh = Math.sinh(0.5 * u);
            logCosh = Math.log1p(2 * sh * sh);
        } else {
            logCosh = u + Math.log1p(Math.exp(-2 * u)) - LN2;
        }
        out[0] = 2 * logCosh;
        if (z < LOG_COSH_SERIES_Z) {
            // tanh(u)/u = 1 − z/3 + 2z²/15 − 17z³/315 + 62z⁴/2835 − …, and its derivative in z
            out[1] = 1 + z * (-1.0 / 3 + z * (2.0 / 15 + z * (-17.0 / 315 + z * (62.0 / 2835))));
            out[2] = -1.0 / 3 + z * (4.0 / 15 + z * (-51.0 / 315 + z * (248.0 / 2835)));
        } else {
            double t = Math.tanh(u);
            double sech2 = 1 - t * t; // tanh saturates at 1 for u > 19: ρ″ → −1/(2u³), still right
            out[1] = t / u;
            out[2] = (u * sech2 - t) / (2 * z * u);
        }
    }

    /**
     * Triggs' corrector (as in Ceres), in place, for rows of one residual each: for the first {@code n} rows,
     * {@code r ← √ρ′/(1−α)·r} and {@code rowScale ← √ρ′(1−α)·rowScale} (rowScale taken as 1 when {@code weighted} is
     * false), with {@code α = 1 − √(1 + 2sρ″/ρ′)} when ρ″ &gt; 0, else α = 0, s = r². The Jacobian rows are then to
     * be multiplied by rowScale. {@code rho} is scratch of 3 numbers.
     *
     * @return Σ ρ(rᵢ²) over the rows
     */
    public double correct(double[] residuals, double[] rowScale, boolean weighted, int n, double[] rho) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double r = residuals[i];
            double s = r * r;
            evaluate(s, rho);
            sum += rho[0];
            double sqrtRho1 = Math.sqrt(rho[1]);
            double rScale;
            double jScale;
            if (s == 0 || rho[2] <= 0) {
                rScale = sqrtRho1;
                jScale = sqrtRho1;
            } else {
                double alpha = 1 - Math.sqrt(1 + 2 * s * rho[2] / rho[1]);
                rScale = sqrtRho1 / (1 - alpha);
                jScale = sqrtRho1 * (1 - alpha);
            }
            residuals[i] = r * rScale;
            rowScale[i] = (weighted ? rowScale[i] : 1.0) * jScale;
        }
        return sum;
    }

    @Override
    public String toString() {
        return isLinear() ? "linear" : kind.scipyName() + "(f_scale=" + fScale + ")";
    }
}
