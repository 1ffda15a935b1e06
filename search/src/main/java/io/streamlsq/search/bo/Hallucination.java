package io.streamlsq.search.bo;

/**
 * What a Kriging Believer batch pretends a proposed (or pending) point's value is, so that the next point of the batch
 * goes elsewhere. In minimization orientation:
 * <ul>
 *   <li>{@link Kind#MEAN}: μ (classic Kriging Believer; the posterior mean is unchanged, only σ shrinks);</li>
 *   <li>{@link Kind#SAMPLE}: μ + σ·N(0, 1) (randomized Kriging Believer, hyperoptax's default);</li>
 *   <li>{@link Kind#UCB}: μ − κσ (optimistic: hyperoptax's μ + κσ when maximizing);</li>
 *   <li>{@link Kind#CONSTANT}: {@code value} in the told values' units, or the incumbent when {@code value} is NaN
 *       (constant liar).</li>
 * </ul>
 *
 * @param kind the strategy
 * @param kappa κ ≥ 0 for UCB
 * @param value the constant liar's value (NaN: the incumbent)
 */
public record Hallucination(Kind kind, double kappa, double value) {

    /** The strategies. */
    public enum Kind { MEAN, SAMPLE, UCB, CONSTANT }

    public Hallucination {
        if (kind == null || !(kappa >= 0) || Double.isInfinite(kappa) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("hallucination " + kind + " with kappa = " + kappa + ", value = "
                    + value + " violates a kind, finite kappa >= 0, value finite or NaN");
        }
    }

    public static Hallucination mean() {
        return new Hallucination(Kind.MEAN, 0, Double.NaN);
    }

    public static Hallucination sample() {
        return new Hallucination(Kind.SAMPLE, 0, Double.NaN);
    }

    public static Hallucination ucb(double kappa) {
        return new Hallucination(Kind.UCB, kappa, Double.NaN);
    }

    /** The constant liar at the incumbent. */
    public static Hallucination incumbent() {
        return new Hallucination(Kind.CONSTANT, 0, Double.NaN);
    }

    /** The constant liar at a fixed value (in the told values' units). */
    public static Hallucination constant(double value) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("constant hallucination: value is NaN; use incumbent()");
        }
        return new Hallucination(Kind.CONSTANT, 0, value);
    }
}
