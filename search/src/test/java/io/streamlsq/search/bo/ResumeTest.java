package io.streamlsq.search.bo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.SearchState;
import io.streamlsq.search.Trial;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** T3.8: a search restored from its state proposes what the uninterrupted one proposes, bit for bit. */
class ResumeTest {

    /** Asks in batches of 4 and tells in id order until {@code evaluations}; records every proposal. */
    private static void drive(AskTellOptimizer bo, int evaluations, List<double[]> proposals) {
        for (int done = 0; done < evaluations; ) {
            for (Trial t : bo.ask(4)) {
                proposals.add(t.u());
                bo.tell(t.id(), TestFunctions.branin(t.u()));
                done++;
            }
        }
    }

    private static void assertSame(List<double[]> a, List<double[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "proposal " + i);
        }
    }

    @Test
    void resumedAfterTwentyOfFortyProposesTheSamePoints() {
        for (BayesianSearch.Preset preset : BayesianSearch.Preset.values()) {
            List<double[]> straight = new ArrayList<>();
            drive(BayesianSearch.searchMethod(preset).create(2, 77, 40), 40, straight);

            List<double[]> resumed = new ArrayList<>();
            AskTellOptimizer first = BayesianSearch.searchMethod(preset).create(2, 77, 40);
            drive(first, 20, resumed);
            SearchState state = first.snapshot();
            AskTellOptimizer second = BayesianSearch.searchMethod(preset).create(2, 77, 40);
            second.restore(state);
            assertEquals(state, second.snapshot());
            drive(second, 20, resumed);
            assertSame(straight, resumed);
        }
    }

    /** The global phase's pattern: ask(8), tell all in id order, failed trials (+∞) among them. */
    private static void driveLikeTheGlobalPhase(AskTellOptimizer bo, int rounds, List<double[]> proposals) {
        for (int k = 0; k < rounds; k++) {
            for (Trial t : bo.ask(8)) {
                proposals.add(t.u());
                bo.tell(t.id(), t.u()[1] > 0.8 ? Double.POSITIVE_INFINITY : TestFunctions.branin(t.u()));
            }
        }
    }

    @Test
    void batchesOfEightWithFailuresResumeBitIdentical() {
        List<double[]> straight = new ArrayList<>();
        driveLikeTheGlobalPhase(BayesianSearch.searchMethod().create(2, 3, 64), 6, straight);
        List<double[]> resumed = new ArrayList<>();
        AskTellOptimizer first = BayesianSearch.searchMethod().create(2, 3, 64);
        driveLikeTheGlobalPhase(first, 3, resumed);
        AskTellOptimizer second = BayesianSearch.searchMethod().create(2, 3, 64);
        second.restore(first.snapshot());
        driveLikeTheGlobalPhase(second, 3, resumed);
        assertSame(straight, resumed);
    }

    @Test
    void pendingTrialsSurviveARestore() {
        AskTellOptimizer a = BayesianSearch.searchMethod().create(2, 5, 40);
        List<double[]> ignored = new ArrayList<>();
        drive(a, 12, ignored);
        List<Trial> batch = a.ask(4);
        a.tell(batch.get(0).id(), TestFunctions.branin(batch.get(0).u()));
        AskTellOptimizer b = BayesianSearch.searchMethod().create(2, 5, 40);
        b.restore(a.snapshot());
        for (AskTellOptimizer o : List.of(a, b)) {
            for (Trial t : batch.subList(1, 4)) {
                o.tell(t.id(), TestFunctions.branin(t.u()));
            }
        }
        List<Trial> na = a.ask(4);
        List<Trial> nb = b.ask(4);
        for (int i = 0; i < 4; i++) {
            assertEquals(na.get(i).id(), nb.get(i).id());
            assertArrayEquals(na.get(i).u(), nb.get(i).u());
        }
    }

    @Test
    void aForeignStateIsRefused() {
        AskTellOptimizer bo = BayesianSearch.searchMethod().create(2, 5, 40);
        AskTellOptimizer compat = BayesianSearch.searchMethod(BayesianSearch.Preset.HYPEROPTAX).create(2, 5, 40);
        assertThrows(IllegalArgumentException.class, () -> bo.restore(compat.snapshot()));
        assertThrows(IllegalArgumentException.class, () -> bo.restore(BayesianSearch.searchMethod().create(3, 5, 40)
                .snapshot()));
    }
}
