package io.streamlsq.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Maps points of the unit box {@code [0, 1]^d} to values of named search dimensions, so optimizers never see units:
 * <ul>
 *   <li>{@link #linear}: {@code lo + u·(hi − lo)};</li>
 *   <li>{@link #log}: {@code exp(ln lo + u·(ln hi − ln lo))} (log-uniform; 0 &lt; lo &lt; hi);</li>
 *   <li>{@link #integer}: {@code min(floor(lo + u·(hi − lo + 1)), hi)} (each integer gets an equal share of u);</li>
 *   <li>{@link #quantized}: the linear value rounded to the grid {@code lo + k·step}, clamped to the box;</li>
 *   <li>{@link #categorical}: one raw dimension per option, the value is the index of the largest (ties: first);</li>
 *   <li>{@link #bool}: two raw dimensions, true when the first is larger.</li>
 * </ul>
 * Linear and log dimensions take one raw coordinate each and are invertible ({@link #toUnit}). Immutable.
 */
public final class UnitBoxMapping {

    /** Kinds of dimension. */
    public enum Kind { LINEAR, LOG, INTEGER, QUANTIZED, CATEGORICAL, BOOL }

    /**
     * One search dimension.
     *
     * @param name its name (a parameter's, for fits)
     * @param kind how it maps
     * @param lo lower end (categorical, bool: 0)
     * @param hi upper end (categorical: options − 1, bool: 1)
     * @param step the grid of a quantized dimension, else 0
     * @param width raw unit-box coordinates it takes
     */
    public record Dimension(String name, Kind kind, double lo, double hi, double step, int width) {
        public Dimension {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi)) {
                throw new IllegalArgumentException("search dimension '" + name + "': [" + lo + ", " + hi
                        + "] violates finite lo < hi");
            }
            if (kind == Kind.LOG && !(lo > 0)) {
                throw new IllegalArgumentException("search dimension '" + name + "': log scale needs lo > 0, got " + lo);
            }
            if (kind == Kind.QUANTIZED && !(step > 0 && step <= hi - lo)) {
                throw new IllegalArgumentException("search dimension '" + name + "': step = " + step
                        + " violates 0 < step <= hi - lo");
            }
        }
    }

    public static Dimension linear(String name, double lo, double hi) {
        return new Dimension(name, Kind.LINEAR, lo, hi, 0, 1);
    }

    public static Dimension log(String name, double lo, double hi) {
        return new Dimension(name, Kind.LOG, lo, hi, 0, 1);
    }

    public static Dimension integer(String name, int lo, int hi) {
        return new Dimension(name, Kind.INTEGER, lo, hi, 0, 1);
    }

    public static Dimension quantized(String name, double lo, double hi, double step) {
        return new Dimension(name, Kind.QUANTIZED, lo, hi, step, 1);
    }

    public static Dimension categorical(String name, int options) {
        if (options < 2) {
            throw new IllegalArgumentException("search dimension '" + name + "': " + options + " options; needs >= 2");
        }
        return new Dimension(name, Kind.CATEGORICAL, 0, options - 1, 0, options);
    }

    public static Dimension bool(String name) {
        return new Dimension(name, Kind.BOOL, 0, 1, 0, 2);
    }

    private final List<Dimension> dimensions;
    private final int[] offsets;
    private final int raw;

    public UnitBoxMapping(List<Dimension> dimensions) {
        if (dimensions.isEmpty()) {
            throw new IllegalArgumentException("a search space needs at least one dimension");
        }
        this.dimensions = List.copyOf(dimensions);
        this.offsets = new int[dimensions.size()];
        int r = 0;
        for (int i = 0; i < dimensions.size(); i++) {
            offsets[i] = r;
            r += dimensions.get(i).width();
        }
        this.raw = r;
    }

    public List<Dimension> dimensions() {
        return dimensions;
    }

    /** The names of the dimensions, in order. */
    public List<String> names() {
        List<String> n = new ArrayList<>();
        dimensions.forEach(d -> n.add(d.name()));
        return n;
    }

    /** Raw unit-box coordinates: the d an optimizer works in. */
    public int rawDimensions() {
        return raw;
    }

    /**
     * The values at {@code u} (length {@link #rawDimensions()}, coordinates clamped to [0, 1]), one per dimension;
     * categorical dimensions give the option's index, bool 0 or 1.
     */
    public double[] values(double[] u) {
        if (u.length != raw) {
            throw new IllegalArgumentException("unit point has " + u.length + " coordinates; the space has " + raw);
        }
        double[] v = new double[dimensions.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = value(i, u);
        }
        return v;
    }

    /** The value of dimension {@code i} at {@code u}. */
    public double value(int i, double[] u) {
        Dimension d = dimensions.get(i);
        int o = offsets[i];
        double x = clamp(u[o]);
        return switch (d.kind()) {
            case LINEAR -> Math.min(d.hi(), Math.max(d.lo(), d.lo() + x * (d.hi() - d.lo())));
            case LOG -> Math.min(d.hi(), Math.max(d.lo(), Math.exp(Math.log(d.lo()) + x * (Math.log(d.hi()) - Math.log(d.lo())))));
            case INTEGER -> Math.min(Math.floor(d.lo() + x * (d.hi() - d.lo() + 1)), d.hi());
            case QUANTIZED -> {
                double k = Math.rint(x * (d.hi() - d.lo()) / d.step());
                yield Math.min(d.hi(), d.lo() + k * d.step());
            }
            case CATEGORICAL -> {
                int best = 0;
                for (int k = 1; k < d.width(); k++) {
                    if (clamp(u[o + k]) > clamp(u[o + best])) {
                        best = k;
                    }
                }
                yield best;
            }
            case BOOL -> clamp(u[o]) > clamp(u[o + 1]) ? 1 : 0;
        };
    }

    /**
     * The unit point of {@code values} for a space of linear and log dimensions only (values clamped to the box).
     *
     * @throws IllegalArgumentException for another kind of dimension
     */
    public double[] toUnit(double[] values) {
        double[] u = new double[raw];
        for (int i = 0; i < dimensions.size(); i++) {
            Dimension d = dimensions.get(i);
            double v = Math.min(d.hi(), Math.max(d.lo(), values[i]));
            u[offsets[i]] = switch (d.kind()) {
                case LINEAR -> (v - d.lo()) / (d.hi() - d.lo());
                case LOG -> (Math.log(v) - Math.log(d.lo())) / (Math.log(d.hi()) - Math.log(d.lo()));
                default -> throw new IllegalArgumentException("toUnit: dimension '" + d.name() + "' is " + d.kind()
                        + "; only LINEAR and LOG are invertible");
            };
        }
        return u;
    }

    private static double clamp(double x) {
        return x < 0 ? 0 : x > 1 ? 1 : Double.isNaN(x) ? 0.5 : x;
    }
}
