package io.streamlsq.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The core's native ask/tell methods: seeds-others T4.7 (DE), T4.8 (mapping), determinism and snapshot/restore. */
class NativeSearchTest {

    /** Rastrigin-2D shifted by (0.3, −0.7) on [−5.12, 5.12]²; minimum 0. */
    static double rastrigin(double[] u) {
        double f = 20;
        double[] shift = {0.3, -0.7};
        for (int j = 0; j < 2; j++) {
            double x = -5.12 + 10.24 * u[j] - shift[j];
            f += x * x - 10 * Math.cos(2 * Math.PI * x);
        }
        return f;
    }

    /** Branin on [−5, 10] × [0, 15]; minimum 0.397887. */
    static double branin(double[] u) {
        double x1 = -5 + 15 * u[0];
        double x2 = 15 * u[1];
        double a = x2 - 5.1 / (4 * Math.PI * Math.PI) * x1 * x1 + 5 / Math.PI * x1 - 6;
        return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
    }

    static final double BRANIN_MIN = 0.39788735772973816;

    /** Asks in batches of {@code batch}, tells in id order, up to {@code budget} evaluations; the best value. */
    static double minimize(AskTellOptimizer o, ToDoubleFunction<double[]> f, int budget, int batch) {
        double best = Double.POSITIVE_INFINITY;
        int used = 0;
        while (used < budget && !o.exhausted()) {
            List<Trial> ts = o.ask(Math.min(batch, budget - used));
            if (ts.isEmpty()) {
                break;
            }
            for (Trial t : ts) {
                double v = f.applyAsDouble(t.u());
                best = Math.min(best, v);
                o.tell(t.id(), v);
                used++;
            }
        }
        return best;
    }

    @Test
    void differentialEvolutionWithRestartsSolvesShiftedRastriginInTenOfTenSeeds() {
        for (long seed = 0; seed < 10; seed++) {
            var de = new DifferentialEvolution(2, seed, DifferentialEvolution.defaults(DifferentialEvolution.Strategy.RAND_1_BIN, 2));
            double best = minimize(de, NativeSearchTest::rastrigin, 5000, 8);
            assertTrue(best < 1e-6, "seed " + seed + ": " + best + " after " + de.restarts() + " restarts");
        }
    }

    @Test
    void differentialEvolutionSolvesBraninInTenOfTenSeeds() {
        for (var strategy : DifferentialEvolution.Strategy.values()) {
            for (long seed = 0; seed < 10; seed++) {
                var de = new DifferentialEvolution(2, seed, DifferentialEvolution.defaults(strategy, 2));
                double best = minimize(de, NativeSearchTest::branin, 1000, 8);
                assertTrue(best - BRANIN_MIN < 1e-4, strategy + " seed " + seed + ": regret " + (best - BRANIN_MIN));
            }
        }
    }

    @Test
    void theMappingFollowsCotengrasRules() {
        // T4.8 (cotengra maps [-1, 1]; ours is [0, 1]: u01 = (x + 1) / 2)
        var m = new UnitBoxMapping(List.of(UnitBoxMapping.integer("i", 1, 5), UnitBoxMapping.log("f", 1e-3, 10),
                UnitBoxMapping.categorical("c", 3), UnitBoxMapping.bool("b")));
        assertEquals(7, m.rawDimensions());
        double[] u = {0, 0.5, (0.1 + 1) / 2, (0.7 + 1) / 2, (-0.3 + 1) / 2, (0.2 + 1) / 2, (0.1 + 1) / 2};
        double[] v = m.values(u);
        assertEquals(1, v[0]);
        assertEquals(0.1, v[1], 1e-15);
        assertEquals(1, v[2], "categorical (a, b, c) at (0.1, 0.7, -0.3) is b");
        assertEquals(1, v[3], "bool at (0.2, 0.1) is true");
        assertEquals(3, m.value(0, new double[] {(-0.2 + 1) / 2, 0, 0, 0, 0, 0, 0}));
        assertEquals(5, m.value(0, new double[] {1, 0, 0, 0, 0, 0, 0}));
        var lin = new UnitBoxMapping(List.of(UnitBoxMapping.linear("a", -2, 6), UnitBoxMapping.log("b", 1e-4, 1)));
        assertArrayEquals(new double[] {0.25, 0.75}, lin.toUnit(lin.values(new double[] {0.25, 0.75})), 1e-15);
        assertEquals(2, UnitBoxMapping.quantized("q", 0, 10, 0.5).width() + 1);
        var q = new UnitBoxMapping(List.of(UnitBoxMapping.quantized("q", 0, 10, 0.5)));
        assertEquals(3.5, q.value(0, new double[] {0.34}));
        assertThrows(IllegalArgumentException.class, () -> UnitBoxMapping.log("x", 0, 1));
    }

