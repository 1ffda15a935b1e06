package io.streamlsq.search.bo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.search.Trial;
import java.util.List;
import org.junit.jupiter.api.Test;

/** T3.6: Kriging Believer batches are deterministic, spread, and depend on the hallucination. */
class KrigingBelieverTest {

    /** A search that has been told 8 Branin values (two batches of 4). */
    private static BayesianSearch primed(Hallucination h) {
        BayesianSearch bo = new BayesianSearch(BayesianSearch.Preset.PRODUCT.options(2).withHallucination(h), 2, 3);
        for (int k = 0; k < 2; k++) {
            for (Trial t : bo.ask(4)) {
                bo.tell(t.id(), TestFunctions.branin(t.u()));
            }
        }
        return bo;
    }

    private static double[][] points(List<Trial> trials) {
        return trials.stream().map(Trial::u).toArray(double[][]::new);
    }

    @Test
    void meanHallucinationBatchesAreBitIdentical() {
        double[][] a = points(primed(Hallucination.mean()).ask(3));
        double[][] b = points(primed(Hallucination.mean()).ask(3));
        assertEquals(3, a.length);
        assertTrue(java.util.Arrays.deepEquals(a, b));
    }

    @Test
    void pointsOfABatchAreApart() {
        for (Hallucination h : List.of(Hallucination.mean(), Hallucination.sample(), Hallucination.ucb(2),
                Hallucination.incumbent(), Hallucination.constant(100))) {
            double[][] p = points(primed(h).ask(3));
            for (int i = 0; i < p.length; i++) {
                for (int j = 0; j < i; j++) {
                    double dx = p[i][0] - p[j][0];
                    double dy = p[i][1] - p[j][1];
                    assertTrue(Math.hypot(dx, dy) >= 1e-3, h + ": points " + j + " and " + i + " are "
                            + Math.hypot(dx, dy) + " apart");
                }
            }
        }
    }

    @Test
    void meanAndSampleHallucinationsGiveDifferentBatches() {
        double[][] mean = points(primed(Hallucination.mean()).ask(3));
        double[][] sample = points(primed(Hallucination.sample()).ask(3));
        assertFalse(java.util.Arrays.deepEquals(mean, sample));
    }

    @Test
    void pendingTrialsAreHallucinatedSoTheNextAskGoesElsewhere() {
        BayesianSearch bo = primed(Hallucination.mean());
        double[] first = bo.ask(1).get(0).u();
        double[] second = bo.ask(1).get(0).u();
        assertTrue(Math.hypot(first[0] - second[0], first[1] - second[1]) >= 1e-3);
    }
}
