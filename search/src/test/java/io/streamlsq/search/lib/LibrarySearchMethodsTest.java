package io.streamlsq.search.lib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.SearchMethod;
import io.streamlsq.search.Trial;

class LibrarySearchMethodsTest {

    private static List<SearchMethod> all() {
        return LibrarySearchMethods.all();
    }

    @Test
    void names() {
        assertEquals(List.of("sobol", "halton", "cmaes", "bobyqa", "nelder-mead", "powell", "portfolio"),
                all().stream().map(SearchMethod::name).toList());
        assertEquals("nelder-mead", LibrarySearchMethods.byName("nelder-mead").name());
        assertThrows(IllegalArgumentException.class, () -> LibrarySearchMethods.byName("de"));
        assertTrue(LibrarySearchMethods.sobol().checkpointable());
        assertFalse(LibrarySearchMethods.cmaes().checkpointable());
        assertFalse(LibrarySearchMethods.portfolio().checkpointable());
        assertTrue(LibrarySearchMethods.portfolio(List.of(SearchMethod.de(), LibrarySearchMethods.sobol()))
                .checkpointable());
    }

    private static List<Trial> run(SearchMethod m, long seed, int budget) {
        try (AskTellOptimizer o = m.create(2, seed, budget)) {
            assertEquals(m.name(), o.method());
            return TestProblems.batchLoop(o, TestProblems::branin, 8, budget);
        }
    }

    /**
     * The global phase's loop (ask 8, evaluate in parallel, tell in id order) is deterministic for a seed for every
     * method: two runs give the same trials, bit for bit; another seed gives other trials.
     */
    @Test
    void theBatchLoopIsDeterministicForEveryMethod() {
        for (SearchMethod m : all()) {
            List<Trial> a = run(m, 17, 300);
            List<Trial> b = run(m, 17, 300);
            List<Trial> c = run(m, 18, 300);
            assertEquals(300, a.size(), m.name());
            assertEquals(a.size(), b.size(), m.name());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).id(), b.get(i).id(), m.name());
                assertArrayEquals(a.get(i).u(), b.get(i).u(), m.name() + " trial " + i);
                for (double u : a.get(i).u()) {
                    assertTrue(u >= 0 && u <= 1, m.name() + " trial " + i + " outside the box");
                }
            }
            assertNotEquals(List.of(a.get(0).u()[0], a.get(0).u()[1]), List.of(c.get(0).u()[0], c.get(0).u()[1]),
                    m.name() + ": another seed, another first trial");
        }
    }

    /** Each library method gets within 1e-3 of Branin's minimum within 1000 evaluations (batch loop, seed 5). */
    @Test
    void libraryMethodsReachBraninsMinimum() {
        for (SearchMethod m : List.of(LibrarySearchMethods.cmaes(), LibrarySearchMethods.bobyqa(),
                LibrarySearchMethods.nelderMead(), LibrarySearchMethods.powell())) {
            List<Trial> ts = run(m, 5, 1000);
            double best = ts.stream().mapToDouble(t -> TestProblems.branin(t.u())).min().orElseThrow();
            double regret = best - TestProblems.BRANIN_MIN;
            assertTrue(regret < 1e-3, m.name() + ": regret " + regret);
        }
    }

    @Test
    void perRunBudget() {
        assertEquals(200, LibrarySearchMethods.evaluationsPerRun(2, 1000));
        assertEquals(150, LibrarySearchMethods.evaluationsPerRun(2, 300));
        assertEquals(20, LibrarySearchMethods.evaluationsPerRun(2, 20));
        assertEquals(1, LibrarySearchMethods.evaluationsPerRun(2, 0));
    }
}
