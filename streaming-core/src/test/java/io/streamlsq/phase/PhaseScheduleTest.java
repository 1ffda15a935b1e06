package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.phase.PhaseSchedule.PhaseSpec;
import io.streamlsq.phase.PhaseSchedule.State;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.DecayModel;
import io.streamlsq.testkit.RowModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** seeds-others.md §1(d): T1.1–T1.5, T1.8 and the pattern rules of T1.6 (T1.7 resume: not yet). */
class PhaseScheduleTest {
    static final double[] TRUTH = {2.5, 1.3, 0.5};

    /** 10⁴ noise-free points on [0, 5]. */
    static InMemoryDataSource noiseFree() {
        int n = 10_000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 5.0 * i / (n - 1);
            y[i] = TRUTH[0] * Math.exp(-TRUTH[1] * x[i]) + TRUTH[2];
        }
        return InMemoryDataSource.ofXY(x, y, 1_000);
    }

    static final FitOptions WARM = FitOptions.builder()
            .warmup(WarmupOptions.on().withGuards(false, true, false, true)).build();
    static final FitOptions GN = FitOptions.builder().tolerances(1e-14).build();

    static PhaseSchedule schedule(List<PhaseSpec> phases) {
        FitProblem p = FitProblem.builder(new DecayModel(), noiseFree()).initial(1, 1, 0).build();
        return new PhaseSchedule(p, phases, PassExecutor.sequential(), Ticker.system(), List.of());
    }

    static List<PhaseSpec> three() {
        return List.of(PhaseSpec.warmup("warm c", WARM).freeze("*", true).freeze("c", false),
                PhaseSpec.gaussNewton("gn all", GN).freeze("**", false),
                PhaseSpec.gaussNewton("gn again", GN));
    }

    @Test
    void t11FreezingIsExact() throws Exception {
        PhaseSchedule s = schedule(three());
        s.runNext();
        double[] after = s.parameters();
        assertEquals(0, Double.compare(1.0, after[0]), "a frozen: bit-identical");
        assertEquals(0, Double.compare(1.0, after[1]), "b frozen: bit-identical");
        assertNotEquals(0.0, after[2], "c moved");
        s.runNext();
        double[] t = s.parameters();
        for (int k = 0; k < 3; k++) {
            assertTrue(Math.abs(t[k] - TRUTH[k]) / TRUTH[k] < 1e-8, "parameter " + k + " = " + t[k]);
        }
    }

    @Test
    void t12StateMachine() throws Exception {
        PhaseSchedule s = schedule(three());
        assertTrue(s.runNext());
        assertEquals(new PhaseSchedule.Status(1, 3, 1, List.of(State.COMPLETED, State.PENDING, State.PENDING), false), s.status());
        assertThrows(IllegalStateException.class, () -> s.runPhase(2));
        s.skip(1);
        assertEquals(List.of(State.COMPLETED, State.SKIPPED, State.PENDING), s.status().states());
        assertEquals(1, s.status().completed());
        assertTrue(s.runNext());
        assertTrue(s.isComplete());
        assertFalse(s.runNext());
        assertThrows(IllegalStateException.class, () -> s.skip(0));
    }

    @Test
    void t13ResetFromRestoresWhatThePhaseStartedFrom() throws Exception {
        PhaseSchedule s = schedule(three());
        s.skip(0);
        s.runPhase(1);
        double[] endOfPhase1 = s.parameters();
        s.runPhase(2);
        s.resetFrom(2);
        assertArrayEquals(endOfPhase1, s.parameters(), 0.0, "the entry of phase 2 is the end of phase 1");
        assertEquals(List.of(State.SKIPPED, State.COMPLETED, State.PENDING), s.status().states());
    }

    @Test
    void t14ReruningIsDeterministic() throws Exception {
        PhaseSchedule s = schedule(three());
        while (s.runNext()) {
            // all phases
        }
        double[] first = s.parameters();
        List<Double> history = s.lossHistory(1);
        int best = s.bestPhase().orElseThrow();
        assertTrue(best >= 1, "a Gauss-Newton phase has the lowest cost: " + best);
        for (int i = 0; i < 3; i++) {
            assertTrue(s.result(best).cost() <= s.result(i).cost());
        }
        assertFalse(history.isEmpty());
        s.resetFrom(1);
        assertEquals(0, s.bestPhase().orElseThrow(), "only phase 0 is still completed");
        while (s.runNext()) {
            // again from phase 1
        }
        assertArrayEquals(first, s.parameters(), 0.0);
        assertEquals(history, s.lossHistory(1));
        s.reset();
        while (s.runNext()) {
            // all again
        }
        assertArrayEquals(first, s.parameters(), 0.0);
    }

    @Test
    void t18AFailingPhaseGoesBackToPendingWithItsEntrySnapshot() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        RowModel flaky = new RowModel(List.of("a", "b", "c"), List.of("x"), "flaky decay", (x, p, g) -> {
            if (broken.get() && g != null && p[1] != 1.0) {
                throw new IllegalStateException("simulated failure");
            }
            double e = Math.exp(-p[1] * x[0]);
            if (g != null) {
                g[0] = e;
                g[1] = -p[0] * x[0] * e;
                g[2] = 1;
            }
            return p[0] * e + p[2];
        });
        FitProblem p = FitProblem.builder(flaky, noiseFree()).initial(1, 1, 0).build();
        PhaseSchedule s = new PhaseSchedule(p, three(), PassExecutor.sequential(), Ticker.system(), List.of());
        s.runNext(); // b frozen at 1: no failure
        double[] entry = s.parameters();
        assertThrows(IllegalStateException.class, s::runNext);
        assertEquals(State.PENDING, s.status().states().get(1));
        assertArrayEquals(entry, s.parameters(), 0.0);
        broken.set(false);
        assertTrue(s.runNext());
        assertEquals(State.COMPLETED, s.status().states().get(1));
    }

    @Test
    void t16PatternRules() {
        assertTrue(PhaseSchedule.glob("*.p").matcher("a.p").matches());
        assertFalse(PhaseSchedule.glob("*.p").matcher("p").matches());
        assertTrue(PhaseSchedule.glob("**.p").matcher("p").matches());
        assertTrue(PhaseSchedule.glob("**.p").matcher("a.b.c.p").matches());
        assertTrue(PhaseSchedule.glob("mu?").matcher("mu1").matches());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> schedule(List.of(PhaseSpec.gaussNewton("gn", GN).freeze("width*", true))));
        assertTrue(e.getMessage().contains("'width*' matches no parameter"), e.getMessage());
    }

    /** T1.5: a scripted optimiser with loss 10 + 1000·e^(−i/20) under the spectracles cadence. */
    static List<Double> scripted(PlateauRule rule, int maxSteps) {
        List<Double> losses = new java.util.ArrayList<>();
        for (int i = 0; i < maxSteps; i++) {
            losses.add(10 + 1000 * Math.exp(-i / 20.0));
            if (rule.reached(losses)) {
                break;
            }
        }
        return losses;
    }

    @Test
    void t15PlateauNumbers() {
        assertEquals(301, scripted(PlateauRule.spectraclesCompat(1e-2), 10_000).size(), "stops at step 300");
        assertEquals(101, scripted(PlateauRule.spectraclesCompat(), 10_000).size(), "1e2 stops at step 100");
        assertEquals(401, scripted(PlateauRule.spectraclesCompat(1e-4), 10_000).size(), "1e-4 stops at step 400");
        assertEquals(100, scripted(PlateauRule.spectraclesCompat(1e-2), 100).size(), "maxSteps 100: no check made");
        assertThrows(IllegalArgumentException.class, () -> new PlateauRule(0, PlateauRule.Mode.ABSOLUTE, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PlateauRule(1, PlateauRule.Mode.RELATIVE, 5, 1, 2));
    }

    @Test
    void plateauEndsAScheduledPhaseAndTheNextOneRuns() throws Exception {
        PlateauRule always = new PlateauRule(Double.MAX_VALUE, PlateauRule.Mode.ABSOLUTE, 1, 1, 3);
        PhaseSchedule s = schedule(List.of(
                PhaseSpec.warmup("warm", WARM).plateau(always),
                PhaseSpec.gaussNewton("gn short", GN).plateau(new PlateauRule(Double.MAX_VALUE, PlateauRule.Mode.ABSOLUTE, 1, 1, 1)),
                PhaseSpec.gaussNewton("gn", GN)));
        s.runNext();
        assertEquals(4, s.lossHistory(0).size(), "stopped at step 3");
        assertEquals("plateau", s.stopReason(0));
        s.runNext();
        assertEquals(2, s.lossHistory(1).size(), "stopped at step 1");
        assertEquals("plateau", s.stopReason(1));
        s.runNext();
        assertNotEquals("plateau", s.stopReason(2));
        double[] t = s.parameters();
        for (int k = 0; k < 3; k++) {
            assertTrue(Math.abs(t[k] - TRUTH[k]) / TRUTH[k] < 1e-8, "parameter " + k + " = " + t[k]);
        }
        assertTrue(Double.isFinite(s.lastResult().stderr()[0]));
        s.resetFrom(1);
        assertEquals(null, s.stopReason(1));
    }

    @Test
    void relativePlateauStopsAConvergedGaussNewtonEarlier() throws Exception {
        int n = 10_000;
        double[] x = new double[n];
        double[] y = new double[n];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            x[i] = 5.0 * i / (n - 1);
            y[i] = TRUTH[0] * Math.exp(-TRUTH[1] * x[i]) + TRUTH[2] + 0.05 * (rng.nextDouble() - 0.5);
        }
        FitProblem noisy = FitProblem.builder(new DecayModel(), InMemoryDataSource.ofXY(x, y, 1_000)).initial(1, 1, 0).build();
        PhaseSchedule plain = new PhaseSchedule(noisy, List.of(PhaseSpec.gaussNewton("gn", GN)),
                PassExecutor.sequential(), Ticker.system(), List.of());
        plain.runNext();
        PhaseSchedule early = new PhaseSchedule(noisy, List.of(PhaseSpec.gaussNewton("gn", GN).plateau(PlateauRule.relative(1e-2))),
                PassExecutor.sequential(), Ticker.system(), List.of());
        early.runNext();
        assertEquals("plateau", early.stopReason(0));
        assertTrue(early.lossHistory(0).size() < plain.lossHistory(0).size(),
                early.lossHistory(0) + " vs " + plain.lossHistory(0));
    }

    @Test
    void t16BuilderResolution() {
        assertEquals(java.util.Set.of(1, 2, 3), FreePlan.freeAfter(1).resolve(4));
        assertEquals(java.util.Set.of(1, 3), FreePlan.fixedIn(0, 2).resolve(4));
        assertEquals(java.util.Set.of(0, 2), FreePlan.freeIn(0).or(FreePlan.fixedIn(1)).resolve(3), "fixedIn wins");
        assertEquals(java.util.Set.of(), FreePlan.freeAfter(5).resolve(3));
        assertEquals(java.util.Set.of(0, 1), FreePlan.freeUntil(1).resolve(4));
        assertThrows(IllegalArgumentException.class, () -> FreePlan.freeIn(-1));
    }

    @Test
    void theBuilderGivesTheSameScheduleAsHandWrittenFreezes() throws Exception {
        List<PhaseSpec> built = ScheduleBuilder.of(List.of(PhaseSpec.warmup("warm c", WARM),
                        PhaseSpec.gaussNewton("gn all", GN), PhaseSpec.gaussNewton("gn again", GN)))
                .param("c", FreePlan.freeAfter(0))
                .param("a", FreePlan.freeAfter(1))
                .param("b", FreePlan.fixedIn(0))
                .build();
        PhaseSchedule byBuilder = schedule(built);
        PhaseSchedule byHand = schedule(three());
        while (byBuilder.runNext()) {
            assertTrue(byHand.runNext());
            assertArrayEquals(byHand.parameters(), byBuilder.parameters(), 0.0);
            assertArrayEquals(byHand.fixedMask(), byBuilder.fixedMask());
        }
        assertTrue(byHand.isComplete());
    }

    @Test
    void randomInitialValuesNeedASeedAndRepeatWithIt() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> schedule(List.of(
                PhaseSpec.gaussNewton("gn", GN).set("a", new PhaseSchedule.InitSpec.Normal(2, 0.1)))));
        assertTrue(e.getMessage().contains("phase 'gn': set a: a random initial value needs a seed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> schedule(List.of(
                PhaseSpec.gaussNewton("gn", GN).set("a", new PhaseSchedule.InitSpec.Uniform(3, 1)).seed(1))));
        List<PhaseSpec> phases = List.of(
                PhaseSpec.warmup("random start", WARM).seed(42)
                        .set("a", new PhaseSchedule.InitSpec.Normal(2, 0.5))
                        .set("c", new PhaseSchedule.InitSpec.Uniform(0, 1))
                        .freeze("**", true).freeze("c", false),
                PhaseSpec.gaussNewton("gn", GN).freeze("**", false));
        PhaseSchedule s = schedule(phases);
        s.runNext();
        double a0 = s.parameters()[0];
        assertNotEquals(1.0, a0, "a drawn, not the start");
        s.runNext();
        double[] first = s.parameters();
        s.reset();
        s.runNext();
        assertEquals(0, Double.compare(a0, s.parameters()[0]), "the same seed draws the same value");
        s.runNext();
        assertArrayEquals(first, s.parameters(), 0.0);
        for (int k = 0; k < 3; k++) {
            assertTrue(Math.abs(first[k] - TRUTH[k]) / TRUTH[k] < 1e-8, "parameter " + k + " = " + first[k]);
        }
        FitProblem bounded = FitProblem.builder(new DecayModel(), noiseFree()).initial(1, 1, 0).bounds("a", 0, 1.5).build();
        PhaseSchedule outOfBounds = new PhaseSchedule(bounded, List.of(PhaseSpec.gaussNewton("gn", GN).set("a", 5.0)),
                PassExecutor.sequential(), Ticker.system(), List.of());
        IllegalArgumentException oob = assertThrows(IllegalArgumentException.class, outOfBounds::runNext);
        assertTrue(oob.getMessage().contains("a = 5.0, outside its bounds [0.0, 1.5]"), oob.getMessage());
        assertEquals(State.PENDING, outOfBounds.status().states().get(0));
    }
}
