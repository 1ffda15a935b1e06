package io.streamlsq.accumulate;

import io.streamlsq.accumulate.internal.GramKernel;
import io.streamlsq.accumulate.internal.QrKernel;
import java.util.Arrays;

/**
 * The sums one pass accumulates for p parameters, in one of two {@linkplain Form forms}: {@code JᵀJ} and
 * {@code Jᵀr} as the packed upper triangle of the augmented Gram matrix {@code [J r]ᵀ[J r]} (the fast path),
 * or the triangular factor R of {@code [J r]} (the QR path, which keeps the digits the Gram matrix loses to
 * the squared condition number). Either way also {@code Σ ρ(w r²)} (the cost is half of it), the row count
 * and the weight sum {@code Σ w}. J and r here are the weighted, loss-corrected Jacobian and residuals
 * ({@code r = f(x; θ) − y}).
 *
 * <p>Merging in a fixed order gives fixed bits. Gram sums merge by compensated (Neumaier) addition per entry,
 * so a pass over 10¹⁰ rows in 10⁵ chunks loses no more to the merge than one addition does; R factors merge
 * by Householder reflections of the stacked triangles. Not thread-safe.
 */
public final class NormalEquations {
    /** What the packed triangle holds. */
    public enum Form {
        /** The upper triangle of {@code [J r]ᵀ[J r]}. */
        GRAM,
        /** The upper triangle R of a QR factorization of {@code [J r]}: {@code RᵀR = [J r]ᵀ[J r]}. */
        QR;

        /** {@code normal} or {@code qr}: the solver name of reports, result JSON and checkpoints. */
        public String solverName() {
            return this == GRAM ? "normal" : "qr";
        }

        /** Inverse of {@link #solverName()}. */
        public static Form ofSolverName(String name) {
            return switch (name) {
                case "normal" -> GRAM;
                case "qr" -> QR;
                default -> throw new IllegalArgumentException("solver '" + name + "' is not one of normal, qr");
            };
        }
    }

    private final int p;
    private final int m;
    private final Form form;
    private final double[] packed;
    /** Neumaier compensation of each packed entry (GRAM merges); the value is {@code packed + comp}. */
    private final double[] comp;
    private double rhoSum;
    private double rhoComp;
    private long rows;
    private double weightSum;
    private double weightComp;
    private final double[][] addScratch;
    private double[][] mergeScratch;
    /** The halo of the curvature/smoothness rows, or null when the fit has none. */
    private ResidualSeries series;
    /** Whether the sums keep the row with the largest ρ (the warmup's max-residual term) and its gradient. */
    private boolean trackLargest;
    private double largestRho = Double.NEGATIVE_INFINITY;
    private long largestRow = -1;
    private double[] largestGrad;
    private double[] seriesZeros;

    private NormalEquations(int p, Form form) {
        if (p < 0) {
            throw new IllegalArgumentException("dimension = " + p + " must be >= 0");
        }
        this.p = p;
        this.m = p + 1;
        this.form = form;
        this.packed = new double[m * (m + 1) / 2];
        this.comp = new double[packed.length];
        this.addScratch = new double[GramKernel.paddedColumns(m)][];
    }

    /** All-zero Gram sums for {@code p} parameters: the identity of {@link #merge}. */
    public static NormalEquations empty(int p) {
        return new NormalEquations(p, Form.GRAM);
    }

    /** All-zero sums of the given form for {@code p} parameters. */
    public static NormalEquations empty(int p, Form form) {
        return new NormalEquations(p, form);
    }

    /** All-zero sums of this dimension and form (and residual-series weights). */
    public NormalEquations emptyLike() {
        NormalEquations e = new NormalEquations(p, form);
        if (series != null) {
            e.series = series.emptyLike();
        }
        if (trackLargest) {
            e.trackingLargestRow();
        }
        return e;
    }

    /** Number of parameters p. */
    public int dimension() {
        return p;
    }

    /** What the sums hold. */
    public Form form() {
        return form;
    }

    /** Sets every sum back to zero. */
    public void reset() {
        Arrays.fill(packed, 0.0);
        Arrays.fill(comp, 0.0);
        rhoSum = 0;
        rhoComp = 0;
        rows = 0;
        weightSum = 0;
        weightComp = 0;
        if (series != null) {
            series.reset();
        }
        largestRho = Double.NEGATIVE_INFINITY;
        largestRow = -1;
    }

