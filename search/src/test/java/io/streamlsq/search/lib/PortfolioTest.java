package io.streamlsq.search.lib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.DifferentialEvolution;
import io.streamlsq.search.SearchMethod;
import io.streamlsq.search.SearchState;
import io.streamlsq.search.Trial;

class PortfolioTest {

    private static Portfolio deAndSobol(boolean countPending) {
        DifferentialEvolution de = new DifferentialEvolution(2, 3, new DifferentialEvolution.Settings(
                DifferentialEvolution.Strategy.RAND_1_BIN, 6, 0.5, 1.0, 0.7, 0.01, 0, 5));
        return new Portfolio(List.of(de, new Sobol(2, 4)), new LcbSelector(2, 1, 1, countPending, 5));
    }

    /** A member without a trial right now (DE waiting for its generation) passes the pick to the next best. */
    @Test
    void aMemberWithoutATrialPassesToTheNextBest() {
        Portfolio p = deAndSobol(false);
        List<Trial> ts = p.ask(10); // compat selector: every pick before a tell ranks DE first
        assertEquals(10, ts.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, ts.get(i).id());
            assertEquals(i < 6 ? 0 : 1, p.memberOf(i), "trial " + i);
        }
        assertArrayEquals(new long[] {6, 4}, p.selector().pending());
    }

    /** Tells go back to the proposing member and feed the selector its score. */
    @Test
    void tellsRouteBackAndFeedTheSelector() {
        Portfolio p = deAndSobol(true);
        List<Trial> ts = p.ask(8);
        assertArrayEquals(new long[] {4, 4}, p.selector().pending());
        for (Trial t : ts) {
            int member = p.memberOf(t.id());
            p.tell(t.id(), member == 0 ? 1.0 : 2.0 + t.id());
        }
        assertArrayEquals(new long[] {4, 4}, p.selector().counts());
        assertEquals(1.0, p.selector().values()[0]);
        assertTrue(p.selector().values()[1] >= 2.0);
        assertThrows(IllegalArgumentException.class, () -> p.tell(ts.get(0).id(), 1.0));
        // DE got its 4 values: it hands out the rest of its first population (6) and then waits for those
        List<Trial> more = p.ask(1);
        p.abandon(more.get(0).id());
        assertEquals(9, p.selector().counts()[0] + p.selector().counts()[1], "8 tells and an abandon");
    }

    @Test
    void snapshotAndRestoreContinueBitIdentically() {
        Portfolio a = deAndSobol(true);
        for (int round = 0; round < 5; round++) {
            for (Trial t : a.ask(4)) {
                a.tell(t.id(), TestProblems.branin(t.u()));
            }
        }
        List<Trial> pending = a.ask(3);
        a.tell(pending.get(0).id(), TestProblems.branin(pending.get(0).u()));
        SearchState s = a.snapshot();
        Portfolio b = deAndSobol(true);
        b.restore(s);
        assertEquals(s, b.snapshot());
        for (Trial t : pending.subList(1, 3)) {
            a.tell(t.id(), TestProblems.branin(t.u()));
            b.tell(t.id(), TestProblems.branin(t.u()));
        }
        for (int round = 0; round < 10; round++) {
            List<Trial> ta = a.ask(4);
            List<Trial> tb = b.ask(4);
            assertEquals(ta.size(), tb.size());
            for (int i = 0; i < ta.size(); i++) {
                assertEquals(ta.get(i).id(), tb.get(i).id());
                assertArrayEquals(ta.get(i).u(), tb.get(i).u());
                a.tell(ta.get(i).id(), TestProblems.branin(ta.get(i).u()));
                b.tell(tb.get(i).id(), TestProblems.branin(tb.get(i).u()));
            }
        }
    }

    /** The default portfolio (de, cmaes, sobol) runs through the batch loop, uses every member, is not resumable. */
    @Test
    void defaultPortfolioRunsAndClosesItsWorkers() throws InterruptedException {
        SearchMethod m = LibrarySearchMethods.portfolio();
        Portfolio p = (Portfolio) m.create(2, 8, 400);
        try (p) {
            assertEquals(List.of("de", "cmaes", "sobol"), p.members().stream().map(AskTellOptimizer::method).toList());
            List<Trial> ts = TestProblems.batchLoop(p, TestProblems::branin, 8, 400);
            assertEquals(400, ts.size());
            long[] counts = p.selector().counts();
            assertEquals(400, counts[0] + counts[1] + counts[2]);
            for (long c : counts) {
                assertTrue(c > 0, java.util.Arrays.toString(counts));
            }
            assertFalse(p.checkpointable());
            assertThrows(UnsupportedOperationException.class, p::snapshot);
        }
        assertEquals(List.of(), TestProblems.awaitNoThreads("asktell-cmaes-", 1000));
    }
}
