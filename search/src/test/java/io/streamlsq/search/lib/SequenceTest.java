package io.streamlsq.search.lib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.LongFunction;

import org.hipparchus.random.HaltonSequenceGenerator;
import org.hipparchus.random.SobolSequenceGenerator;
import org.junit.jupiter.api.Test;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.SearchState;
import io.streamlsq.search.Trial;

class SequenceTest {

    private static void resumesBitIdentically(LongFunction<AskTellOptimizer> make) {
        for (int stopAt : new int[] {0, 1, 7, 64, 333}) {
            AskTellOptimizer a = make.apply(21);
            List<Trial> before = stopAt == 0 ? List.of() : a.ask(stopAt);
            for (int i = 0; i + 1 < before.size(); i++) {
                a.tell(before.get(i).id(), 0.0); // the last one stays pending
            }
            SearchState s = a.snapshot();
            AskTellOptimizer b = make.apply(99); // another seed: the shift comes from the state
            b.restore(s);
            assertEquals(s, b.snapshot());
            List<Trial> ta = a.ask(100);
            List<Trial> tb = b.ask(100);
            for (int i = 0; i < 100; i++) {
                assertEquals(ta.get(i).id(), tb.get(i).id());
                assertArrayEquals(ta.get(i).u(), tb.get(i).u(), a.method() + " after " + stopAt + ", trial " + i);
            }
            if (stopAt > 0) {
                b.tell(before.get(stopAt - 1).id(), 1.0); // pending survived the restore
                assertThrows(IllegalArgumentException.class, () -> b.tell(before.get(0).id(), 1.0));
            }
        }
    }

    @Test
    void sobolResumesBitIdentically() {
        resumesBitIdentically(seed -> new Sobol(3, seed));
    }

    @Test
    void haltonResumesBitIdentically() {
        resumesBitIdentically(seed -> new Halton(3, seed));
    }

    /** Point i is frac(x_i + shift) with x the library's sequence from index 1 (the origin skipped). */
    @Test
    void pointsAreTheShiftedSequenceFromIndexOne() {
        Sobol s = new Sobol(2, 4);
        Halton h = new Halton(2, 4);
        SobolSequenceGenerator sg = new SobolSequenceGenerator(2);
        HaltonSequenceGenerator hg = new HaltonSequenceGenerator(2);
        sg.nextVector();
        hg.nextVector();
        double[] shift = s.shift();
        assertArrayEquals(shift, h.shift());
        for (int i = 1; i <= 50; i++) {
            double[] xs = sg.nextVector();
            double[] xh = hg.nextVector();
            double[] us = s.ask(1).get(0).u();
            double[] uh = h.ask(1).get(0).u();
            for (int j = 0; j < 2; j++) {
                assertEquals((xs[j] + shift[j]) % 1.0, us[j], 0.0);
                assertEquals((xh[j] + shift[j]) % 1.0, uh[j], 0.0);
                assertTrue(us[j] >= 0 && us[j] < 1 && uh[j] >= 0 && uh[j] < 1);
            }
            assertFalse(i == 1 && us[0] == shift[0] && us[1] == shift[1], "the origin is skipped");
        }
        assertNotEquals(shift[0], new Sobol(2, 5).shift()[0]);
        assertFalse(s.exhausted());
    }

    @Test
    void restoreRefusesAnotherMethodOrDimension() {
        SearchState sobol = new Sobol(2, 1).snapshot();
        assertThrows(IllegalArgumentException.class, () -> new Halton(2, 1).restore(sobol));
        assertThrows(IllegalArgumentException.class, () -> new Sobol(3, 1).restore(sobol));
    }
}
