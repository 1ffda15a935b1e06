package io.streamlsq.search.bo;

/**
 * Stationary correlation functions {@code k(r)} of the scaled distance {@code r = ‖(x − x′)/ℓ‖} (ARD: each input
 * coordinate divided by its own length scale ℓ_j before the distance, so any number of length scales is fine):
 * <ul>
 *   <li>{@link #MATERN_12}: {@code e^{−r}}</li>
 *   <li>{@link #MATERN_32}: {@code (1 + √3 r) e^{−√3 r}}</li>
 *   <li>{@link #MATERN_52}: {@code (1 + √5 r + 5r²/3) e^{−√5 r}}</li>
 *   <li>{@link #SQUARED_EXPONENTIAL}: {@code e^{−r²/2}} (Matérn ν = ∞)</li>
 * </ul>
 * {@link #slope(double)} gives {@code −k′(r)/r}, so that {@code ∂k/∂log ℓ_j = slope(r)·(Δ_j/ℓ_j)²} and
 * {@code ∂k/∂x_j = −slope(r)·Δ_j/ℓ_j²}; it is finite at r = 0 except for Matérn-1/2, whose derivative at r = 0 is
 * taken as 0 (all Δ_j are 0 there).
 */
public enum Kernel {
    MATERN_12, MATERN_32, MATERN_52, SQUARED_EXPONENTIAL;

    private static final double SQRT3 = Math.sqrt(3);
    private static final double SQRT5 = Math.sqrt(5);

    /** k(r), r ≥ 0; k(0) = 1. */
    public double value(double r) {
        return switch (this) {
            case MATERN_12 -> Math.exp(-r);
            case MATERN_32 -> (1 + SQRT3 * r) * Math.exp(-SQRT3 * r);
            case MATERN_52 -> (1 + SQRT5 * r + 5.0 / 3.0 * r * r) * Math.exp(-SQRT5 * r);
            case SQUARED_EXPONENTIAL -> Math.exp(-0.5 * r * r);
        };
    }

    /** {@code −k′(r)/r} (≥ 0); 0 at r = 0 for Matérn-1/2. */
    public double slope(double r) {
        return switch (this) {
            case MATERN_12 -> r > 0 ? Math.exp(-r) / r : 0;
            case MATERN_32 -> 3 * Math.exp(-SQRT3 * r);
            case MATERN_52 -> 5.0 / 3.0 * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
            case SQUARED_EXPONENTIAL -> Math.exp(-0.5 * r * r);
        };
    }

    /** {@link #slope(double)} from {@code value = value(r)} without a second exponential. */
    public double slope(double r, double value) {
        return switch (this) {
            case MATERN_12 -> r > 0 ? value / r : 0;
            case MATERN_32 -> 3 * value / (1 + SQRT3 * r);
            case MATERN_52 -> 5.0 / 3.0 * (1 + SQRT5 * r) * value / (1 + SQRT5 * r + 5.0 / 3.0 * r * r);
            case SQUARED_EXPONENTIAL -> value;
        };
    }

    /** Matérn smoothness ν (∞ for the squared exponential). */
    public double nu() {
        return switch (this) {
            case MATERN_12 -> 0.5;
            case MATERN_32 -> 1.5;
            case MATERN_52 -> 2.5;
            case SQUARED_EXPONENTIAL -> Double.POSITIVE_INFINITY;
        };
    }
}
