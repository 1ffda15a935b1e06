package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointPolicy;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.MemoryCheckpointStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 1: the presolve fits growing samples first, so the full-data Gauss-Newton phase needs at most four
 * passes on decay and peaks, and ends at the same optimum as without it.
 */
class PresolveTest {
    static final ExecutorService POOL = Executors.newFixedThreadPool(2);

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    static PhaseOrchestrator orchestrator(FitOptions o, int threads) {
        return new PhaseOrchestrator(o, threads == 1 ? PassExecutor.sequential() : PassExecutor.parallel(POOL, threads),
                Ticker.system(), List.of());
    }

    static FitProblem problem(BuiltinProblem p, DataSource source) {
        return FitProblem.builder(p.model(), source).initial(p.start()).build();
    }

    @Test
    void decayAndPeaksAt1e6And1e7RowsConvergeInAtMostFourFullPassesToTheSameOptimum() {
        for (BuiltinProblem p : new BuiltinProblem[] {BuiltinProblem.DECAY, BuiltinProblem.PEAKS}) {
            for (int rows : new int[] {1_000_000, 10_000_000}) {
                DataSource source = SyntheticDataSource.of(p, rows, 65_536, 1);
                FitResult off = Fits.fit(problem(p, source), FitOptions.builder().presolve(false).build(),
                        PassExecutor.parallel(POOL, 2));
                FitResult on = Fits.fit(problem(p, source), FitOptions.defaults(), PassExecutor.parallel(POOL, 2));
                String what = p.model().describe() + " at " + rows + " rows: " + on.briefReport();
                assertTrue(on.termination().isConverged() && off.termination().isConverged(), what);
                assertTrue(on.passes() <= 4, what);
                assertTrue(on.passes() < off.passes(), what + " vs " + off.briefReport());
                assertEquals(off.cost(), on.cost(), 1e-12 * off.cost(), what);
                for (int k = 0; k < on.values().length; k++) {
                    assertEquals(off.values()[k], on.values()[k], 1e-3 * off.stderr()[k], what + ", parameter " + k);
                }
                assertTrue(on.rowsEvaluated() > on.passes() * rows, "sample work is counted: " + on.rowsEvaluated());
                assertTrue(on.iterations(PresolvePhase.NAME) > 0, what);
                assertTrue(on.presolveOutcome().matches("\\d stages?, last \\d+ rows.*"), on.presolveOutcome());
            }
        }
    }

    @Test
    void theStagesGrowByFourUpToAQuarterOfTheChunks() {
        assertEquals(List.of(), PresolvePhase.stages(15));
        assertEquals(List.of(4), PresolvePhase.stages(16));
        assertEquals(List.of(4, 16), PresolvePhase.stages(153));
        assertEquals(List.of(4, 16, 64, 256), PresolvePhase.stages(1526));
    }

    @Test
    void smallDataRunsNoPresolveAndGivesTheOldBits() {
        DataSource source = SyntheticDataSource.of(BuiltinProblem.DECAY, 100_000, 65_536, 3);
        FitResult on = Fits.fit(problem(BuiltinProblem.DECAY, source));
        FitResult off = Fits.fit(problem(BuiltinProblem.DECAY, source), FitOptions.builder().presolve(false).build(),
                PassExecutor.sequential());
        assertArrayEquals(off.values(), on.values());
        assertEquals(off.passes(), on.passes());
    }

    @Test
    void threadCountsGiveTheSameBitsWithThePresolve() {
        DataSource source = SyntheticDataSource.of(BuiltinProblem.PEAKS, 400_000, 8_192, 11);
        FitResult one = Fits.fit(problem(BuiltinProblem.PEAKS, source), FitOptions.defaults(), PassExecutor.sequential());
        FitResult two = Fits.fit(problem(BuiltinProblem.PEAKS, source), FitOptions.defaults(), PassExecutor.parallel(POOL, 2));
        assertTrue(one.iterations(PresolvePhase.NAME) > 0);
        assertArrayEquals(one.values(), two.values());
        assertArrayEquals(one.stderr(), two.stderr());
        assertEquals(one.rowsEvaluated(), two.rowsEvaluated());
    }

