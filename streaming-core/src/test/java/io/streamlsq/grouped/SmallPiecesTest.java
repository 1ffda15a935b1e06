package io.streamlsq.grouped;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The grouped fit's own small parts: the Jacobi eigensolver and the primitive key map. */
class SmallPiecesTest {

    /** A = V·diag(λ)·Vᵀ and VᵀV = I to rounding, for random symmetric matrices of order 1 to 8, rank-deficient ones too. */
    @Test
    void jacobiReconstructsTheMatrixWithOrthonormalVectors() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + trial % 8;
            int rank = trial % 3 == 0 ? Math.max(1, n - 2) : n;
            double[] b = new double[n * rank];
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextGaussian() * Math.pow(10, r.nextInt(5) - 2);
            }
            double[] a = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < rank; k++) {
                        s += b[i * rank + k] * b[j * rank + k];
                    }
                    a[i * n + j] = s;
                }
            }
            double[] work = a.clone();
            double[] lambda = new double[n];
            double[] v = new double[n * n];
            SymmetricEigen.decompose(work, n, lambda, v);
            double norm = 0;
            for (double x : a) {
                norm = Math.max(norm, Math.abs(x));
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    double o = 0;
                    for (int k = 0; k < n; k++) {
                        s += v[i * n + k] * lambda[k] * v[j * n + k];
                        o += v[k * n + i] * v[k * n + j];
                    }
                    assertEquals(a[i * n + j], s, 1e-13 * n * norm, "trial " + trial + " A[" + i + "][" + j + "]");
                    assertEquals(i == j ? 1 : 0, o, 1e-13 * n, "trial " + trial + " VᵀV[" + i + "][" + j + "]");
                }
            }
            int small = 0;
            for (double l : lambda) {
                small += Math.abs(l) <= 1e-12 * n * norm ? 1 : 0;
            }
            assertTrue(small >= n - rank, "trial " + trial + ": rank " + rank + " of " + n + " needs " + (n - rank)
                    + " zero eigenvalues, found " + small);
        }
    }

    @Test
    void theKeyMapKeepsEveryKeyThroughItsGrowthAndTreatsMinusZeroAsZero() {
        KeyIndex k = new KeyIndex(4);
        for (int i = 0; i < 100_000; i++) {
            assertEquals(-1, k.putIfAbsent(i * 0.5 - 7, i, -1));
        }
        assertEquals(100_000, k.size());
        for (int i = 0; i < 100_000; i++) {
            assertEquals(i, k.get(i * 0.5 - 7, -1));
            assertEquals(i, k.putIfAbsent(i * 0.5 - 7, 42, -1), "a key already there keeps its value");
        }
        assertEquals(-1, k.get(0.25, -1));
        KeyIndex z = new KeyIndex(1);
        z.putIfAbsent(0.0, 3, -1);
        assertEquals(3, z.get(-0.0, -1));
        assertEquals(3, z.putIfAbsent(-0.0, 9, -1));
        assertEquals(-1, z.get(Double.MIN_VALUE, -1));
    }
}
