package io.streamlsq.search.lib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.hipparchus.exception.MathIllegalStateException;
import org.junit.jupiter.api.Test;

class HipparchusOptimizersTest {

    private static final Map<String, CallbackOptimizer> ALL = Map.of(
            "cmaes", HipparchusOptimizers.cmaes(6, 0.2, 2000),
            "bobyqa", HipparchusOptimizers.bobyqa(0.1, 1e-7, 2000),
            "nelder-mead", HipparchusOptimizers.nelderMead(0.1, 1e-12, 1e-14, 2000),
            "powell", HipparchusOptimizers.powell(1e-12, 1e-14, 2000));

    /** A minimum outside the box: the objective only ever sees points inside, and the result lies on the boundary. */
    @Test
    void theObjectiveOnlySeesPointsInTheBox() {
        for (var e : ALL.entrySet()) {
            CallbackOptimizer.RunResult r = e.getValue().minimize(x -> {
                for (double v : x) {
                    assertTrue(v >= 0 && v <= 1, e.getKey() + " evaluated outside the box: " + v);
                }
                return (x[0] - 1.5) * (x[0] - 1.5) + (x[1] - 0.25) * (x[1] - 0.25);
            }, new double[] {0.3, 0.6}, 1);
            assertEquals(1.0, r.point()[0], 1e-4, e.getKey());
            assertEquals(0.25, r.point()[1], 1e-3, e.getKey());
            assertTrue(r.point()[0] <= 1.0, e.getKey());
        }
    }

    /**
     * Infinite values (failed trials) on part of the box reach the library as the worst finite value, so every
     * adapter still converges to the minimum in the finite part instead of failing on NaN arithmetic.
     */
    @Test
    void infiniteValuesDoNotBreakTheLibraries() {
        for (var e : ALL.entrySet()) {
            CallbackOptimizer.RunResult r = e.getValue().minimize(x -> x[0] > 0.6 ? Double.POSITIVE_INFINITY
                    : (x[0] - 0.4) * (x[0] - 0.4) + (x[1] - 0.7) * (x[1] - 0.7), new double[] {0.55, 0.2}, 3);
            assertArrayEquals(new double[] {0.4, 0.7}, r.point(), 1e-3, e.getKey());
            assertTrue(r.value() < 1e-6, e.getKey() + ": " + r.value());
        }
    }

    /** Nelder–Mead, Powell and BOBYQA end a run that reaches maxEval with the library's count exception. */
    @Test
    void maxEvalEndsARun() {
        for (String name : List.of("bobyqa", "nelder-mead", "powell")) {
            CallbackOptimizer o = switch (name) {
                case "bobyqa" -> HipparchusOptimizers.bobyqa(0.1, 1e-12, 20);
                case "nelder-mead" -> HipparchusOptimizers.nelderMead(0.1, 1e-15, 1e-300, 20);
                default -> HipparchusOptimizers.powell(1e-15, 1e-300, 20);
            };
            int[] calls = new int[1];
            assertThrows(MathIllegalStateException.class, () -> o.minimize(x -> {
                calls[0]++;
                return TestProblems.rosenbrock(x);
            }, new double[] {0.1, 0.9}, 1), name);
            assertEquals(20, calls[0], name);
        }
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> HipparchusOptimizers.cmaes(0, 0.3, 10));
        assertThrows(IllegalArgumentException.class, () -> HipparchusOptimizers.cmaes(6, 1.5, 10));
        assertThrows(IllegalArgumentException.class, () -> HipparchusOptimizers.bobyqa(0.6, 1e-7, 10));
        assertThrows(IllegalArgumentException.class, () -> HipparchusOptimizers.bobyqa(0.1, 0.2, 10));
        assertThrows(IllegalArgumentException.class, () -> HipparchusOptimizers.nelderMead(0.1, 1e-10, 1e-12, 0));
        assertThrows(IllegalArgumentException.class, () -> HipparchusOptimizers.powell(0, 1e-12, 10));
        assertEquals(6, HipparchusOptimizers.cmaesPopulation(2));
        assertEquals(10, HipparchusOptimizers.cmaesPopulation(10));
    }
}
