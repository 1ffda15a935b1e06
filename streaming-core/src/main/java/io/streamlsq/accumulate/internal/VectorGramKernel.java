package io.streamlsq.accumulate.internal;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GramKernel#gram} with the JDK's Vector API: the same 2×4 tiles, each entry summed in vector
 * lanes, the lanes reduced once per block in a fixed order. Loaded only when the
 * {@code jdk.incubator.vector} module is in the boot layer ({@code --add-modules jdk.incubator.vector}).
 * Deterministic: only correctly rounded operations (fma, add) in a fixed order, so interpreted, C1 and C2
 * code give the same bits.
 */
final class VectorGramKernel {
    /** Four lanes on every CPU, so the summation order (and the bits) do not depend on the machine. */
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

    private VectorGramKernel() {
    }

    static String describe() {
        return "vector(" + S.length() + " lanes)";
    }

    /**
     * The lanes in a fixed order: {@code reduceLanes} leaves the order to the implementation, and the
     * interpreted and compiled code would then disagree in the last bits.
     */
    private static double sum(DoubleVector v) {
        return (v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3));
    }

    static void gram(double[][] cols, int m, int n, double[] packed) {
        final int bound = S.loopBound(n);
        for (int i = 0; i < m; i += 2) {
            final double[] u0 = cols[i];
            final double[] u1 = cols[i + 1];
            for (int j = i & ~3; j < m; j += 4) {
                final double[] w0 = cols[j];
                final double[] w1 = cols[j + 1];
                final double[] w2 = cols[j + 2];
                final double[] w3 = cols[j + 3];
                DoubleVector a00 = DoubleVector.zero(S);
                DoubleVector a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                int b = 0;
                for (; b < bound; b += S.length()) {
                    DoubleVector x0 = DoubleVector.fromArray(S, u0, b);
                    DoubleVector x1 = DoubleVector.fromArray(S, u1, b);
                    DoubleVector y0 = DoubleVector.fromArray(S, w0, b);
                    DoubleVector y1 = DoubleVector.fromArray(S, w1, b);
                    DoubleVector y2 = DoubleVector.fromArray(S, w2, b);
                    DoubleVector y3 = DoubleVector.fromArray(S, w3, b);
                    a00 = x0.fma(y0, a00);
                    a01 = x0.fma(y1, a01);
                    a02 = x0.fma(y2, a02);
                    a03 = x0.fma(y3, a03);
                    a10 = x1.fma(y0, a10);
                    a11 = x1.fma(y1, a11);
                    a12 = x1.fma(y2, a12);
                    a13 = x1.fma(y3, a13);
                }
                double s00 = sum(a00), s01 = sum(a01), s02 = sum(a02), s03 = sum(a03);
                double s10 = sum(a10), s11 = sum(a11), s12 = sum(a12), s13 = sum(a13);
                for (; b < n; b++) {
                    final double x0 = u0[b];
                    final double x1 = u1[b];
                    s00 += x0 * w0[b];
                    s01 += x0 * w1[b];
                    s02 += x0 * w2[b];
                    s03 += x0 * w3[b];
                    s10 += x1 * w0[b];
                    s11 += x1 * w1[b];
                    s12 += x1 * w2[b];
                    s13 += x1 * w3[b];
                }
                GramKernel.store(packed, m, i, j, s00, s01, s02, s03);
                GramKernel.store(packed, m, i + 1, j, s10, s11, s12, s13);
            }
        }
    }
}
