package io.streamlsq.scale;

/** How user parameters θ map to the internal parameters q the steps work on: {@code θ = offset + scale·q}. */
public enum ScalingStrategy {
    /** q = θ. */
    NONE,
    /** scale = |p0| (1 where p0 is 0), offset = 0: the start maps to ±1. */
    P0,
    /**
     * Finite box [lo, hi]: scale = hi − lo, offset = lo, the box maps to [0, 1]. Half-infinite
     * [lo, ∞): offset = lo, scale = |p0 − lo| (or the P0 rule when p0 = lo), so p0 maps to 1; (−∞, hi]
     * likewise from hi. No bounds: the P0 rule.
     */
    BOUNDS,
    /** BOUNDS for parameters with two finite bounds, P0 for the others. */
    AUTO
}
