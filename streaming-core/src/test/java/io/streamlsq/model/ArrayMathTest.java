package io.streamlsq.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.accumulate.internal.GramKernel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArrayMathTest {

    private static double ulps(double got, double want) {
        if (got == want) {
            return 0;
        }
        return Math.abs(got - want) / Math.ulp(want);
    }

    @Test
    void expIsWithinOneUlpOfStrictMathOverTheNormalRange() {
        SplittableRandom rng = new SplittableRandom(7);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double x = rng.nextDouble(-708, 709.7);
            worst = Math.max(worst, ulps(ArrayMath.exp(x), StrictMath.exp(x)));
        }
        for (int i = 0; i < 1_000_000; i++) {
            double x = rng.nextDouble(-1, 1);
            worst = Math.max(worst, ulps(ArrayMath.exp(x), StrictMath.exp(x)));
        }
        assertTrue(worst <= 1.0, "worst error " + worst + " ulp");
    }

    @Test
    void expHandlesTheEdges() {
        assertEquals(1.0, ArrayMath.exp(0.0));
        assertEquals(1.0, ArrayMath.exp(-0.0));
        assertEquals(Double.POSITIVE_INFINITY, ArrayMath.exp(710));
        assertEquals(Double.POSITIVE_INFINITY, ArrayMath.exp(Double.POSITIVE_INFINITY));
        assertEquals(0.0, ArrayMath.exp(-746));
        assertEquals(0.0, ArrayMath.exp(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(ArrayMath.exp(Double.NaN)));
        assertEquals(StrictMath.exp(709.78), ArrayMath.exp(709.78), Math.ulp(StrictMath.exp(709.78)));
        assertTrue(ArrayMath.exp(-744) > 0, "subnormal results survive");
    }

    @Test
    void theArrayVersionGivesTheScalarBitsOnEveryPath() {
        assertTrue(GramKernel.VECTOR, "the build runs tests with --add-modules=jdk.incubator.vector");
        SplittableRandom rng = new SplittableRandom(3);
        int n = 1027;
        double[] in = new double[n];
        for (int i = 0; i < n; i++) {
            in[i] = rng.nextDouble(-800, 800);
        }
        in[5] = Double.NaN;
        in[6] = Double.POSITIVE_INFINITY;
        in[7] = Double.NEGATIVE_INFINITY;
        double[] out = new double[n];
        // many rounds, so that interpreted, C1 and C2 code all run
        for (int round = 0; round < 3000; round++) {
            ArrayMath.exp(in, out, n);
            for (int i = 0; i < n; i++) {
                double want = ArrayMath.exp(in[i]);
                if (Double.doubleToRawLongBits(want) != Double.doubleToRawLongBits(out[i])) {
                    throw new AssertionError("round " + round + " x = " + in[i] + ": " + out[i] + " != " + want);
                }
            }
        }
    }
}
