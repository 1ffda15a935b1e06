package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.result.PhaseTiming;
import io.streamlsq.testkit.Fits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Phase 1: each guard fires in the case built for it and not in the others; the warmup saves full passes. */
// The presolve is off here: these tests measure what the warmup alone saves (PresolveTest measures the presolve).
class WarmupTest {
    static final SyntheticDataSource DECAY = SyntheticDataSource.of(BuiltinProblem.DECAY, 2_000_000, 65_536, 3);
    static final Set<String> ALL = Set.of("warm_start", "step_refinement", "step_careful", "step_exploration",
            "step_fixed", "cost_increase", "step_clip");

    private static FitResult fit(double[] p0, WarmupOptions w, int maxPasses, List<String> events) {
        FitProblem p = FitProblem.builder(BuiltinProblem.DECAY.model(), DECAY).initial(p0).build();
        FitListener l = new FitListener() {
            @Override
            public void onGuard(String guard, String detail) {
                events.add(guard);
            }
        };
        return Fits.fit(p, FitOptions.builder().presolve(false).warmup(w).maxPasses(maxPasses).build(), PassExecutor.sequential(), l);
    }

    /** The guards that acted, checked against the events the listeners saw. */
    private static Set<String> fired(FitResult r, List<String> events) {
        assertEquals(r.guardTriggers().values().stream().mapToLong(Long::longValue).sum(), events.size());
        for (Map.Entry<String, Long> e : r.guardTriggers().entrySet()) {
            assertEquals(e.getValue(), events.stream().filter(e.getKey()::equals).count(), e.getKey());
        }
        return r.guardTriggers().keySet();
    }

    @Test
    void warmStartDetectionSkipsTheWarmupAtAGoodStart() {
        // noise 0.01: at the truth, loss / var(y) = 1e-4 / 0.20 = 5e-4 < 0.01 (with noise 0.05 it is 0.012)
        BuiltinProblem d = BuiltinProblem.DECAY;
        SyntheticDataSource quiet = new SyntheticDataSource(d.model(), d.truth(), d.xMin(), d.xMax(), 0.01, 5, 500_000, 65_536);
        List<String> ev = new ArrayList<>();
        FitListener l = new FitListener() {
            @Override
            public void onGuard(String guard, String detail) {
                ev.add(guard);
            }
        };
        FitResult r = Fits.fit(FitProblem.builder(d.model(), quiet).initial(d.truth()).build(),
                FitOptions.builder().presolve(false).warmup(WarmupOptions.on()).build(), PassExecutor.sequential(), l);
        assertEquals(Set.of("warm_start"), fired(r, ev));
        assertEquals(0, r.iterations("warmup"));
        assertEquals("warm start", r.warmupOutcome());
    }

    @Test
    void theInitialStepFollowsTheRelativeLoss() {
        WarmupOptions noWarmStart = WarmupOptions.on().withGuards(false, true, false, false);
        double[][] starts = {{2.4, 1.25, 0.5}, {1.5, 0.9, 0.7}, {10, 0.05, -3}};
        String[] modes = {"step_refinement", "step_careful", "step_exploration"};
        for (int i = 0; i < 3; i++) {
            List<String> ev = new ArrayList<>();
            FitResult r = fit(starts[i], noWarmStart, 1, ev);
            assertEquals(Set.of(modes[i]), fired(r, ev), "start " + i + ": " + r.guardTriggers());
        }
        List<String> ev = new ArrayList<>();
        FitResult fixed = fit(starts[2], WarmupOptions.on().withGuards(false, false, false, false), 1, ev);
        assertEquals(Set.of("step_fixed"), fired(fixed, ev));
    }

    @Test
    void theCostIncreaseGuardReturnsTheBestPoint() {
        // a huge fixed first step, nothing clipping it: the first trial overshoots far beyond the start's loss
        double[] start = {1, 0.5, 0};
        WarmupOptions w = WarmupOptions.on().withGuards(false, false, true, false).withFixedStep(50);
        List<String> ev = new ArrayList<>();
        FitResult r = fit(start, w, 1, ev); // one pass: Gauss-Newton only evaluates the warmup's point
        assertEquals(Set.of("step_fixed", "cost_increase"), fired(r, ev));
        assertEquals("cost increase", r.warmupOutcome());
        assertArrayEquals(start, r.values(), 0.0, "the best point seen is the start itself");
    }

    @Test
    void stepClippingCapsEveryUpdate() {
        WarmupOptions w = WarmupOptions.on().withGuards(false, false, false, true).withFixedStep(1).withMaxStepNorm(0.01);
        List<String> ev = new ArrayList<>();
        FitResult r = fit(new double[] {1, 0.5, 0}, w, 1, ev);
        Set<String> f = fired(r, ev);
        assertTrue(f.contains("step_clip") && !f.contains("cost_increase") && !f.contains("warm_start"), f.toString());
        assertTrue(r.guardTriggers().get("step_clip") >= 1);
    }

