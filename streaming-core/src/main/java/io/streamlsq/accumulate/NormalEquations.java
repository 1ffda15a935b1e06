package io.streamlsq.accumulate;

import io.streamlsq.accumulate.internal.GramKernel;
import java.util.Arrays;

/**
 * The sums one pass accumulates for p parameters: {@code JᵀJ} (packed upper triangle), {@code Jᵀr},
 * {@code ssr = Σ w r²}, {@code Σ ρ(w r²)} (the cost is half of it), the row count and the weight sum
 * {@code Σ w}. J and r here are the weighted, loss-corrected Jacobian and residuals
 * ({@code r = f(x; θ) − y}).
 *
 * <p>Stored as the packed upper triangle of the augmented Gram matrix {@code [J r]ᵀ[J r]}, so that
 * {@link #merge} is one element-wise sum. Merging in a fixed order gives fixed bits. Not thread-safe.
 */
public final class NormalEquations {
    private final int p;
    private final int m;
    private final double[] packed;
    private double rhoSum;
    private long rows;
    private double weightSum;
    private final double[][] addScratch;

    private NormalEquations(int p) {
        if (p < 0) {
            throw new IllegalArgumentException("dimension = " + p + " must be >= 0");
        }
        this.p = p;
        this.m = p + 1;
        this.packed = new double[m * (m + 1) / 2];
        this.addScratch = new double[GramKernel.paddedColumns(m)][];
    }

    /** All-zero sums for {@code p} parameters: the identity of {@link #merge}. */
    public static NormalEquations empty(int p) {
        return new NormalEquations(p);
    }

    /** Number of parameters p. */
    public int dimension() {
        return p;
    }

    /** Sets every sum back to zero. */
    public void reset() {
        Arrays.fill(packed, 0.0);
        rhoSum = 0;
        rows = 0;
        weightSum = 0;
    }

    /** {@code this += other}. */
    public void merge(NormalEquations other) {
        if (other.p != p) {
            throw new IllegalArgumentException("cannot merge normal equations of dimension " + other.p + " into " + p);
        }
        final double[] o = other.packed;
        for (int i = 0; i < packed.length; i++) {
            packed[i] += o[i];
        }
        rhoSum += other.rhoSum;
        rows += other.rows;
        weightSum += other.weightSum;
    }

    /**
     * Adds a block of {@code n} rows with linear loss and given row weights already applied: J given by
     * columns ({@code jacobian[k][i]}), residuals {@code r[i]}. Rows count n, weights add {@code weights}.
     */
    public void add(double[][] jacobian, double[] residuals, int n, double weights) {
        if (jacobian.length != p) {
            throw new IllegalArgumentException("jacobian has " + jacobian.length + " columns, expected " + p);
        }
        double[] zeros = null;
        for (int c = 0; c < addScratch.length; c++) {
            if (c < p) {
                addScratch[c] = jacobian[c];
            } else if (c == p) {
                addScratch[c] = residuals;
            } else {
                zeros = zeros == null ? new double[n] : zeros;
                addScratch[c] = zeros;
            }
        }
        double before = ssr();
        GramKernel.gram(addScratch, m, n, packed);
        addRho(ssr() - before);
        addRows(n, weights);
        Arrays.fill(addScratch, null);
    }

    /** Raw packed augmented storage, for kernels in this package and for checkpoints. Modified by callers. */
    double[] packedAugmented() {
        return packed;
    }

    void addRho(double v) {
        rhoSum += v;
    }

    void addRows(long n, double weights) {
        rows += n;
        weightSum += weights;
    }

    /** Entry (i, j) of JᵀJ. */
    public double jtj(int i, int j) {
        return i <= j ? packed[GramKernel.index(i, j, m)] : packed[GramKernel.index(j, i, m)];
    }

    /** Entry i of Jᵀr (the gradient of the cost). */
    public double jtr(int i) {
        return packed[GramKernel.index(i, p, m)];
    }

    /** {@code Σ w r²} over the accumulated rows. */
    public double ssr() {
        return packed[packed.length - 1];
    }

    /** {@code ½ Σ ρ(w r²)}; equals ½ ssr for the linear loss. */
    public double cost() {
        return 0.5 * rhoSum;
    }

    /** Number of accumulated rows. */
    public long rows() {
        return rows;
    }

    /** {@code Σ w} (the row count when there are no weights). */
    public double weightSum() {
        return weightSum;
    }

    /** JᵀJ as a full p×p array (a new array). */
    public double[][] jtjMatrix() {
        double[][] a = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                a[i][j] = a[j][i] = packed[GramKernel.index(i, j, m)];
            }
        }
        return a;
    }

    /** Jᵀr as a new array. */
    public double[] jtrVector() {
        double[] g = new double[p];
        for (int i = 0; i < p; i++) {
            g[i] = jtr(i);
        }
        return g;
    }

    /** Whether every sum is finite. */
    public boolean isFinite() {
        for (double v : packed) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return Double.isFinite(rhoSum);
    }

    /** A deep copy. */
    public NormalEquations copy() {
        NormalEquations c = new NormalEquations(p);
        c.copyFrom(this);
        return c;
    }

    /** Makes this equal to {@code other}. */
    public void copyFrom(NormalEquations other) {
        if (other.p != p) {
            throw new IllegalArgumentException("dimension " + other.p + " != " + p);
        }
        System.arraycopy(other.packed, 0, packed, 0, packed.length);
        rhoSum = other.rhoSum;
        rows = other.rows;
        weightSum = other.weightSum;
    }

    /** The state as plain numbers, for checkpoints: packed augmented Gram, then rhoSum, rows, weightSum. */
    public double[] toArray() {
        double[] a = Arrays.copyOf(packed, packed.length + 3);
        a[packed.length] = rhoSum;
        a[packed.length + 1] = rows;
        a[packed.length + 2] = weightSum;
        return a;
    }

    /** The dimension p of normal equations whose {@link #toArray()} has {@code length} numbers. */
    public static int dimensionOf(int length) {
        int packed = length - 3;
        int m = (int) Math.round((Math.sqrt(8.0 * packed + 1) - 1) / 2);
        if (packed < 1 || m * (m + 1) / 2 != packed) {
            throw new IllegalArgumentException(length + " numbers are not the sums of any dimension");
        }
        return m - 1;
    }

    /** Inverse of {@link #toArray()}. */
    public static NormalEquations fromArray(int p, double[] a) {
        NormalEquations ne = new NormalEquations(p);
        int len = ne.packed.length;
        if (a.length != len + 3) {
            throw new IllegalArgumentException("normal equations of dimension " + p + " need " + (len + 3)
                    + " numbers, got " + a.length);
        }
        System.arraycopy(a, 0, ne.packed, 0, len);
        ne.rhoSum = a[len];
        ne.rows = (long) a[len + 1];
        ne.weightSum = a[len + 2];
        return ne;
    }

    /** Bitwise equality of all sums (for tests of determinism). */
    public boolean sameBits(NormalEquations o) {
        if (o.p != p || o.rows != rows) {
            return false;
        }
        for (int i = 0; i < packed.length; i++) {
            if (Double.doubleToRawLongBits(packed[i]) != Double.doubleToRawLongBits(o.packed[i])) {
                return false;
            }
        }
        return Double.doubleToRawLongBits(rhoSum) == Double.doubleToRawLongBits(o.rhoSum)
                && Double.doubleToRawLongBits(weightSum) == Double.doubleToRawLongBits(o.weightSum);
    }
}