    /** 400 000 rows of a damped oscillation in 100 chunks: a fit with several presolve stages. */
    private static FitProblem oscillation() {
        int n = 400_000;
        double[] x = new double[n];
        double[] y = new double[n];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            x[i] = 10.0 * rng.nextDouble();
            y[i] = 2 * Math.exp(-0.3 * x[i]) * Math.cos(3 * x[i]) + 0.5 + 0.05 * rng.nextGaussian();
        }
        return FitProblem.builder(OscillationWarmupTest.OSC, InMemoryDataSource.ofXY(x, y, 4_000))
                .initial(1.5, 0.4, 3.05, 0.3).build();
    }

    /** A resume from every checkpoint, those written before each presolve stage included, ends with the same bits. */
    @Test
    void aResumeFromEveryCheckpointInsideAndAfterThePresolveGivesTheSameBits() throws IOException {
        FitProblem p = oscillation();
        FitOptions o = FitOptions.defaults();
        FitResult plain = orchestrator(o, 1).fit(p);
        assertTrue(plain.iterations(PresolvePhase.NAME) > 0, plain.fullReport());
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointPolicy everyTenChunks = new CheckpointPolicy(Duration.ofDays(1), 10, true);
        orchestrator(o, 2).fit(p, Checkpointing.to(store, everyTenChunks));
        List<Integer> stages = new ArrayList<>();
        for (Checkpoint c : new ArrayList<>(store.all)) {
            if (c.fit().phase().equals(PresolvePhase.NAME)) {
                stages.add(c.fit().presolveStage());
            }
            MemoryCheckpointStore from = new MemoryCheckpointStore();
            from.chosen = c;
            FitResult r = orchestrator(o, 2).resume(p, Checkpointing.to(from, everyTenChunks));
            assertArrayEquals(plain.values(), r.values(), "resumed at " + c.where());
            assertArrayEquals(plain.stderr(), r.stderr(), "resumed at " + c.where());
            assertEquals(plain.passes(), r.passes(), "resumed at " + c.where());
            assertEquals(plain.rowsEvaluated(), r.rowsEvaluated(), "resumed at " + c.where());
        }
        assertTrue(stages.containsAll(List.of(0, 1)), "checkpoints before each stage: " + stages);
    }

    /**
     * A stop requested while a presolve stage is fitting its sample stops the fit there (the stage's chunk merges and
     * resume points consult the stop), not at the next stage: the checkpoint is the stage's start, and the resume
     * gives the uninterrupted bits.
     */
    @Test
    void aStopInsideAPresolveStageStopsThereAndTheResumeGivesTheSameBits() throws IOException {
        FitProblem p = oscillation();
        FitOptions o = FitOptions.defaults();
        FitResult plain = orchestrator(o, 1).fit(p);
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        // asked twice at the phases' resume points, at stage 0's start, then at stage 0's first chunk merge
        Checkpointing ck = new Checkpointing(store, new CheckpointPolicy(Duration.ofDays(1), 0, false),
                java.util.Map.of(), null, () -> asked.incrementAndGet() > 3);
        assertThrows(io.streamlsq.resume.FitInterruptedException.class, () -> orchestrator(o, 2).fit(p, ck));
        Checkpoint c = store.chosen;
        assertEquals(PresolvePhase.NAME, c.fit().phase());
        assertEquals(0, c.fit().presolveStage(), "stopped inside the first stage, not before the second");
        FitResult r = orchestrator(o, 2).resume(p, Checkpointing.to(store, new CheckpointPolicy(Duration.ofDays(1), 0, true)));
        assertArrayEquals(plain.values(), r.values());
        assertArrayEquals(plain.stderr(), r.stderr());
        assertEquals(plain.passes(), r.passes());
        assertEquals(plain.rowsEvaluated(), r.rowsEvaluated());
    }
}
