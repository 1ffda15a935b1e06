package io.streamlsq.search.lib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

import io.streamlsq.search.SearchState;

/** T4.6: the LCB selector's numbers (T = 0, exploration = 1, constant scores). */
class LcbSelectorTest {

    private static int[] picks(double[] scores, int n, boolean pending) {
        LcbSelector s = new LcbSelector(scores.length, 1.0, 0.0, pending, 3);
        int[] count = new int[scores.length];
        for (int i = 0; i < n; i++) {
            int o = s.ask();
            count[o]++;
            s.tell(o, scores[o]);
        }
        return count;
    }

    @Test
    void twoOptionsOneAndTwo() {
        assertArrayEquals(new int[] {94, 6}, picks(new double[] {1.0, 2.0}, 100, false));
        LcbSelector s = new LcbSelector(2, 1.0, 0.0, false, 3);
        int[] first = new int[7];
        for (int i = 0; i < first.length; i++) {
            first[i] = s.ask();
            s.tell(first[i], first[i] == 0 ? 1.0 : 2.0);
        }
        assertArrayEquals(new int[] {0, 1, 0, 0, 0, 0, 1}, first);
    }

    @Test
    void twoOptionsOneAndOneAndAHalf() {
        assertArrayEquals(new int[] {86, 14}, picks(new double[] {1.0, 1.5}, 100, false));
    }

    @Test
    void threeOptions() {
        assertArrayEquals(new int[] {92, 6, 2}, picks(new double[] {1, 2, 3}, 100, false));
    }

    @Test
    void thousandTells() {
        assertArrayEquals(new int[] {988, 12}, picks(new double[] {1.0, 2.0}, 1000, false));
    }

    @Test
    void pendingAsksPileOnOptionZeroInCompatMode() {
        LcbSelector s = new LcbSelector(3, 1.0, 0.0, false, 3);
        int[] count = new int[3];
        for (int i = 0; i < 8; i++) {
            count[s.ask()]++;
        }
        assertArrayEquals(new int[] {8, 0, 0}, count);
    }

    @Test
    void pendingAsksSpreadWhenCountedAsVisits() {
        LcbSelector s = new LcbSelector(3, 1.0, 0.0, true, 3);
        int[] count = new int[3];
        for (int i = 0; i < 8; i++) {
            count[s.ask()]++;
        }
        assertArrayEquals(new int[] {3, 3, 2}, count);
        assertArrayEquals(new long[] {3, 3, 2}, s.pending());
    }

    @Test
    void bestScoreIsTheMinimum() {
        LcbSelector s = new LcbSelector(2, 1.0, 0.0, false, 3);
        s.tell(0, 5);
        s.tell(0, 2);
        s.tell(0, Double.NaN);
        assertArrayEquals(new double[] {2, Double.POSITIVE_INFINITY}, s.values());
        assertArrayEquals(new long[] {3, 0}, s.counts());
        assertEquals(1, s.ask()); // untold option first
    }

    @Test
    void noiseIsSeededAndStateRestores() {
        LcbSelector a = new LcbSelector(3, 1.0, 1.0, false, 11);
        LcbSelector b = new LcbSelector(3, 1.0, 1.0, false, 11);
        LcbSelector c = new LcbSelector(3, 1.0, 1.0, false, 12);
        double[] scores = {1.0, 1.2, 1.1};
        int[] pa = new int[200];
        int[] pb = new int[200];
        int[] pc = new int[200];
        for (int i = 0; i < 200; i++) {
            pa[i] = a.ask();
            a.tell(pa[i], scores[pa[i]]);
            pb[i] = b.ask();
            b.tell(pb[i], scores[pb[i]]);
            pc[i] = c.ask();
            c.tell(pc[i], scores[pc[i]]);
        }
        assertArrayEquals(pa, pb);
        assertNotEquals(java.util.Arrays.toString(pa), java.util.Arrays.toString(pc));
        SearchState.Builder sb = SearchState.builder("x");
        a.snapshot(sb, "lcb.");
        LcbSelector r = new LcbSelector(3, 1.0, 1.0, false, 99);
        r.restore(sb.build(), "lcb.");
        for (int i = 0; i < 50; i++) {
            int x = a.ask();
            assertEquals(x, r.ask());
            a.tell(x, scores[x]);
            r.tell(x, scores[x]);
        }
    }
}
