package io.streamlsq.loss;

import java.util.Locale;

/**
 * A robust loss ρ applied to the squared weighted residual {@code s = w·r²}; the cost is
 * {@code ½ Σ ρ(s)}. Follows scipy's {@code least_squares} definitions with a soft threshold
 * {@code C = fScale}: {@code ρ_C(s) = C²·ρ(s / C²)}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Loss {
    /** The loss functions scipy offers, by their scipy names. */
    public enum Kind {
        LINEAR, SOFT_L1, HUBER, CAUCHY, ARCTAN;

        /** The scipy spelling, e.g. {@code soft_l1}. */
        public String scipyName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Loss LINEAR = new Loss(Kind.LINEAR, 1.0);

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

    /** Parses a scipy name ({@code linear, soft_l1, huber, cauchy, arctan}). */
    public static Loss parse(String name, double fScale) {
        for (Kind k : Kind.values()) {
            if (k.scipyName().equals(name.toLowerCase(Locale.ROOT))) {
                return of(k, fScale);
            }
        }
        throw new IllegalArgumentException("loss '" + name + "' is not one of linear, soft_l1, huber, cauchy, arctan");
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
            default -> throw new AssertionError(kind);
        }
        out[0] = c2 * r0;
        out[1] = r1;
        out[2] = r2 * invC2;
    }

    @Override
    public String toString() {
        return isLinear() ? "linear" : kind.scipyName() + "(f_scale=" + fScale + ")";
    }
}
