package io.streamlsq.model;

import io.streamlsq.accumulate.internal.GramKernel;

/**
 * Elementary functions over arrays, for models that evaluate a block at a time, with results that are
 * the same bits on every path: {@link #exp(double)} is built from correctly rounded operations only
 * (Cody-Waite reduction, a degree-13 polynomial by fma, exact scaling by powers of two), and the array
 * version runs the same operations on the Vector API when the {@code jdk.incubator.vector} module is
 * present (the {@code lsq} launcher adds it). Neither {@code Math.exp} (its intrinsic may differ from the
 * SIMD one) nor the Vector API's own {@code EXP} (its SVML intrinsic differs from its fallback) gives that
 * guarantee. Accuracy: within 1 ulp of the exact value over the double range (tested against
 * {@code StrictMath.exp}); subnormal results may lose more.
 */
public final class ArrayMath {
    static final double INV_LN2 = 1.4426950408889634;
    static final double LN2_HI = 6.93147180369123816490e-01;
    static final double LN2_LO = 1.90821492927058770002e-10;
    /** 1.5·2⁵²: adding and subtracting it rounds to the nearest integer. */
    static final double SHIFT = 6755399441055744.0;
    static final double OVERFLOW = 709.782712893384;
    static final double UNDERFLOW = -745.1332191019412;
    /** 1/k! for k = 13 … 2. */
    static final double[] C = {
        1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
        1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5};

    private ArrayMath() {
    }

    /** {@code out[i] = exp(in[i])} for {@code 0 <= i < n}; {@code in} and {@code out} may be the same array. */
    public static void exp(double[] in, double[] out, int n) {
        if (GramKernel.VECTOR) {
            io.streamlsq.model.internal.VectorMath.exp(in, out, n);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = exp(in[i]);
            }
        }
    }

    /** e^x, the same bits as {@link #exp(double[], double[], int)}. */
    public static double exp(double x) {
        if (!(x < OVERFLOW)) {
            return x != x ? x : Double.POSITIVE_INFINITY;
        }
        if (x < UNDERFLOW) {
            return 0.0;
        }
        double k = Math.fma(x, INV_LN2, SHIFT) - SHIFT;
        double r = Math.fma(-k, LN2_LO, Math.fma(-k, LN2_HI, x));
        double p = C[0];
        for (int i = 1; i < C.length; i++) {
            p = Math.fma(p, r, C[i]);
        }
        p = Math.fma(p, r * r, r) + 1.0;
        long ki = (long) k;
        long k1 = ki >> 1;
        long k2 = ki - k1;
        return p * Double.longBitsToDouble((k1 + 1023) << 52) * Double.longBitsToDouble((k2 + 1023) << 52);
    }
}
