package io.streamlsq.accumulate.internal;

/**
 * Hand-written kernels for the sums of a block of rows. The augmented block {@code A = [J | r]} is given
 * column by column ({@code cols[c][i]}, row i); sums go into the packed upper triangle of {@code AᵀA}
 * (row-major, {@code index(i, j) = i·m − i(i−1)/2 + (j − i)} for {@code i ≤ j}).
 *
 * <p>Why hand-written: EJML's {@code multAddTransA} on a tall block runs at 3–5× the cost per row of
 * the scalar register-tiled loop, and the Vector API version is 4× faster again (bench module,
 * {@code GramKernelBenchmark}, figures in docs/benchmarks.md). The loop order is fixed, so the result
 * depends only on the block's rows, never on threads.
 */
public final class GramKernel {
    /**
     * Whether the Vector API kernel is used: when {@code jdk.incubator.vector} is in the boot layer and
     * the system property {@code streamlsq.vector} is not {@code false}. Fixed for the life of the JVM, so
     * every pass of a process sums the same way.
     */
    public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("streamlsq.vector"));

    private GramKernel() {
    }

    /** Which kernel this JVM uses, for reports and checkpoints: {@code scalar} or {@code vector(N lanes)}. */
    public static String implementation() {
        return VECTOR ? VectorGramKernel.describe() : "scalar";
    }

    /** Padded column count: the tile loops read columns in groups of four. */
    public static int paddedColumns(int m) {
        return (m + 3) & ~3;
    }

    /** Index of entry (i, j), i ≤ j, in a packed upper triangle of an m×m matrix. */
    public static int index(int i, int j, int m) {
        return i * m - (i * (i - 1)) / 2 + (j - i);
    }

    /**
     * {@code packed += upper(AᵀA)} over rows {@code [0, n)}.
     *
     * @param cols {@code paddedColumns(m)} columns; those from m on must be all-zero arrays of length ≥ n.
     *     Not modified.
     * @param packed packed upper triangle of length m(m+1)/2. Modified.
     */
    public static void gram(double[][] cols, int m, int n, double[] packed) {
        if (VECTOR) {
            VectorGramKernel.gram(cols, m, n, packed);
        } else {
            scalarGram(cols, m, n, packed);
        }
    }

    /** The portable kernel: 2×4 register tiles of scalar products. */
    public static void scalarGram(double[][] cols, int m, int n, double[] packed) {
        for (int i = 0; i < m; i += 2) {
            final double[] u0 = cols[i];
            final double[] u1 = cols[i + 1];
            for (int j = i & ~3; j < m; j += 4) {
                final double[] w0 = cols[j];
                final double[] w1 = cols[j + 1];
                final double[] w2 = cols[j + 2];
                final double[] w3 = cols[j + 3];
                double s00 = 0, s01 = 0, s02 = 0, s03 = 0;
                double s10 = 0, s11 = 0, s12 = 0, s13 = 0;
                for (int b = 0; b < n; b++) {
                    final double x0 = u0[b];
                    final double x1 = u1[b];
                    final double y0 = w0[b];
                    final double y1 = w1[b];
                    final double y2 = w2[b];
                    final double y3 = w3[b];
                    s00 += x0 * y0;
                    s01 += x0 * y1;
                    s02 += x0 * y2;
                    s03 += x0 * y3;
                    s10 += x1 * y0;
                    s11 += x1 * y1;
                    s12 += x1 * y2;
                    s13 += x1 * y3;
                }
                store(packed, m, i, j, s00, s01, s02, s03);
                store(packed, m, i + 1, j, s10, s11, s12, s13);
            }
        }
    }

    static void store(double[] packed, int m, int row, int j, double a, double b, double c, double d) {
        if (row >= m) {
            return;
        }
        add(packed, m, row, j, a);
        add(packed, m, row, j + 1, b);
        add(packed, m, row, j + 2, c);
        add(packed, m, row, j + 3, d);
    }

    private static void add(double[] packed, int m, int row, int col, double v) {
        if (col >= row && col < m) {
            packed[index(row, col, m)] += v;
        }
    }

    /**
     * Only the last column of {@code AᵀA}: {@code Jᵀr} and {@code rᵀr}, where r = {@code cols[m−1]}.
     * Same contract as {@link #gram}.
     */
    public static void lastColumn(double[][] cols, int m, int n, double[] packed) {
        final double[] r = cols[m - 1];
        for (int j = 0; j < m; j += 4) {
            final double[] w0 = cols[j];
            final double[] w1 = cols[j + 1];
            final double[] w2 = cols[j + 2];
            final double[] w3 = cols[j + 3];
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int b = 0; b < n; b++) {
                final double rb = r[b];
                s0 += w0[b] * rb;
                s1 += w1[b] * rb;
                s2 += w2[b] * rb;
                s3 += w3[b] * rb;
            }
            packed[index(j, m - 1, m)] += s0;
            if (j + 1 < m) {
                packed[index(j + 1, m - 1, m)] += s1;
            }
            if (j + 2 < m) {
                packed[index(j + 2, m - 1, m)] += s2;
            }
            if (j + 3 < m) {
                packed[index(j + 3, m - 1, m)] += s3;
            }
        }
    }

    /** {@code Σ r_i²} over {@code [0, n)} with four interleaved partial sums. */
    public static double sumOfSquares(double[] r, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int b = 0;
        for (; b + 3 < n; b += 4) {
            s0 += r[b] * r[b];
            s1 += r[b + 1] * r[b + 1];
            s2 += r[b + 2] * r[b + 2];
            s3 += r[b + 3] * r[b + 3];
        }
        for (; b < n; b++) {
            s0 += r[b] * r[b];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
