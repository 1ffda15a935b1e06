package io.streamlsq.accumulate.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scalar kernel (used when the JVM runs without {@code jdk.incubator.vector}) called directly, against a
 * plain double loop and against the Vector API kernel on the same rows. The kernels sum in different orders,
 * so they agree to rounding, not to the bit.
 */
class GramKernelTest {
    /** Relative to {@code Σ|a_i b_i|}: a few hundred rows summed in any order stay far inside this. */
    private static final double TOLERANCE = 1e-14;

    private static double[][] block(int m, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] cols = new double[GramKernel.paddedColumns(m)][n];
        for (int c = 0; c < m; c++) {
            double scale = Math.pow(10, rnd.nextInt(-3, 4)); // columns of different magnitudes, as Jacobians are
            for (int i = 0; i < n; i++) {
                cols[c][i] = scale * (rnd.nextDouble() * 2 - 1);
            }
        }
        return cols; // columns m.. stay all-zero, as the contract asks
    }

    /** The reference: entry (i, j) as one plain loop, and the bound it is compared with. */
    private static double[][] plain(double[][] cols, int m, int n) {
        double[] sums = new double[m * (m + 1) / 2];
        double[] abs = new double[sums.length];
        for (int i = 0; i < m; i++) {
            for (int j = i; j < m; j++) {
                double s = 0;
                double a = 0;
                for (int b = 0; b < n; b++) {
                    s += cols[i][b] * cols[j][b];
                    a += Math.abs(cols[i][b] * cols[j][b]);
                }
                sums[GramKernel.index(i, j, m)] = s;
                abs[GramKernel.index(i, j, m)] = a;
            }
        }
        return new double[][] {sums, abs};
    }

    private static void assertClose(double[] expected, double[] actual, double[] abs, String what) {
        assertEquals(expected.length, actual.length);
        for (int e = 0; e < expected.length; e++) {
            double err = Math.abs(expected[e] - actual[e]);
            assertTrue(err <= TOLERANCE * abs[e], what + ": packed entry " + e + " is " + actual[e] + ", expected "
                    + expected[e] + " (difference " + err + ", Σ|products| " + abs[e] + ")");
        }
    }

    @ParameterizedTest(name = "m = {0}, rows = {1}")
    @CsvSource({"1, 1", "2, 3", "3, 512", "4, 517", "5, 7", "6, 512", "7, 511", "8, 100", "12, 513", "12, 0"})
    void scalarKernelMatchesAPlainLoop(int m, int n) {
        double[][] cols = block(m, n, 31L * m + n);
        double[][] ref = plain(cols, m, n);
        double[] packed = new double[m * (m + 1) / 2];
        GramKernel.scalarGram(cols, m, n, packed);
        assertClose(ref[0], packed, ref[1], "scalar kernel");
    }

    @ParameterizedTest(name = "m = {0}, rows = {1}")
    @CsvSource({"1, 1", "2, 3", "3, 512", "4, 517", "5, 7", "6, 512", "7, 511", "8, 100", "12, 513"})
    void scalarKernelMatchesTheVectorKernelOnTheSameRows(int m, int n) {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "jdk.incubator.vector is not in the boot layer: no vector kernel to compare with");
        double[][] cols = block(m, n, 17L * m + n);
        double[][] ref = plain(cols, m, n);
        double[] scalar = new double[m * (m + 1) / 2];
        double[] vector = new double[scalar.length];
        GramKernel.scalarGram(cols, m, n, scalar);
        VectorGramKernel.gram(cols, m, n, vector);
        assertClose(scalar, vector, ref[1], "vector against scalar kernel");
    }

    @ParameterizedTest(name = "m = {0}, rows = {1}")
    @CsvSource({"1, 1", "3, 512", "4, 517", "6, 5", "9, 513"})
    void scalarKernelAddsOntoWhatIsThere(int m, int n) {
        double[][] cols = block(m, n, 5L * m + n);
        double[] once = new double[m * (m + 1) / 2];
        GramKernel.scalarGram(cols, m, n, once);
        double[] twice = once.clone();
        GramKernel.scalarGram(cols, m, n, twice);
        for (int e = 0; e < once.length; e++) {
            assertEquals(2 * once[e], twice[e], Math.ulp(2 * once[e]), "packed entry " + e);
        }
    }

    @ParameterizedTest(name = "m = {0}, rows = {1}")
    @CsvSource({"1, 1", "3, 512", "4, 517", "6, 5", "9, 513"})
    void lastColumnAndSumOfSquaresMatchAPlainLoop(int m, int n) {
        double[][] cols = block(m, n, 11L * m + n);
        double[][] ref = plain(cols, m, n);
        double[] packed = new double[m * (m + 1) / 2];
        GramKernel.lastColumn(cols, m, n, packed);
        double[] expected = new double[packed.length];
        double[] abs = new double[packed.length];
        for (int j = 0; j < m; j++) {
            int e = GramKernel.index(j, m - 1, m);
            expected[e] = ref[0][e];
            abs[e] = ref[1][e];
        }
        assertClose(expected, packed, abs, "lastColumn");
        int rr = GramKernel.index(m - 1, m - 1, m);
        double ss = GramKernel.sumOfSquares(cols[m - 1], n);
        assertTrue(Math.abs(ss - ref[0][rr]) <= TOLERANCE * ref[1][rr], "sumOfSquares " + ss + " vs " + ref[0][rr]);
    }
}
