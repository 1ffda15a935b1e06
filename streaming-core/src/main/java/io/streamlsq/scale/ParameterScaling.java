package io.streamlsq.scale;

/**
 * The affine per-parameter map between user units θ and internal units q: {@code θ = offset + scale·q}.
 * The only place that knows both spaces: the steps see q, the user sees θ. Immutable.
 */
public final class ParameterScaling {
    private final ScalingStrategy strategy;
    private final double[] scale;
    private final double[] offset;

    private ParameterScaling(ScalingStrategy strategy, double[] scale, double[] offset) {
        this.strategy = strategy;
        this.scale = scale;
        this.offset = offset;
    }

    /**
     * Builds the map for start {@code p0} and bounds {@code lo, hi} (±∞ for none).
     */
    public static ParameterScaling create(ScalingStrategy strategy, double[] p0, double[] lo, double[] hi) {
        int p = p0.length;
        double[] scale = new double[p];
        double[] offset = new double[p];
        for (int k = 0; k < p; k++) {
            boolean finiteLo = Double.isFinite(lo[k]);
            boolean finiteHi = Double.isFinite(hi[k]);
            switch (strategy) {
                case NONE -> scale[k] = 1;
                case P0 -> scale[k] = p0Scale(p0[k]);
                case AUTO -> {
                    if (finiteLo && finiteHi) {
                        box(k, lo[k], hi[k], p0[k], scale, offset);
                    } else {
                        scale[k] = p0Scale(p0[k]);
                    }
                }
                case BOUNDS -> {
                    if (finiteLo && finiteHi) {
                        box(k, lo[k], hi[k], p0[k], scale, offset);
                    } else if (finiteLo) {
                        offset[k] = lo[k];
                        scale[k] = distanceScale(p0[k] - lo[k], p0[k]);
                    } else if (finiteHi) {
                        offset[k] = hi[k];
                        scale[k] = distanceScale(hi[k] - p0[k], p0[k]);
                    } else {
                        scale[k] = p0Scale(p0[k]);
                    }
                }
                default -> throw new AssertionError(strategy);
            }
        }
        return new ParameterScaling(strategy, scale, offset);
    }

    /** Restores a map from its numbers (checkpoints). */
    public static ParameterScaling of(ScalingStrategy strategy, double[] scale, double[] offset) {
        for (int k = 0; k < scale.length; k++) {
            if (!(scale[k] > 0) || Double.isInfinite(scale[k]) || !Double.isFinite(offset[k])) {
                throw new IllegalArgumentException("scaling of parameter " + k + ": scale = " + scale[k]
                        + ", offset = " + offset[k] + "; scale must be finite and > 0, offset finite");
            }
        }
        return new ParameterScaling(strategy, scale.clone(), offset.clone());
    }

    private static void box(int k, double lo, double hi, double p0, double[] scale, double[] offset) {
        double width = hi - lo;
        if (width > 0 && Double.isFinite(width)) {
            scale[k] = width;
            offset[k] = lo;
        } else {
            scale[k] = p0Scale(p0);
        }
    }

    private static double p0Scale(double p0) {
        double a = Math.abs(p0);
        return a > 10 * Math.ulp(1.0) && Double.isFinite(a) ? a : 1.0;
    }

    private static double distanceScale(double distance, double p0) {
        double d = Math.abs(distance);
        return d > 0 && Double.isFinite(d) ? d : p0Scale(p0);
    }

    public ScalingStrategy strategy() {
        return strategy;
    }

    /** {@code ∂θ_k/∂q_k}. */
    public double scale(int k) {
        return scale[k];
    }

    public double offset(int k) {
        return offset[k];
    }

    public double[] scales() {
        return scale.clone();
    }

    public double[] offsets() {
        return offset.clone();
    }

    /** q for θ (a new array). */
    public double[] toInternal(double[] theta) {
        double[] q = new double[theta.length];
        for (int k = 0; k < q.length; k++) {
            q[k] = toInternal(k, theta[k]);
        }
        return q;
    }

    /** q_k for θ_k; maps ±∞ to ±∞. */
    public double toInternal(int k, double theta) {
        return (theta - offset[k]) / scale[k];
    }

    /** θ for q (a new array). */
    public double[] toExternal(double[] q) {
        double[] t = new double[q.length];
        for (int k = 0; k < t.length; k++) {
            t[k] = offset[k] + scale[k] * q[k];
        }
        return t;
    }
}
