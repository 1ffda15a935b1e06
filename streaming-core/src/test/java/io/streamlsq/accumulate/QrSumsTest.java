package io.streamlsq.accumulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.junit.jupiter.api.Test;

/** The QR form of the sums: R of [J r] by Householder blocks and merges. */
class QrSumsTest {

    static double[][][] block(int p, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] j = new double[p][n];
        double[][] r = new double[1][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < p; k++) {
                j[k][i] = rng.nextDouble(-2, 2) * Math.pow(10, k - p / 2.0);
            }
            r[0][i] = rng.nextDouble(-1, 1);
        }
        return new double[][][] {j, r};
    }

    static NormalEquations sums(int p, int n, long seed, NormalEquations.Form form) {
        double[][][] b = block(p, n, seed);
        NormalEquations ne = NormalEquations.empty(p, form);
        ne.add(copy(b[0]), b[1][0].clone(), n, n);
        return ne;
    }

    static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Test
    void rTransposeRIsTheGramMatrixAndTheCostIsTheSame() {
        for (int p : new int[] {1, 3, 4, 11, 16}) {
            NormalEquations gram = sums(p, 700, p, NormalEquations.Form.GRAM);
            NormalEquations qr = sums(p, 700, p, NormalEquations.Form.QR);
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    double scale = Math.sqrt(gram.jtj(i, i) * gram.jtj(j, j));
                    assertEquals(gram.jtj(i, j), qr.jtj(i, j), 1e-13 * scale, "JᵀJ(" + i + "," + j + "), p = " + p);
                }
                assertEquals(gram.jtr(i), qr.jtr(i), 1e-13 * Math.sqrt(gram.jtj(i, i) * gram.ssr()));
            }
            assertEquals(gram.ssr(), qr.ssr(), 1e-13 * gram.ssr());
            assertEquals(gram.cost(), qr.cost(), 1e-13 * gram.cost());
            assertEquals(700, qr.rows());
            double[][] r = qr.rMatrix();
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < i; j++) {
                    assertEquals(0, r[i][j], "R is upper triangular");
                }
            }
        }
    }

    @Test
    void theFactorMatchesLapackStyleQrUpToRowSigns() {
        int p = 6;
        int n = 300;
        double[][][] b = block(p, n, 9);
        DMatrixRMaj a = new DMatrixRMaj(n, p + 1);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < p; k++) {
                a.set(i, k, b[0][k][i]);
            }
            a.set(i, p, b[1][0][i]);
        }
        var qr = DecompositionFactory_DDRM.qr(n, p + 1);
        assertTrue(qr.decompose(a.copy()));
        DMatrixRMaj ref = qr.getR(null, true);
        NormalEquations ne = NormalEquations.empty(p, NormalEquations.Form.QR);
        ne.add(copy(b[0]), b[1][0].clone(), n, n);
        double[][] r = ne.rMatrix();
        double[] z = ne.qtr();
        for (int i = 0; i < p; i++) {
            double sign = Math.signum(ref.get(i, i)) * Math.signum(r[i][i]);
            for (int j = i; j < p; j++) {
                assertEquals(ref.get(i, j), sign * r[i][j], 1e-12 * Math.abs(ref.get(j, j)) + 1e-12, "R(" + i + "," + j + ")");
            }
            assertEquals(ref.get(i, p), sign * z[i], 1e-12, "Qᵀr(" + i + ")");
        }
    }

    @Test
    void mergingBlocksGivesTheFactorOfAllRowsAndFixedBitsForAFixedOrder() {
        int p = 5;
        NormalEquations all = NormalEquations.empty(p, NormalEquations.Form.QR);
        NormalEquations again = NormalEquations.empty(p, NormalEquations.Form.QR);
        NormalEquations gram = NormalEquations.empty(p);
        for (int c = 0; c < 20; c++) {
            all.merge(sums(p, 100 + c, c, NormalEquations.Form.QR));
            again.merge(sums(p, 100 + c, c, NormalEquations.Form.QR));
            gram.merge(sums(p, 100 + c, c, NormalEquations.Form.GRAM));
        }
        assertTrue(all.sameBits(again), "the same merges in the same order give the same bits");
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                double scale = Math.sqrt(gram.jtj(i, i) * gram.jtj(j, j));
                assertEquals(gram.jtj(i, j), all.jtj(i, j), 1e-13 * scale);
            }
        }
        NormalEquations copy = NormalEquations.fromArray(p, all.toArray(), NormalEquations.Form.QR);
        assertTrue(copy.sameBits(all), "a checkpoint round trip keeps the bits");
        assertThrows(IllegalArgumentException.class, () -> all.merge(gram), "QR and Gram sums do not mix");
        assertThrows(IllegalStateException.class, gram::rMatrix);
    }

    @Test
    void aRankDeficientBlockAndAnEmptyOneAreHandled() {
        int p = 3;
        double[][] j = new double[p][50];
        double[] r = new double[50];
        for (int i = 0; i < 50; i++) {
            j[0][i] = i;
            j[1][i] = 2 * i; // collinear with column 0
            j[2][i] = 0; // all zero
            r[i] = 1;
        }
        NormalEquations ne = NormalEquations.empty(p, NormalEquations.Form.QR);
        ne.add(j, r, 50, 50);
        assertTrue(ne.isFinite());
        double[][] rm = ne.rMatrix();
        assertEquals(0, rm[2][2], 0, "a zero column leaves a zero pivot");
        assertTrue(Math.abs(rm[1][1]) < 1e-12 * Math.abs(rm[0][0]), "a collinear column leaves a tiny pivot");
        NormalEquations e = NormalEquations.empty(p, NormalEquations.Form.QR);
        NormalEquations before = ne.copy();
        ne.merge(e);
        assertTrue(ne.sameBits(before), "merging nothing changes nothing");
        assertArrayEquals(before.qtr(), ne.qtr());
    }

    @Test
    void format30ArraysWithoutCompensationsAreRead() {
        NormalEquations a = sums(4, 100, 1, NormalEquations.Form.GRAM);
        double[] full = a.toArray();
        int packed = 5 * 6 / 2;
        assertEquals(2 * packed + 5, full.length);
        double[] old = java.util.Arrays.copyOf(full, packed + 3);
        NormalEquations b = NormalEquations.fromArray(4, old);
        assertEquals(a.cost(), b.cost());
        assertEquals(a.jtj(1, 2), b.jtj(1, 2));
        assertThrows(IllegalArgumentException.class, () -> NormalEquations.fromArray(4, new double[17]));
    }
}
