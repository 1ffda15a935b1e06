package io.streamlsq.search.bo;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.chol.CholeskyDecompositionInner_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * A Gaussian process regression conditioned on n points, with a stationary {@link Kernel} on ARD-scaled inputs:
 * <pre>
 *   K = σ_f²·(k(‖(x_i − x_j)/ℓ‖) + jitter·I) + σ_n²·I,   ỹ = (y − mean(y)) / scale,
 *   μ(x) = k*ᵀ K⁻¹ ỹ,   σ²(x) = max(0, σ_f² − k*ᵀ K⁻¹ k*)   (latent f, normalized units)
 * </pre>
 * with {@code scale} the standard deviation of y ({@code normalize}) or 1 (mean only, as hyperoptax does).
 *
 * <p>Hyperparameters are one vector θ of length d + 2: {@code log ℓ_1 … log ℓ_d, log σ_f², log σ_n²}
 * ({@code log σ_n² = −∞} is no noise). The Cholesky factor comes from EJML; when it fails the jitter is multiplied by
 * 10 up to {@link #MAX_JITTER}, and {@link #jitter()} records what was used. After {@link #fit} the process can
 * grow by {@link #append} (a row added to the factor in O(n²), for Kriging Believer hallucinations), up to the
 * capacity given to {@code fit}; the normalization stays that of the fitted rows.
 *
 * <p>Not thread-safe; inputs passed to {@link #fit} are copied.
 */
public final class GaussianProcess {
    /** The largest jitter (relative to σ_f²) tried before conditioning is given up. */
    public static final double MAX_JITTER = 1e-2;

    private final Kernel kernel;
    private final int d;
    private final double[] invLength;
    private final double signal;
    private final double diagonal;
    private final double jitter;
    private final double yMean;
    private final double yScale;
    private final int capacity;
    private final double[] x;
    private final double[] yn;
    private final double[] l;
    /** Lᵀ, row-major (upper): the forward solve then runs as vectorizable row updates instead of dot products. */
    private final double[] lt;
    private double[] scratchV;
    private double[] scratchDk;
    private final double[] beta;
    private double[] alpha;
    private int alphaRows = -1;
    private int n;

    private GaussianProcess(Kernel kernel, int d, double[] theta, double jitter, double yMean, double yScale,
            int capacity) {
        this.kernel = kernel;
        this.d = d;
        this.invLength = new double[d];
        for (int j = 0; j < d; j++) {
            invLength[j] = Math.exp(-theta[j]);
        }
        this.signal = Math.exp(theta[d]);
        this.jitter = jitter;
        this.diagonal = signal * (1 + jitter) + Math.exp(theta[d + 1]);
        this.yMean = yMean;
        this.yScale = yScale;
        this.capacity = capacity;
        this.x = new double[capacity * d];
        this.yn = new double[capacity];
        this.l = new double[capacity * capacity];
        this.lt = new double[capacity * capacity];
        this.beta = new double[capacity];
    }

    /**
     * Conditions a process on the first {@code n} rows of {@code x} (row-major, n × d at least) and {@code y}; rows
     * beyond n are ignored.
     *
     * @param theta hyperparameters (length d + 2, see the class comment)
     * @param normalize divide centred y by its standard deviation (else centre only)
     * @param jitter the first jitter tried, relative to σ_f²
     * @param extraRows room for that many {@link #append}s
     * @return the process, or null when the Cholesky factor fails even at {@link #MAX_JITTER}
     */
    public static GaussianProcess fit(Kernel kernel, double[] theta, double[] x, double[] y, int n, int d,
            boolean normalize, double jitter, int extraRows) {
        double[] ms = meanAndScale(y, n, normalize);
        double mean = ms[0];
        double scale = ms[1];
        for (double jit = jitter; jit <= MAX_JITTER * (1 + 1e-9); jit *= 10) {
            GaussianProcess gp = new GaussianProcess(kernel, d, theta, jit, mean, scale, n + extraRows);
            System.arraycopy(x, 0, gp.x, 0, n * d);
            for (int i = 0; i < n; i++) {
                gp.yn[i] = (y[i] - mean) / scale;
            }
            if (gp.factor(n)) {
                return gp;
            }
        }
        return null;
    }

    /**
     * The normalization of {@link #fit}: {@code {mean, scale}} of the first n values, scale = the standard deviation
     * (population) when {@code normalize} and positive, else 1.
     */
    public static double[] meanAndScale(double[] y, int n, boolean normalize) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += y[i];
        }
        mean = n > 0 ? mean / n : 0;
        double scale = 1;
        if (normalize && n > 1) {
            double ss = 0;
            for (int i = 0; i < n; i++) {
                ss += (y[i] - mean) * (y[i] - mean);
            }
            double sd = Math.sqrt(ss / n);
            scale = sd > 1e-300 && Double.isFinite(sd) ? sd : 1;
        }
        return new double[] {mean, scale};
    }

    private boolean factor(int rows) {
        if (rows == 0) {
            n = 0;
            return true;
        }
        DMatrixRMaj k = new DMatrixRMaj(rows, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < i; j++) {
                double v = signal * kernel.value(distance(x, i * d, x, j * d));
                k.unsafe_set(i, j, v);
                k.unsafe_set(j, i, v);
            }
            k.unsafe_set(i, i, diagonal);
        }
        CholeskyDecomposition_F64<DMatrixRMaj> chol = new CholeskyDecompositionInner_DDRM(true);
        if (!chol.decompose(k)) {
            return false;
        }
        DMatrixRMaj t = chol.getT(null);
        for (int i = 0; i < rows; i++) {
            double lii = t.unsafe_get(i, i);
            if (!(lii > 0) || !Double.isFinite(lii)) {
                return false;
            }
            for (int j = 0; j <= i; j++) {
                l[i * capacity + j] = t.unsafe_get(i, j);
                lt[j * capacity + i] = l[i * capacity + j];
            }
        }
        n = rows;
        for (int i = 0; i < rows; i++) {
            double s = yn[i];
            for (int j = 0; j < i; j++) {
                s -= l[i * capacity + j] * beta[j];
            }
            beta[i] = s / l[i * capacity + i];
        }
        return true;
    }

    /** ‖(a − b)/ℓ‖ for rows starting at offsets ia, ib. */
    private double distance(double[] a, int ia, double[] b, int ib) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double t = (a[ia + j] - b[ib + j]) * invLength[j];
            s += t * t;
        }
        return Math.sqrt(s);
    }

    /**
     * Adds the row (point, normalized value) to the conditioning set, as an observation with the process's noise.
     *
     * @throws IllegalStateException when the capacity given to {@link #fit} is used up
     */
    void append(double[] point, double normalizedValue) {
        if (n == capacity) {
            throw new IllegalStateException("Gaussian process full: " + capacity + " rows");
        }
        int row = n * capacity;
        System.arraycopy(point, 0, x, n * d, d);
        yn[n] = normalizedValue;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double s = signal * kernel.value(distance(point, 0, x, i * d));
            for (int j = 0; j < i; j++) {
                s -= l[i * capacity + j] * l[row + j];
            }
            double v = s / l[i * capacity + i];
            l[row + i] = v;
            lt[i * capacity + n] = v;
            ss += v * v;
        }
        // a hallucinated point on top of a real one leaves a tiny pivot; the jitter's share keeps it positive
        l[row + n] = Math.sqrt(Math.max(diagonal - ss, signal * jitter));
        lt[n * capacity + n] = l[row + n];
        double s = normalizedValue;
        for (int j = 0; j < n; j++) {
            s -= l[row + j] * beta[j];
        }
        beta[n] = s / l[row + n];
        n++;
    }

    /** Rows conditioned on. */
    public int size() {
        return n;
    }

    public int dimensions() {
        return d;
    }

    /** The jitter (relative to σ_f²) the factor needed. */
    public double jitter() {
        return jitter;
    }

    /** σ_f² in normalized units. */
    double signalVariance() {
        return signal;
    }

    /** Normalized value of row i. */
    double normalizedValue(int i) {
        return yn[i];
    }

    /** y in normalized units. */
    double normalize(double y) {
        return (y - yMean) / yScale;
    }

    /** The y mean and scale of the normalization. */
    public double yMean() {
        return yMean;
    }

    public double yScale() {
        return yScale;
    }

    /**
     * The posterior at {@code point}, in y's units: {@code {mean, variance}} of the latent function.
     */
    public double[] predict(double[] point) {
        double[] out = new double[2];
        predictNormalized(point, out, null, null);
        return new double[] {out[0] * yScale + yMean, out[1] * yScale * yScale};
    }

    /**
     * Normalized posterior mean and variance at {@code point} into {@code out[0..1]}; when {@code gradMean} is not
     * null, their gradients with respect to the point into {@code gradMean} and {@code gradVariance}.
     */
    void predictNormalized(double[] point, double[] out, double[] gradMean, double[] gradVariance) {
        if (scratchV == null || scratchV.length < capacity) {
            scratchV = new double[capacity];
            scratchDk = new double[capacity * d];
        }
        double[] v = scratchV;
        double[] dk = gradMean == null ? null : scratchDk;
        for (int i = 0; i < n; i++) {
            double r = distance(point, 0, x, i * d);
            double kv = kernel.value(r);
            v[i] = signal * kv;
            if (dk != null) {
                double sl = signal * kernel.slope(r, kv);
                for (int j = 0; j < d; j++) {
                    dk[i * d + j] = -sl * (point[j] - x[i * d + j]) * invLength[j] * invLength[j];
                }
            }
        }
        forward(v);
        double mean = 0;
        double vv = 0;
        for (int i = 0; i < n; i++) {
            mean += v[i] * beta[i];
            vv += v[i] * v[i];
        }
        out[0] = mean;
        out[1] = Math.max(0, signal - vv);
        if (dk == null) {
            return;
        }
        double[] a = alpha();
        backward(v); // w = L⁻ᵀ L⁻¹ k*
        java.util.Arrays.fill(gradMean, 0);
        java.util.Arrays.fill(gradVariance, 0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                gradMean[j] += a[i] * dk[i * d + j];
                gradVariance[j] -= 2 * v[i] * dk[i * d + j];
            }
        }
    }

    private double[] alpha() {
        if (alphaRows != n) {
            alpha = java.util.Arrays.copyOf(beta, n);
            backward(alpha);
            alphaRows = n;
        }
        return alpha;
    }

    /** v ← L⁻¹ v (first n entries), column by column through the rows of Lᵀ. */
    private void forward(double[] v) {
        for (int j = 0; j < n; j++) {
            int row = j * capacity;
            double t = v[j] / lt[row + j];
            v[j] = t;
            for (int i = j + 1; i < n; i++) {
                v[i] -= lt[row + i] * t;
            }
        }
    }

    /** v ← L⁻ᵀ v. */
    private void backward(double[] v) {
        for (int i = n - 1; i >= 0; i--) {
            double s = v[i] / l[i * capacity + i];
            v[i] = s;
            for (int j = 0; j < i; j++) {
                v[j] -= l[i * capacity + j] * s;
            }
        }
    }

    /**
     * The posterior at m fixed candidate points, kept current as the process grows: {@code V = L⁻¹ K(X, C)} one row
     * per conditioned row, so a row appended to the process costs O(m) per candidate here.
     */
    final class Candidates {
        private static final int BLOCK = 128;
        final int m;
        final double[] points;
        final double[] mean;
        final double[] variance;
        private final double[] v;
        private int rows;

        /** @param points m × d, row-major (not copied; not modified) */
        Candidates(double[] points, int m) {
            this.m = m;
            this.points = points;
            this.mean = new double[m];
            this.variance = new double[m];
            this.v = new double[capacity * m];
            java.util.Arrays.fill(variance, signal);
        }

        /** Brings means and variances up to date with the rows appended since the last call. */
        void update() {
            // candidates in blocks whose rows of V stay in cache while the new rows are eliminated against them; the
            // row being built has its own array (updates of one array at two offsets would not vectorize); every
            // element sees the same operations in the same order as without blocks
            double[] row = new double[BLOCK];
            for (int c0 = 0; c0 < m; c0 += BLOCK) {
                int w = Math.min(BLOCK, m - c0);
                for (int i = rows; i < n; i++) {
                    for (int c = 0; c < w; c++) {
                        row[c] = signal * kernel.value(distance(points, (c0 + c) * d, x, i * d));
                    }
                    for (int j = 0; j < i; j++) {
                        double lij = l[i * capacity + j];
                        int vj = j * m + c0;
                        for (int c = 0; c < w; c++) {
                            row[c] -= lij * v[vj + c];
                        }
                    }
                    double inv = 1 / l[i * capacity + i];
                    double b = beta[i];
                    for (int c = 0; c < w; c++) {
                        double t = row[c] * inv;
                        row[c] = t;
                        mean[c0 + c] += t * b;
                        variance[c0 + c] -= t * t;
                    }
                    System.arraycopy(row, 0, v, i * m + c0, w);
                }
            }
            rows = n;
            for (int c = 0; c < m; c++) {
                if (variance[c] < 0) {
                    variance[c] = 0;
                }
            }
        }
    }

    /**
     * The lower triangle of {@code K⁻¹ = L⁻ᵀL⁻¹} from the Cholesky factor L (row-major n × n, lower), in O(n³/3):
     * L⁻¹ by rows, then the products of its columns accumulated row by row (contiguous inner loops).
     */
    static double[] lowerInverse(double[] l, int n) {
        double[] li = new double[n * n];
        double[] row = new double[n]; // own array: updates of li at two offsets would not vectorize
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            java.util.Arrays.fill(row, 0, i + 1, 0);
            for (int k = 0; k < i; k++) {
                double lik = l[ri + k];
                if (lik != 0) {
                    int rk = k * n;
                    for (int j = 0; j <= k; j++) {
                        row[j] -= lik * li[rk + j];
                    }
                }
            }
            double inv = 1 / l[ri + i];
            for (int j = 0; j < i; j++) {
                li[ri + j] = row[j] * inv;
            }
            li[ri + i] = inv;
        }
        double[] out = new double[n * n];
        for (int k = 0; k < n; k++) {
            int rk = k * n;
            for (int i = 0; i <= k; i++) {
                double lki = li[rk + i];
                if (lki != 0) {
                    int ri = i * n;
                    for (int j = 0; j <= i; j++) {
                        out[ri + j] += lki * li[rk + j];
                    }
                }
            }
        }
        return out;
    }

    /**
     * The negative log marginal likelihood {@code ½ ỹᵀK⁻¹ỹ + ½ log det K + (n/2) log 2π} of normalized values
     * {@code yn} (first n rows) and, when {@code gradient} is not null, its gradient with respect to θ:
     * {@code ½ tr((K⁻¹ − ααᵀ) ∂K/∂θ_j)}, α = K⁻¹ỹ.
     *
     * @return the value, or +∞ when K is not positive definite (gradient then NaN)
     */
    public static double negativeLogLikelihood(Kernel kernel, double[] theta, double[] x, double[] yn, int n, int d,
            double jitter, double[] gradient) {
        double[] invLength = new double[d];
        for (int j = 0; j < d; j++) {
            invLength[j] = Math.exp(-theta[j]);
        }
        double signal = Math.exp(theta[d]);
        double noise = Math.exp(theta[d + 1]);
        DMatrixRMaj k = new DMatrixRMaj(n, n);
        double[] corr = new double[n * n]; // lower: k(r), upper: r
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double s = 0;
                for (int q = 0; q < d; q++) {
                    double t = (x[i * d + q] - x[j * d + q]) * invLength[q];
                    s += t * t;
                }
                double r = Math.sqrt(s);
                double kv = kernel.value(r);
                corr[i * n + j] = kv;
                corr[j * n + i] = r;
                k.unsafe_set(i, j, signal * kv);
                k.unsafe_set(j, i, signal * kv);
            }
            k.unsafe_set(i, i, signal * (1 + jitter) + noise);
        }
        CholeskyDecomposition_F64<DMatrixRMaj> chol = new CholeskyDecompositionInner_DDRM(true);
        if (!chol.decompose(k)) {
            if (gradient != null) {
                java.util.Arrays.fill(gradient, Double.NaN);
            }
            return Double.POSITIVE_INFINITY;
        }
        double[] l = chol.getT(null).data; // lower, row-major n × n
        double logDet = 0;
        double[] a = yn.clone();
        for (int i = 0; i < n; i++) {
            double lii = l[i * n + i];
            logDet += Math.log(lii);
            double s = a[i];
            for (int j = 0; j < i; j++) {
                s -= l[i * n + j] * a[j];
            }
            a[i] = s / lii;
        }
        double fit = 0;
        for (int i = 0; i < n; i++) {
            fit += a[i] * a[i];
        }
        for (int i = n - 1; i >= 0; i--) { // α = L⁻ᵀ (L⁻¹ ỹ)
            double s = a[i] / l[i * n + i];
            a[i] = s;
            for (int j = 0; j < i; j++) {
                a[j] -= l[i * n + j] * s;
            }
        }
        double value = 0.5 * fit + logDet + 0.5 * n * Math.log(2 * Math.PI);
        if (!Double.isFinite(value)) {
            if (gradient != null) {
                java.util.Arrays.fill(gradient, Double.NaN);
            }
            return Double.POSITIVE_INFINITY;
        }
        if (gradient == null) {
            return value;
        }
        double[] inv = lowerInverse(l, n);
        java.util.Arrays.fill(gradient, 0);
        double gSignal = 0;
        double trace = 0;
        for (int i = 0; i < n; i++) {
            double wii = inv[i * n + i] - a[i] * a[i];
            trace += wii;
            gSignal += 0.5 * wii * (1 + jitter);
            for (int j = 0; j < i; j++) {
                double w = inv[i * n + j] - a[i] * a[j]; // W symmetric: the pair (i, j) and (j, i) together
                double kv = corr[i * n + j];
                gSignal += w * kv;
                double sl = w * kernel.slope(corr[j * n + i], kv);
                if (sl != 0) {
                    for (int q = 0; q < d; q++) {
                        double tq = (x[i * d + q] - x[j * d + q]) * invLength[q];
                        gradient[q] += sl * tq * tq;
                    }
                }
            }
        }
        for (int q = 0; q < d; q++) {
            gradient[q] *= signal;
        }
        gradient[d] = signal * gSignal;
        gradient[d + 1] = 0.5 * noise * trace;
        return value;
    }
}
