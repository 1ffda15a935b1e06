package io.streamlsq.search.lib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.SearchMethod;
import io.streamlsq.search.Trial;

/** The {@link AskTellOptimizer} contract, run against every method of the module's library package. */
class AskTellContractTest {

    static Stream<SearchMethod> methods() {
        return LibrarySearchMethods.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void asksAtMostNInTheBoxWithIncreasingUniqueIds(SearchMethod m) {
        try (AskTellOptimizer o = m.create(3, 12, 200)) {
            assertEquals(3, o.dimensions());
            assertEquals(m.name(), o.method());
            assertEquals(m.checkpointable(), o.checkpointable());
            assertThrows(IllegalArgumentException.class, () -> o.ask(0));
            Set<Long> ids = new HashSet<>();
            long last = -1;
            for (int round = 0; round < 20; round++) {
                List<Trial> ts = o.ask(5);
                assertTrue(ts.size() <= 5);
                assertFalse(ts.isEmpty(), m.name() + ": nothing pending, yet no trial");
                for (Trial t : ts) {
                    assertTrue(t.id() > last, m.name() + ": ids increase");
                    last = t.id();
                    assertTrue(ids.add(t.id()));
                    assertEquals(3, t.u().length);
                    for (double u : t.u()) {
                        assertTrue(u >= 0 && u <= 1, m.name() + ": " + u + " outside [0, 1]");
                    }
                }
                // values of every kind, including failures, in id order
                for (int i = 0; i < ts.size(); i++) {
                    Trial t = ts.get(i);
                    switch (i % 4) {
                        case 0 -> o.tell(t.id(), TestProblems.sphere(t.u()));
                        case 1 -> o.tell(t.id(), Double.NaN);
                        case 2 -> o.abandon(t.id());
                        default -> o.tell(t.id(), Double.POSITIVE_INFINITY);
                    }
                }
            }
            Trial t = o.ask(1).get(0);
            o.tell(t.id(), 1.0);
            assertThrows(IllegalArgumentException.class, () -> o.tell(t.id() + 1_000_000, 1.0), "never asked");
            assertFalse(o.exhausted());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void snapshotMatchesCheckpointable(SearchMethod m) {
        try (AskTellOptimizer a = m.create(2, 3, 100); AskTellOptimizer b = m.create(2, 3, 100)) {
            List<Trial> first = a.ask(4);
            for (Trial t : first) {
                a.tell(t.id(), TestProblems.branin(t.u()));
            }
            if (!m.checkpointable()) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, a::snapshot);
                assertTrue(e.getMessage().contains("not resumable mid-search"), e.getMessage());
                return;
            }
            b.restore(a.snapshot());
            List<double[]> ua = new ArrayList<>();
            List<double[]> ub = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (Trial t : a.ask(4)) {
                    ua.add(t.u());
                    a.tell(t.id(), TestProblems.branin(t.u()));
                }
                for (Trial t : b.ask(4)) {
                    ub.add(t.u());
                    b.tell(t.id(), TestProblems.branin(t.u()));
                }
            }
            assertEquals(ua.size(), ub.size());
            for (int i = 0; i < ua.size(); i++) {
                assertArrayEquals(ua.get(i), ub.get(i));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void closeIsIdempotentAndLeavesNoThread(SearchMethod m) throws InterruptedException {
        AskTellOptimizer o = m.create(2, 4, 100);
        o.ask(6);
        o.close();
        o.close();
        assertEquals(List.of(), TestProblems.awaitNoThreads("asktell-", 1000)); // portfolio: its members' threads
    }
}
