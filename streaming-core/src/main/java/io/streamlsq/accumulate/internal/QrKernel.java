package io.streamlsq.accumulate.internal;

/**
 * Householder updates of a triangular factor: {@code R ← triu(qr([R; B]))}, where R is the m×m upper
 * triangle of the QR factorization of the rows seen so far (packed row-major as in {@link GramKernel#index})
 * and B a block of n new rows given by columns ({@code cols[c][i]}, row i). Never forms {@code BᵀB}, so the
 * condition number of the rows is not squared: R carries the digits the normal equations lose.
 *
 * <p>One reflection per column k, as LAPACK's {@code dlarfg}/{@code dlarf}, restricted to the nonzeros: row k
 * of R and the n rows of B. The loop order is fixed and the dot products use four interleaved partial sums in
 * a fixed order, so the result depends only on R and B (never on threads or the machine's vector width).
 * About {@code 2·n·m²} flops per block, against {@code n·m²} for the Gram kernel.
 */
public final class QrKernel {
    private QrKernel() {
    }

    /**
     * Folds the n rows of B into R.
     *
     * @param packed R, packed upper triangle of length m(m+1)/2. Modified.
     * @param m columns
     * @param cols at least m columns of length ≥ n; columns 0..m−1 are overwritten (scratch)
     * @param n rows of B
     */
    public static void absorb(double[] packed, int m, double[][] cols, int n) {
        for (int k = 0; k < m; k++) {
            final double[] x = cols[k];
            final double sigma = sumOfSquares(x, n);
            final int kk = GramKernel.index(k, k, m);
            final double alpha = packed[kk];
            if (sigma == 0) {
                continue; // B has nothing in this column: the reflection is the identity
            }
            final double norm = Math.sqrt(alpha * alpha + sigma);
            final double beta = alpha >= 0 ? -norm : norm;
            final double v0 = alpha - beta; // |α| + ‖(α, x)‖: no cancellation
            final double tau = (beta - alpha) / beta;
            final double inv = 1.0 / v0;
            for (int i = 0; i < n; i++) {
                x[i] *= inv; // v = (1, x/v0)
            }
            for (int j = k + 1; j < m; j++) {
                final double[] y = cols[j];
                final int kj = kk + (j - k);
                final double w = packed[kj] + dot(x, y, n);
                final double tw = tau * w;
                packed[kj] -= tw;
                for (int i = 0; i < n; i++) {
                    y[i] -= tw * x[i];
                }
            }
            packed[kk] = beta;
        }
    }

    /**
     * Folds the triangle {@code other} (same layout) into {@code packed}: the R of the rows behind both.
     *
     * @param scratch m arrays of length ≥ m (overwritten)
     */
    public static void merge(double[] packed, double[] other, int m, double[][] scratch) {
        for (int c = 0; c < m; c++) {
            final double[] col = scratch[c];
            for (int i = 0; i < m; i++) {
                col[i] = i <= c ? other[GramKernel.index(i, c, m)] : 0.0;
            }
        }
        absorb(packed, m, scratch, m);
    }

    /** {@code Σ x_i y_i} over {@code [0, n)} with four interleaved partial sums. */
    static double dot(double[] x, double[] y, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[i] * y[i];
            s1 += x[i + 1] * y[i + 1];
            s2 += x[i + 2] * y[i + 2];
            s3 += x[i + 3] * y[i + 3];
        }
        for (; i < n; i++) {
            s0 += x[i] * y[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static double sumOfSquares(double[] x, int n) {
        return GramKernel.sumOfSquares(x, n);
    }
}