    /**
     * Makes these sums (and those made {@linkplain #emptyLike() like them}) keep the row with the largest loss value
     * ρ_i and the gradient of that ρ_i, for sheap's max-residual term; merges keep the larger, the earlier on a tie.
     * Not carried by {@link #toArray()}: for passes that are not checkpointed half done (the warmup's sample passes).
     *
     * @return this
     */
    public NormalEquations trackingLargestRow() {
        trackLargest = true;
        largestGrad = new double[p];
        return this;
    }

    /** Whether these sums keep the largest row. */
    public boolean tracksLargestRow() {
        return trackLargest;
    }

    /** The largest ρ_i of the rows summed ({@code −∞} before any row). */
    public double largestRho() {
        return largestRho;
    }

    /** The row (as its chunk gave it) of {@link #largestRho()}, −1 before any row. */
    public long largestRow() {
        return largestRow;
    }

    /** ∇θ ρ_i at the largest row, over the p summed parameters (a new array). */
    public double[] largestGradient() {
        return largestGrad == null ? new double[p] : largestGrad.clone();
    }

    /** Offers a row: kept when its ρ is larger than the largest so far. */
    void offerLargest(double rho, long row, double[] gradient) {
        if (trackLargest && rho > largestRho) {
            largestRho = rho;
            largestRow = row;
            System.arraycopy(gradient, 0, largestGrad, 0, p);
        }
    }

    /** {@code this += other}: the sums of the rows behind both (the order of merges fixes the bits). */
    public void merge(NormalEquations other) {
        if (other.p != p || other.form != form) {
            throw new IllegalArgumentException("cannot merge " + other.form + " sums of dimension " + other.p + " into "
                    + form + " sums of dimension " + p);
        }
        if (form == Form.GRAM) {
            final double[] o = other.packed;
            final double[] oc = other.comp;
            for (int i = 0; i < packed.length; i++) {
                double v = o[i] + oc[i];
                double s = packed[i];
                double t = s + v;
                comp[i] += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
                packed[i] = t;
            }
        } else if (other.rows > 0) {
            if (mergeScratch == null) {
                mergeScratch = new double[m][m];
            }
            QrKernel.merge(packed, other.packed, m, mergeScratch);
        }
        double v = other.rhoSum + other.rhoComp;
        double t = rhoSum + v;
        rhoComp += Math.abs(rhoSum) >= Math.abs(v) ? (rhoSum - t) + v : (v - t) + rhoSum;
        rhoSum = t;
        v = other.weightSum + other.weightComp;
        t = weightSum + v;
        weightComp += Math.abs(weightSum) >= Math.abs(v) ? (weightSum - t) + v : (v - t) + weightSum;
        weightSum = t;
        rows += other.rows;
        if (other.trackLargest && other.largestRow >= 0) {
            if (!trackLargest) {
                trackingLargestRow();
            }
            offerLargest(other.largestRho, other.largestRow, other.largestGrad);
        }
        if (other.series != null) {
            if (series == null) {
                series = other.series.emptyLike();
            }
            series.append(other.series, this);
        }
    }

    /**
     * The residual-series state of these sums for the curvature and smoothness rows, made on first use with the given
     * weights (the chunk evaluator's), or null for {@code curvature = smoothness = 0}.
     */
    ResidualSeries series(double curvature, double smoothness) {
        if (series == null && (curvature != 0 || smoothness != 0)) {
            series = ResidualSeries.of(p, curvature, smoothness);
        }
        return series;
    }

    /** Whether these sums carry a residual series (curvature or smoothness rows) not yet {@linkplain #finishSeries() finished}. */
    public boolean hasOpenSeries() {
        return series != null && series.rows() > 0;
    }

    /**
     * After the last chunk of a pass: adds the curvature and smoothness rows of the series' first and last two
     * positions (numpy.gradient's end stencils); nothing when there is no series.
     *
     * @throws IllegalArgumentException if the series has fewer than 2 rows
     */
    public void finishSeries() {
        if (series != null) {
            series.finish(this);
        }
    }

    /**
     * The halo of the residual series as numbers (checkpoints' partial sums, Spark's chunk outcomes), or null when
     * there is none; {@link #withSeries} reads it back.
     */
    public double[] seriesToArray() {
        return series == null ? null : series.toArray();
    }

    /**
     * Sets the residual-series halo of these sums from {@link #seriesToArray()}'s numbers, for the given weights;
     * {@code a == null} leaves none.
     *
     * @return this
     */
    public NormalEquations withSeries(double[] a, double curvature, double smoothness) {
        if (a != null) {
            series(curvature, smoothness).readArray(a);
        }
        return this;
    }