    @Test
    void aLatinHypercubeBlockHasOnePointPerStratumInEveryDimension() {
        var lhs = new RandomSearch(RandomSearch.Design.LHS, 3, 9, 50);
        List<Trial> ts = lhs.ask(50);
        for (int j = 0; j < 3; j++) {
            boolean[] seen = new boolean[50];
            for (Trial t : ts) {
                int s = (int) (t.u()[j] * 50);
                assertTrue(!seen[s], "stratum " + s + " of dimension " + j + " taken twice");
                seen[s] = true;
            }
        }
    }

    /** Runs 60 evaluations, snapshots, and checks that a restored fresh optimizer asks what the original asks. */
    static void restoredContinuesBitForBit(SearchMethod m) {
        AskTellOptimizer a = m.create(3, 42, 200);
        ToDoubleFunction<double[]> f = u -> (u[0] - 0.3) * (u[0] - 0.3) + Math.abs(u[1] - 0.6) + u[2];
        minimize(a, f, 60, 7);
        List<Trial> pending = a.ask(3); // asked and not told at the time of the snapshot
        SearchState s = a.snapshot();
        AskTellOptimizer b = m.create(3, 42, 200);
        b.restore(s);
        assertEquals(s, b.snapshot());
        for (int round = 0; round < 20; round++) {
            for (Trial t : pending) {
                double v = f.applyAsDouble(t.u());
                a.tell(t.id(), v);
                b.tell(t.id(), v);
            }
            List<Trial> ta = a.ask(5);
            List<Trial> tb = b.ask(5);
            assertEquals(ta.size(), tb.size());
            for (int i = 0; i < ta.size(); i++) {
                assertEquals(ta.get(i).id(), tb.get(i).id());
                assertArrayEquals(ta.get(i).u(), tb.get(i).u(), m.name() + " round " + round);
            }
            pending = new ArrayList<>(ta);
        }
    }

    @Test
    void nativeMethodsRestoreBitForBit() {
        restoredContinuesBitForBit(SearchMethod.de());
        restoredContinuesBitForBit(DifferentialEvolution.method(DifferentialEvolution.Strategy.BEST_1_BIN));
        restoredContinuesBitForBit(SearchMethod.lhs());
        restoredContinuesBitForBit(SearchMethod.random());
    }

    @Test
    void aTellForATrialNotPendingIsRefusedByName() {
        AskTellOptimizer de = SearchMethod.de().create(2, 1, 100);
        Trial t = de.ask(1).get(0);
        de.tell(t.id(), 1.0);
        var e = assertThrows(IllegalArgumentException.class, () -> de.tell(t.id(), 2.0));
        assertTrue(e.getMessage().contains("trial " + t.id()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> de.restore(SearchMethod.lhs().create(2, 1, 100).snapshot()));
    }

    @Test
    void aGenerationWaitsForItsValuesAndNonFiniteValuesCountAsFailures() {
        var de = new DifferentialEvolution(2, 3, new DifferentialEvolution.Settings(DifferentialEvolution.Strategy.RAND_1_BIN,
                6, 0.5, 1, 0.7, 0.01, 0, 5));
        List<Trial> first = de.ask(10);
        assertEquals(6, first.size(), "the first population");
        assertTrue(de.ask(1).isEmpty(), "nothing more until the generation is told");
        for (Trial t : first) {
            de.tell(t.id(), t.id() == 0 ? Double.NaN : branin(t.u()));
        }
        assertEquals(6, de.ask(10).size());
        assertTrue(Double.isFinite(de.bestValue()));
    }
}
