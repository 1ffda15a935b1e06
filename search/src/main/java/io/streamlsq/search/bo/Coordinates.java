package io.streamlsq.search.bo;

import io.streamlsq.search.UnitBoxMapping;
import io.streamlsq.search.UnitBoxMapping.Dimension;

/**
 * The coordinates the Gaussian process works in, for a unit box {@code u ∈ [0, 1]^d} and an optional
 * {@link UnitBoxMapping}:
 * <ul>
 *   <li>unit (product): the process sees u itself, so a log dimension is warped (u is affine in log x);</li>
 *   <li>raw (hyperoptax): the process sees the dimension's value (a log dimension linearly: hyperoptax's defect),
 *       categorical and bool dimensions their raw u coordinates.</li>
 * </ul>
 * {@link #snap} moves u to the representative of its value (integer and quantized: the u of the value, categorical:
 * one-hot, bool: (1, 0) or (0, 1)), so that observations of one value share one point. Immutable.
 */
final class Coordinates {
    private final UnitBoxMapping mapping;
    private final boolean raw;
    private final int d;
    private final double[] lo;
    private final double[] hi;

    Coordinates(UnitBoxMapping mapping, int dimensions, boolean raw) {
        this.mapping = mapping;
        this.d = dimensions;
        this.raw = raw && mapping != null;
        this.lo = new double[d];
        this.hi = new double[d];
        java.util.Arrays.fill(hi, 1);
        if (this.raw) {
            int o = 0;
            for (Dimension dim : mapping.dimensions()) {
                if (dim.width() == 1) {
                    lo[o] = dim.lo();
                    hi[o] = dim.hi();
                }
                o += dim.width();
            }
        }
    }

    int dimensions() {
        return d;
    }

    /** The process's box (not modified by callers). */
    double[] lower() {
        return lo;
    }

    double[] upper() {
        return hi;
    }

    /** u clamped to [0, 1] and moved to its value's representative (a new array). */
    double[] snap(double[] u) {
        double[] s = new double[d];
        for (int j = 0; j < d; j++) {
            s[j] = Double.isNaN(u[j]) ? 0.5 : Math.min(1, Math.max(0, u[j]));
        }
        if (mapping == null) {
            return s;
        }
        int o = 0;
        for (int i = 0; i < mapping.dimensions().size(); i++) {
            Dimension dim = mapping.dimensions().get(i);
            switch (dim.kind()) {
                case INTEGER -> s[o] = (mapping.value(i, s) - dim.lo() + 0.5) / (dim.hi() - dim.lo() + 1);
                case QUANTIZED -> s[o] = (mapping.value(i, s) - dim.lo()) / (dim.hi() - dim.lo());
                case CATEGORICAL, BOOL -> {
                    int chosen = (int) mapping.value(i, s);
                    int index = dim.kind() == UnitBoxMapping.Kind.BOOL ? (chosen == 1 ? 0 : 1) : chosen;
                    for (int k = 0; k < dim.width(); k++) {
                        s[o + k] = k == index ? 1 : 0;
                    }
                }
                default -> {
                }
            }
            o += dim.width();
        }
        return s;
    }

    /** The process's coordinates of a unit point. */
    double[] toProcess(double[] u) {
        if (!raw) {
            return u.clone();
        }
        double[] g = u.clone();
        int o = 0;
        for (int i = 0; i < mapping.dimensions().size(); i++) {
            Dimension dim = mapping.dimensions().get(i);
            if (dim.width() == 1) {
                g[o] = mapping.value(i, u);
            }
            o += dim.width();
        }
        return g;
    }

    /** The unit point of process coordinates (not snapped). */
    double[] toUnit(double[] g) {
        if (!raw) {
            return g.clone();
        }
        double[] u = g.clone();
        int o = 0;
        for (Dimension dim : mapping.dimensions()) {
            if (dim.width() == 1) {
                double v = Math.min(dim.hi(), Math.max(dim.lo(), g[o]));
                u[o] = switch (dim.kind()) {
                    case LOG -> (Math.log(v) - Math.log(dim.lo())) / (Math.log(dim.hi()) - Math.log(dim.lo()));
                    case INTEGER -> (v - dim.lo() + 0.5) / (dim.hi() - dim.lo() + 1);
                    default -> (v - dim.lo()) / (dim.hi() - dim.lo());
                };
            }
            o += dim.width();
        }
        return u;
    }
}
