package io.streamlsq.accumulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NormalEquationsTest {

    private static NormalEquations random(int p, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] j = new double[p][n];
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < p; k++) {
                j[k][i] = rng.nextDouble(-2, 2);
            }
            r[i] = rng.nextDouble(-1, 1);
        }
        NormalEquations ne = NormalEquations.empty(p);
        ne.add(j, r, n, n);
        return ne;
    }

    @Test
    void mergingWithEmptyIsTheIdentityOnEverySide() {
        for (int p : new int[] {1, 2, 3, 4, 5, 7, 11, 16}) {
            NormalEquations a = random(p, 333, p);
            NormalEquations left = NormalEquations.empty(p);
            left.merge(a);
            NormalEquations right = a.copy();
            right.merge(NormalEquations.empty(p));
            assertTrue(left.sameBits(a), "empty + a == a for p = " + p);
            assertTrue(right.sameBits(a), "a + empty == a for p = " + p);
        }
    }

    @Test
    void sumsMatchANaiveComputationForEveryDimension() {
        for (int p : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 11, 13}) {
            int n = 777;
            SplittableRandom rng = new SplittableRandom(42 + p);
            double[][] j = new double[p][n];
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < p; k++) {
                    j[k][i] = rng.nextDouble(-2, 2);
                }
                r[i] = rng.nextDouble(-1, 1);
            }
            NormalEquations ne = NormalEquations.empty(p);
            ne.add(j, r, n, n);
            double ssr = 0;
            for (int i = 0; i < n; i++) {
                ssr += r[i] * r[i];
            }
            assertEquals(ssr, ne.ssr(), 1e-12 * ssr);
            assertEquals(0.5 * ssr, ne.cost(), 1e-12 * ssr);
            for (int a = 0; a < p; a++) {
                double g = 0;
                for (int i = 0; i < n; i++) {
                    g += j[a][i] * r[i];
                }
                assertEquals(g, ne.jtr(a), 1e-11 * n, "jtr " + a);
                for (int b = 0; b < p; b++) {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += j[a][i] * j[b][i];
                    }
                    assertEquals(s, ne.jtj(a, b), 1e-11 * n, "jtj " + a + "," + b + " p=" + p);
                }
            }
            assertEquals(n, ne.rows());
        }
    }

    @Test
    void roundTripsThroughPlainNumbers() {
        NormalEquations a = random(5, 100, 9);
        NormalEquations b = NormalEquations.fromArray(5, a.toArray());
        assertTrue(a.sameBits(b));
        assertArrayEquals(a.jtrVector(), b.jtrVector());
    }

    @Test
    void refusesToMergeAnotherDimension() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NormalEquations.empty(3).merge(NormalEquations.empty(4)));
        assertTrue(e.getMessage().contains("4") && e.getMessage().contains("3"), e.getMessage());
    }
}
