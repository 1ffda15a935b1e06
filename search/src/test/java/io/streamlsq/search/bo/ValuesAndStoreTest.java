package io.streamlsq.search.bo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.search.Trial;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failed values, the product store's full status, maximizing, and the contract's refusals. */
class ValuesAndStoreTest {

    @Test
    void failedTrialsDoNotBreakTheSearch() {
        // Branin with the right third of the box failing (+∞, NaN): the two minima on the left remain findable
        BayesianSearch bo = new BayesianSearch(BayesianSearch.Preset.PRODUCT.options(2), 2, 4);
        int calls = 0;
        for (int k = 0; k < 12; k++) {
            for (Trial t : bo.ask(8)) {
                double v = t.u()[0] > 0.66 ? (calls++ % 2 == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                        : TestFunctions.branin(t.u());
                bo.tell(t.id(), v);
            }
        }
        assertTrue(bo.stats().failedValues() > 0);
        assertEquals(0, bo.stats().conditioningFailures());
        assertTrue(bo.bestValue() - TestFunctions.BRANIN_MIN < 0.05, "best " + bo.bestValue());
        assertTrue(Double.isInfinite(java.util.Arrays.stream(bo.observedValues()).max().orElse(0)));
    }

    @Test
    void allFailedStillProposes() {
        BayesianSearch bo = new BayesianSearch(BayesianSearch.Preset.PRODUCT.options(2), 2, 4);
        for (int k = 0; k < 3; k++) {
            for (Trial t : bo.ask(4)) {
                bo.tell(t.id(), Double.POSITIVE_INFINITY);
            }
        }
        assertEquals(4, bo.ask(4).size());
        assertEquals(Double.POSITIVE_INFINITY, bo.bestValue());
    }

    @Test
    void productStoreReportsFullAndStops() {
        BayesianSearch bo = new BayesianSearch(BayesianSearch.Preset.PRODUCT.options(2).withCapacity(10), 2, 4);
        int asked = 0;
        for (int k = 0; k < 3; k++) {
            List<Trial> trials = bo.ask(4);
            asked += trials.size();
            for (Trial t : trials) {
                bo.tell(t.id(), TestFunctions.branin(t.u()));
            }
        }
        assertEquals(10, asked, "asks are trimmed to the room left");
        assertEquals(BayesianSearch.Status.BUFFER_FULL, bo.status());
        assertTrue(bo.exhausted());
        assertTrue(bo.ask(4).isEmpty());
        assertEquals(0, bo.stats().droppedObservations());
    }

    @Test
    void maximizingMinusFProposesWhatMinimizingFDoes() {
        BayesianSearch min = new BayesianSearch(BayesianSearch.Preset.PRODUCT.options(2), 2, 8);
        BayesianSearch max = new BayesianSearch(BayesianSearch.Preset.PRODUCT.options(2).withMaximize(true), 2, 8);
        for (int k = 0; k < 5; k++) {
            List<Trial> a = min.ask(4);
            List<Trial> b = max.ask(4);
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).u(), b.get(i).u());
                min.tell(a.get(i).id(), TestFunctions.branin(a.get(i).u()));
                max.tell(b.get(i).id(), -TestFunctions.branin(b.get(i).u()));
            }
        }
        assertEquals(min.bestValue(), -max.bestValue());
    }

    @Test
    void unknownTellsAndBadOptionsAreRefused() {
        BayesianSearch bo = new BayesianSearch(BayesianSearch.Preset.PRODUCT.options(2), 2, 4);
        Trial t = bo.ask(1).get(0);
        bo.tell(t.id(), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bo.tell(t.id(), 1));
        assertTrue(e.getMessage().contains("trial " + t.id()));
        Trial u = bo.ask(1).get(0);
        bo.abandon(u.id());
        assertThrows(IllegalArgumentException.class, () -> bo.tell(u.id(), 1));
        e = assertThrows(IllegalArgumentException.class,
                () -> BayesianSearch.Preset.PRODUCT.options(2).withCapacity(0).withParallel(0));
        assertTrue(e.getMessage().contains("capacity = 0"));
        IllegalArgumentException all = assertThrows(IllegalArgumentException.class, () -> new BayesianSearch.Options(
                Kernel.MATERN_52, Acquisition.ei(0), Hallucination.mean(), 0, -1, 10, 1, 1, 1, true, true,
                BayesianSearch.Tuner.LBFGS, 1, 1, false, true, false, 1e-6, false, 0, 0));
        assertTrue(all.getMessage().contains("candidates = 0") && all.getMessage().contains("restarts = -1"));
        assertFalse(bo.exhausted());
    }

    @Test
    void theFitSubsetIsEvenlySpacedAndKeepsTheBest() {
        double[] y = new double[250];
        for (int i = 0; i < y.length; i++) {
            y[i] = (i * 37) % 101;
        }
        y[123] = -1;
        int[] keep = BayesianSearch.fitSubset(y, 250, 100);
        assertEquals(100, keep.length);
        assertTrue(java.util.Arrays.stream(keep).anyMatch(k -> k == 123));
        for (int k = 1; k < keep.length; k++) {
            assertTrue(keep[k] > keep[k - 1] && keep[k] - keep[k - 1] <= 3, "indices " + keep[k - 1] + ", " + keep[k]);
        }
    }

    @Test
    void theSearchMethodIsBoWithTheBudgetAsCapacity() {
        io.streamlsq.search.SearchMethod bo = BayesianSearch.searchMethod();
        assertEquals("bo", bo.name());
        assertTrue(bo.checkpointable());
        assertEquals("bo-hyperoptax", BayesianSearch.searchMethod(BayesianSearch.Preset.HYPEROPTAX).name());
        try (io.streamlsq.search.AskTellOptimizer opt = bo.create(3, 1, 12)) {
            assertEquals("bo", opt.method());
            assertEquals(3, opt.dimensions());
            int asked = 0;
            for (int k = 0; k < 3; k++) {
                for (Trial t : opt.ask(8)) {
                    asked++;
                    opt.tell(t.id(), t.u()[0] + t.u()[1] + t.u()[2]);
                }
            }
            assertEquals(12, asked);
            assertTrue(opt.exhausted());
        }
    }
}
