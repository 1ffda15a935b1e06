package io.streamlsq.search.bo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.SearchMethod;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** T3.1–T3.3: Branin, 40 evaluations, 10 seeds. */
class BraninTest {
    private static final int SEEDS = 10;
    private static final int EVALUATIONS = 40;

    static double[] regrets(SearchMethod method, int batch) {
        double[] r = new double[SEEDS];
        for (int s = 0; s < SEEDS; s++) {
            try (AskTellOptimizer opt = method.create(2, 1000 + s, EVALUATIONS)) {
                r[s] = TestFunctions.minimize(opt, TestFunctions::branin, EVALUATIONS, batch)
                        - TestFunctions.BRANIN_MIN;
            }
        }
        return r;
    }

    private static long below(double[] r, double t) {
        return Arrays.stream(r).filter(v -> v < t).count();
    }

    @Test
    void productPresetInBatchesOfFourSolvesBranin() {
        double[] r = regrets(BayesianSearch.searchMethod(), 4);
        assertTrue(below(r, 0.01) >= 8, () -> "regret < 0.01 in " + below(r, 0.01) + "/10: " + Arrays.toString(r));
        assertTrue(below(r, 0.05) == 10, () -> "regret < 0.05 in " + below(r, 0.05) + "/10: " + Arrays.toString(r));
    }

    @Test
    void productPresetSequentialSolvesBranin() {
        double[] r = regrets(BayesianSearch.searchMethod(), 1);
        assertTrue(below(r, 0.01) >= 9, () -> "regret < 0.01 in " + below(r, 0.01) + "/10: " + Arrays.toString(r));
    }

    @Test
    void productPresetBeatsRandomSearchTwentyFold() {
        double bo = TestFunctions.median(regrets(BayesianSearch.searchMethod(), 4));
        double random = TestFunctions.median(regrets(SearchMethod.random(), 4));
        assertTrue(20 * bo <= random, () -> "median regret: bo " + bo + ", random " + random);
    }
}