    /**
     * Adds curvature/smoothness rows (weight 1, linear loss, not counted as data rows): with {@code gradientOnly} (a
     * GRADIENT pass) to Jᵀr and Σr² alone, as such a pass adds its data rows.
     */
    void addSeriesRows(double[][] jacobian, double[] residuals, int n, boolean withJacobian, boolean gradientOnly) {
        double ss = GramKernel.sumOfSquares(residuals, n);
        if (!withJacobian) {
            if (form == Form.GRAM) {
                packed[packed.length - 1] += ss;
            }
            addRho(ss);
            return;
        }
        if (seriesZeros == null || seriesZeros.length < residuals.length) {
            seriesZeros = new double[residuals.length];
        }
        for (int c = 0; c < addScratch.length; c++) {
            addScratch[c] = c < p ? jacobian[c] : c == p ? residuals : seriesZeros;
        }
        if (form == Form.GRAM && gradientOnly) {
            GramKernel.lastColumn(addScratch, m, n, packed);
        } else if (form == Form.GRAM) {
            GramKernel.gram(addScratch, m, n, packed);
        } else {
            QrKernel.absorb(packed, m, addScratch, n);
        }
        addRho(ss);
        Arrays.fill(addScratch, null);
    }

    /**
     * Adds a block of {@code n} rows with linear loss and given row weights already applied: J given by
     * columns ({@code jacobian[k][i]}), residuals {@code r[i]}. Rows count n, weights add {@code weights}.
     * On QR sums the columns are overwritten.
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
        if (form == Form.GRAM) {
            double before = ssr();
            GramKernel.gram(addScratch, m, n, packed);
            addRho(ssr() - before);
        } else {
            addRho(GramKernel.sumOfSquares(residuals, n));
            QrKernel.absorb(packed, m, addScratch, n);
        }
        addRows(n, weights);
        Arrays.fill(addScratch, null);
    }

    /** Raw packed storage, for kernels in this package. Modified by callers. */
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

    private double at(int i, int j) {
        int k = GramKernel.index(i, j, m);
        return packed[k] + comp[k];
    }

    /** Entry (i, j), i ≤ j, of {@code [J r]ᵀ[J r]} (from R on QR sums). */
    private double gramAt(int i, int j) {
        if (form == Form.GRAM) {
            return at(i, j);
        }
        double s = 0;
        for (int k = 0; k <= i; k++) {
            s += packed[GramKernel.index(k, i, m)] * packed[GramKernel.index(k, j, m)];
        }
        return s;
    }

    /** Entry (i, j) of JᵀJ. */
    public double jtj(int i, int j) {
        return i <= j ? gramAt(i, j) : gramAt(j, i);
    }

    /** Entry i of Jᵀr (the gradient of the cost). */
    public double jtr(int i) {
        return gramAt(i, p);
    }

    /** {@code Σ w r²} over the accumulated rows. */
    public double ssr() {
        return gramAt(p, p);
    }

    /** {@code ½ Σ ρ(w r²)}; equals ½ ssr for the linear loss (up to rounding). */
    public double cost() {
        return 0.5 * (rhoSum + rhoComp);
    }

    /** Number of accumulated rows. */
    public long rows() {
        return rows;
    }

    /** {@code Σ w} (the row count when there are no weights). */
    public double weightSum() {
        return weightSum + weightComp;
    }