    @Test
    void fromAFarStartTheWarmupSavesFullPassesAndReachesTheTruth() {
        double[] far = {10, 0.05, -3};
        FitResult alone = fit(far, WarmupOptions.defaults(), 500, new ArrayList<>());
        FitResult warm = fit(far, WarmupOptions.on(), 500, new ArrayList<>());
        assertTrue(alone.termination().isConverged() && warm.termination().isConverged(), warm.briefReport());
        double[] truth = BuiltinProblem.DECAY.truth();
        for (int k = 0; k < 3; k++) {
            assertEquals(truth[k], warm.values()[k], 5 * warm.stderr()[k], "parameter " + k);
            assertEquals(alone.values()[k], warm.values()[k], 1e-9 * Math.abs(alone.values()[k]));
        }
        assertTrue(warm.passes() < alone.passes(), "full passes with warmup " + warm.passes() + ", without " + alone.passes());
        assertTrue(warm.iterations("warmup") > 0);
    }

    @Test
    void theWarmupCostDoesNotGrowWithTheRows() {
        long[] warmupRows = new long[2];
        long[] sizes = {1_000_000, 100_000_000};
        for (int i = 0; i < 2; i++) {
            SyntheticDataSource s = SyntheticDataSource.of(BuiltinProblem.DECAY, sizes[i], 65_536, 3);
            FitProblem p = FitProblem.builder(BuiltinProblem.DECAY.model(), s).initial(1, 0.5, 0).build();
            FitResult r = Fits.fit(p, FitOptions.builder().presolve(false).warmup(WarmupOptions.on()).maxPasses(1).build(),
                    PassExecutor.sequential());
            warmupRows[i] = r.rowsEvaluated() - r.passes() * r.rows();
            assertTrue(r.iterations("warmup") > 0);
        }
        // both sample about 10⁶ rows; the L-BFGS paths differ slightly with the sampled chunks
        assertTrue(warmupRows[1] <= 1.5 * warmupRows[0] && warmupRows[0] <= 1.5 * warmupRows[1],
                "warmup row evaluations: " + warmupRows[0] + " at 10⁶ rows, " + warmupRows[1] + " at 10⁸");
        assertTrue(warmupRows[1] < sizes[1] / 2, "the warmup over 10⁸ rows costs less than half a pass");
    }

    @Test
    void aListenerStopInTheWarmupEndsTheFitWithACovariance() {
        FitProblem p = FitProblem.builder(BuiltinProblem.DECAY.model(), DECAY).initial(10, 0.05, -3).build();
        FitListener stopAtTwo = new FitListener() {
            @Override
            public Decision onIteration(IterationSummary s) {
                return s.iteration() >= 2 ? Decision.STOP : Decision.CONTINUE;
            }
        };
        FitResult r = Fits.fit(p, FitOptions.builder().presolve(false).warmup(WarmupOptions.on()).build(), PassExecutor.sequential(), stopAtTwo);
        assertEquals("stopped", r.termination().status(), r.briefReport());
        assertEquals(2, r.iterations("warmup"));
        assertEquals(0, r.iterations("gauss_newton"));
        assertEquals(1, r.passes(), "one NORMAL pass at the warmup's point, for the covariance");
        assertTrue(Double.isFinite(r.stderr()[0]) && r.stderr()[0] > 0, r.briefReport());
    }

    @Test
    void aFullWarmupReadsEveryRowAndCountsItsPasses() {
        SyntheticDataSource small = SyntheticDataSource.of(BuiltinProblem.DECAY, 200_000, 65_536, 3);
        double[] far = {10, 0.05, -3};
        FitProblem p = FitProblem.builder(BuiltinProblem.DECAY.model(), small).initial(far).build();
        FitResult sampled = Fits.fit(p, FitOptions.builder().presolve(false).warmup(WarmupOptions.on().withSampleRows(65_536)).build(),
                PassExecutor.sequential());
        FitResult full = Fits.fit(p, FitOptions.builder().presolve(false).warmup(WarmupOptions.on().withFullData()).build(),
                PassExecutor.sequential());
        assertTrue(full.termination().isConverged() && sampled.termination().isConverged(), full.briefReport());
        int gnPasses = full.phases().stream().filter(t -> t.name().equals("gauss_newton")).mapToInt(PhaseTiming::passes).sum();
        int warmPasses = full.phases().stream().filter(t -> t.name().equals("warmup")).mapToInt(PhaseTiming::passes).sum();
        assertTrue(warmPasses > full.iterations("warmup"), "at least one full pass per warmup iteration: " + warmPasses);
        assertEquals(full.passes(), gnPasses + warmPasses);
        assertEquals(0, sampled.phases().stream().filter(t -> t.name().equals("warmup")).mapToInt(PhaseTiming::passes).sum());
        for (int k = 0; k < 3; k++) {
            assertEquals(sampled.values()[k], full.values()[k], 1e-8 * Math.abs(sampled.values()[k]), "parameter " + k);
        }
    }

    @Test
    void adamWarmupFromAFarStartReachesTheSameMinimum() {
        double[] far = {10, 0.05, -3};
        FitResult alone = fit(far, WarmupOptions.defaults(), 500, new ArrayList<>());
        List<String> events = new ArrayList<>();
        FitResult adam = fit(far, WarmupOptions.on().withMethod(WarmupOptions.Method.ADAM), 500, events);
        assertTrue(adam.termination().isConverged(), adam.briefReport());
        for (int k = 0; k < 3; k++) {
            assertEquals(alone.values()[k], adam.values()[k], 1e-9 * Math.abs(alone.values()[k]), "parameter " + k);
        }
        assertTrue(adam.iterations("warmup") > 0);
        assertEquals(adam.guardTriggers().values().stream().mapToLong(Long::longValue).sum(), events.size());
    }
}
