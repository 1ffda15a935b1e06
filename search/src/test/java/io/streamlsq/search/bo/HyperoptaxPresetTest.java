package io.streamlsq.search.bo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.streamlsq.search.Trial;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** T3.4: the hyperoptax preset keeps hyperoptax's buffer, warm-up and tuning semantics. */
class HyperoptaxPresetTest {

    private static BayesianSearch compat(int capacity) {
        return new BayesianSearch(BayesianSearch.Preset.HYPEROPTAX.options(2).withCapacity(capacity), 2, 5);
    }

    @Test
    void aBufferOfTenInBatchesOfFourRunsThreeIterationsAndStoresTen() {
        BayesianSearch bo = compat(10);
        List<Double> told = new ArrayList<>();
        BayesianSearch.Result r = bo.run(u -> {
            double v = TestFunctions.branin(u);
            told.add(v);
            return v;
        });
        assertEquals(3, r.iterations());
        assertEquals(12, r.evaluations());
        assertEquals(10, bo.observations());
        assertEquals(2, bo.stats().droppedObservations());
        double[] firstTen = told.subList(0, 10).stream().mapToDouble(Double::doubleValue).toArray();
        assertArrayEquals(firstTen, bo.observedValues(), "overflow keeps only the first results");
        assertEquals(BayesianSearch.Status.OK, bo.status(), "hyperoptax drops the overflow silently");
        assertFalse(bo.exhausted());
    }

    @Test
    void nineSlotsInBatchesOfFourRunThreeIterations() {
        BayesianSearch bo = compat(9);
        assertEquals(3, bo.defaultIterations());
        assertEquals(3, bo.run(TestFunctions::branin).iterations());
    }

    @Test
    void aFullBufferRunsNoIteration() {
        BayesianSearch bo = compat(8);
        bo.run(TestFunctions::branin);
        assertEquals(8, bo.observations());
        assertEquals(0, bo.defaultIterations());
        assertEquals(0, bo.run(TestFunctions::branin).iterations());
    }

    @Test
    void warmupOfFiveWithTwoObservationsProposesRandomPoints() {
        BayesianSearch bo = new BayesianSearch(BayesianSearch.Preset.HYPEROPTAX.options(2).withWarmup(5), 2, 5);
        for (Trial t : bo.ask(2)) {
            bo.tell(t.id(), TestFunctions.branin(t.u()));
        }
        long before = bo.stats().warmupTrials();
        bo.ask(4);
        assertEquals(before + 4, bo.stats().warmupTrials());
        assertEquals(0, bo.stats().modelTrials());
        assertEquals(0, bo.stats().hyperparameterFits());
    }

    @Test
    void noTuningStepsLeaveTheLengthScalesAlone() {
        BayesianSearch bo = new BayesianSearch(BayesianSearch.Preset.HYPEROPTAX.options(2).withTuning(0, 1), 2, 5);
        double[] initial = bo.lengthScales();
        bo.run(TestFunctions::branin, 4);
        assertArrayEquals(initial, bo.lengthScales());
        assertEquals(0, bo.stats().hyperparameterFits());
    }

    @Test
    void oneObservationGivesNoTuningAndTwoDo() {
        BayesianSearch bo = compat(200);
        double[] initial = bo.lengthScales();
        Trial first = bo.ask(1).get(0);
        bo.tell(first.id(), TestFunctions.branin(first.u()));
        Trial second = bo.ask(1).get(0);
        assertArrayEquals(initial, bo.lengthScales(), "one observation: no tuning");
        bo.tell(second.id(), TestFunctions.branin(second.u()));
        bo.ask(1);
        assertEquals(1, bo.stats().hyperparameterFits());
        assertFalse(java.util.Arrays.equals(initial, bo.lengthScales()), "two observations: tuned");
    }
}