    /** JᵀJ as a full p×p array (a new array). */
    public double[][] jtjMatrix() {
        double[][] a = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                a[i][j] = a[j][i] = gramAt(i, j);
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

    /**
     * The p×p upper-triangular factor R of J ({@code RᵀR = JᵀJ}), a new array; QR sums only.
     *
     * @throws IllegalStateException on Gram sums
     */
    public double[][] rMatrix() {
        requireQr();
        double[][] r = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                r[i][j] = packed[GramKernel.index(i, j, m)];
            }
        }
        return r;
    }

    /** {@code Qᵀr}: the first p entries of the last column of the factor of [J r] ({@code Jᵀr = Rᵀ·Qᵀr}); QR sums only. */
    public double[] qtr() {
        requireQr();
        double[] z = new double[p];
        for (int i = 0; i < p; i++) {
            z[i] = packed[GramKernel.index(i, p, m)];
        }
        return z;
    }

    private void requireQr() {
        if (form != Form.QR) {
            throw new IllegalStateException("these sums are " + form + ", not QR: they hold no triangular factor");
        }
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
        NormalEquations c = new NormalEquations(p, form);
        c.copyFrom(this);
        return c;
    }

    /** Makes this equal to {@code other}. */
    public void copyFrom(NormalEquations other) {
        if (other.p != p || other.form != form) {
            throw new IllegalArgumentException(other.form + " sums of dimension " + other.p + " do not fit " + form
                    + " sums of dimension " + p);
        }
        System.arraycopy(other.packed, 0, packed, 0, packed.length);
        System.arraycopy(other.comp, 0, comp, 0, comp.length);
        rhoSum = other.rhoSum;
        rhoComp = other.rhoComp;
        rows = other.rows;
        weightSum = other.weightSum;
        weightComp = other.weightComp;
        if (other.series != null) {
            if (series == null) {
                series = other.series.emptyLike();
            }
            series.copyFrom(other.series);
        } else if (series != null) {
            series.reset();
        }
        if (other.trackLargest) {
            if (!trackLargest) {
                trackingLargestRow();
            }
            largestRho = other.largestRho;
            largestRow = other.largestRow;
            System.arraycopy(other.largestGrad, 0, largestGrad, 0, p);
        }
    }

    /**
     * The state as plain numbers, for checkpoints (the form is stored beside them): the packed triangle (P numbers),
     * then rhoSum, rows, weightSum, then the P compensations of the packed entries, the compensation of rhoSum and of
     * weightSum — {@code 2P + 5} numbers. Checkpoints of format 3.0 hold the first {@code P + 3} (no compensations);
     * {@link #fromArray} reads both.
     */
    public double[] toArray() {
        int len = packed.length;
        double[] a = Arrays.copyOf(packed, 2 * len + 5);
        a[len] = rhoSum;
        a[len + 1] = rows;
        a[len + 2] = weightSum;
        System.arraycopy(comp, 0, a, len + 3, len);
        a[2 * len + 3] = rhoComp;
        a[2 * len + 4] = weightComp;
        return a;
    }

    /**
     * The dimension p of sums whose {@link #toArray()} has {@code length} numbers ({@code 2P + 5}, P = (p+1)(p+2)/2);
     * failing that, of the {@code P + 3} numbers of format 3.0.
     */
    public static int dimensionOf(int length) {
        int p = fromPacked((length - 5) / 2);
        if (p >= 0 && (length - 5) % 2 == 0) {
            return p;
        }
        p = fromPacked(length - 3);
        if (p >= 0) {
            return p;
        }
        throw new IllegalArgumentException(length + " numbers are not the sums of any dimension");
    }

    private static int fromPacked(int packed) {
        int m = (int) Math.round((Math.sqrt(8.0 * packed + 1) - 1) / 2);
        return packed >= 1 && m * (m + 1) / 2 == packed ? m - 1 : -1;
    }

    /** Inverse of {@link #toArray()} for Gram sums. */
    public static NormalEquations fromArray(int p, double[] a) {
        return fromArray(p, a, Form.GRAM);
    }

    /** Inverse of {@link #toArray()}; also reads the {@code P + 3} numbers of format 3.0 (no compensations). */
    public static NormalEquations fromArray(int p, double[] a, Form form) {
        NormalEquations ne = new NormalEquations(p, form);
        int len = ne.packed.length;
        if (a.length != len + 3 && a.length != 2 * len + 5) {
            throw new IllegalArgumentException("sums of dimension " + p + " need " + (2 * len + 5) + " numbers (or "
                    + (len + 3) + " in format 3.0), got " + a.length);
        }
        System.arraycopy(a, 0, ne.packed, 0, len);
        ne.rhoSum = a[len];
        ne.rows = (long) a[len + 1];
        ne.weightSum = a[len + 2];
        if (a.length == 2 * len + 5) {
            System.arraycopy(a, len + 3, ne.comp, 0, len);
            ne.rhoComp = a[2 * len + 3];
            ne.weightComp = a[2 * len + 4];
        }
        return ne;
    }

    /** Bitwise equality of all sums (for tests of determinism). */
    public boolean sameBits(NormalEquations o) {
        if (o.p != p || o.form != form || o.rows != rows) {
            return false;
        }
        return Arrays.equals(toArray(), o.toArray()) && Arrays.equals(seriesToArray(), o.seriesToArray());
    }
}
