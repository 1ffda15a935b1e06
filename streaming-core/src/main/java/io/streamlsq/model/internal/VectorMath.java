package io.streamlsq.model.internal;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loops behind {@link io.streamlsq.model.ArrayMath}: the same operations as
 * {@code ArrayMath.exp(double)} lane by lane, so the bits agree with the scalar path. Loaded only when
 * the module is present.
 */
public final class VectorMath {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
    private static final double INV_LN2 = 1.4426950408889634;
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double SHIFT = 6755399441055744.0;
    private static final long SHIFT_BITS = Double.doubleToRawLongBits(SHIFT);
    private static final double[] C = {
        1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
        1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5};

    private VectorMath() {
    }

    private static DoubleVector bc(double v) {
        return DoubleVector.broadcast(S, v);
    }

    public static void exp(double[] in, double[] out, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            DoubleVector x = DoubleVector.fromArray(S, in, i);
            // lanes whose 2^k is a normal double; others (and NaN) take the scalar path, same bits
            if (x.compare(VectorOperators.GE, -708.0).and(x.compare(VectorOperators.LE, 709.0)).allTrue()) {
                exp(x).intoArray(out, i);
            } else {
                for (int l = 0; l < S.length(); l++) {
                    out[i + l] = io.streamlsq.model.ArrayMath.exp(in[i + l]);
                }
            }
        }
        for (; i < n; i++) {
            out[i] = io.streamlsq.model.ArrayMath.exp(in[i]);
        }
    }

    /**
     * For −708 ≤ x ≤ 709 only. Uses only operations AVX2 has: k is read from the bits of the rounding
     * shift (no double→long conversion), and 2^k is one left shift.
     */
    private static DoubleVector exp(DoubleVector x) {
        DoubleVector shifted = x.fma(bc(INV_LN2), bc(SHIFT));
        DoubleVector k = shifted.sub(SHIFT);
        DoubleVector negK = k.neg();
        DoubleVector r = negK.fma(bc(LN2_LO), negK.fma(bc(LN2_HI), x));
        DoubleVector p = bc(C[0]);
        for (int j = 1; j < C.length; j++) {
            p = p.fma(r, bc(C[j]));
        }
        p = p.fma(r.mul(r), r).add(1.0);
        LongVector ki = ((LongVector) shifted.reinterpretAsLongs()).sub(SHIFT_BITS);
        DoubleVector scale = ki.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return p.mul(scale);
    }
}
