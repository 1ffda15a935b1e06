package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointMismatchException;
import io.streamlsq.resume.CheckpointPolicy;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.resume.FitInterruptedException;
import io.streamlsq.testkit.MemoryCheckpointStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, in the core: from <em>every</em> checkpoint a fit writes (every few chunks, in every phase,
 * mid-pass and at resume points) a resumed fit ends with the same bits, passes and row evaluations as
 * the uninterrupted run, with one thread or two.
 */
class ResumeExactnessTest {
    static final ExecutorService POOL = Executors.newFixedThreadPool(2);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }


    static FitProblem problem(int rows) {
        double[] x = new double[rows];
        double[] y = new double[rows];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < rows; i++) {
            x[i] = 10.0 * i / (rows - 1);
            y[i] = 2 * Math.exp(-0.3 * x[i]) * Math.cos(3 * x[i]) + 0.5 + 0.05 * rng.nextGaussian();
        }
        return FitProblem.builder(OscillationWarmupTest.OSC, InMemoryDataSource.ofXY(x, y, 4096))
                .initial(1.0, 0.5, 3.3, 0.0).build();
    }

    static PhaseOrchestrator orchestrator(FitOptions o, int threads, FitListener... listeners) {
        PassExecutor ex = threads == 1 ? PassExecutor.sequential() : PassExecutor.parallel(POOL, threads);
        return new PhaseOrchestrator(o, ex, Ticker.system(), List.of(listeners));
    }

    /** The first chunk count a full pass reports after the start: shows where the first pass began. */
    static final class FirstProgress implements FitListener {
        long first = -1;

        @Override
        public void onPassProgress(long chunksDone, long rowsDone) {
            if (first < 0) {
                first = chunksDone;
            }
        }
    }

    static final CheckpointPolicy EVERY_5_CHUNKS = new CheckpointPolicy(Duration.ofDays(1), 5, true);

    private static void resumeFromEveryCheckpoint(FitOptions o, int threadsFirst, int threadsResume) throws IOException {
        resumeFromEveryCheckpoint(problem(40_000), o, threadsFirst, threadsResume);
    }

    /** A degree-6 polynomial on x in [0.5, 1.5]: the equilibrated J has κ ≈ 1e5, so AUTO changes to QR. */
    static FitProblem illConditioned(int rows) {
        double[] x = new double[rows];
        double[] y = new double[rows];
        SplittableRandom rng = new SplittableRandom(6);
        for (int i = 0; i < rows; i++) {
            x[i] = 0.5 + (double) i / (rows - 1);
            y[i] = Math.exp(x[i]) + 0.01 * rng.nextGaussian();
        }
        return FitProblem.builder(ConditioningTest.polynomial(6), InMemoryDataSource.ofXY(x, y, 1024))
                .initial(0, 0, 0, 0, 0, 0, 0).build();
    }

    private static void resumeFromEveryCheckpoint(FitProblem p, FitOptions o, int threadsFirst, int threadsResume)
            throws IOException {
        FitResult plain = orchestrator(o, threadsFirst).fit(p);
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        FitResult written = orchestrator(o, threadsFirst).fit(p, Checkpointing.to(store, EVERY_5_CHUNKS));
        assertArrayEquals(plain.values(), written.values(), "checkpointing does not change the fit");
        assertEquals(plain.passes(), written.passes());
        assertTrue(store.all.size() > 10, "checkpoints written: " + store.all.size());
        List<String> phases = new ArrayList<>();
        for (Checkpoint c : new ArrayList<>(store.all)) {
            store.chosen = c;
            phases.add(c.fit().phase() + (c.fit().pending() != null ? "*" : ""));
            MemoryCheckpointStore from = new MemoryCheckpointStore();
            from.chosen = c;
            FirstProgress progress = new FirstProgress();
            FitResult r = orchestrator(o, threadsResume, progress).resume(p, Checkpointing.to(from, EVERY_5_CHUNKS));
            if (c.fit().pending() != null && c.fit().pending().pass() == c.fit().passes() + 1
                    && c.fit().pending().nextChunk() < p.source().chunkCount()) {
                assertEquals(c.fit().pending().nextChunk() + 1, progress.first, "the pass went on from its cursor");
            }
            assertArrayEquals(plain.values(), r.values(), "resumed at " + c.where());
            assertArrayEquals(plain.stderr(), r.stderr(), "resumed at " + c.where());
            assertEquals(plain.passes(), r.passes(), "passes, resumed at " + c.where());
            assertEquals(plain.rowsEvaluated(), r.rowsEvaluated(), "row evaluations, resumed at " + c.where());
            assertEquals(plain.termination(), r.termination(), "resumed at " + c.where());
            assertEquals(plain.guardTriggers(), r.guardTriggers(), "resumed at " + c.where());
            assertTrue(r.resumed());
        }
        assertTrue(phases.contains("gauss_newton*") && phases.contains("finalize"), phases.toString());
        if (o.warmup().enabled()) {
            assertTrue(phases.contains("warmup"), phases.toString());
        }
    }

    @Test
    void theQrPathResumesWithTheSameBitsFromEveryCheckpoint() throws IOException {
        resumeFromEveryCheckpoint(FitOptions.builder().solver(io.streamlsq.options.Solver.QR).build(), 1, 1);
        resumeFromEveryCheckpoint(FitOptions.builder().solver(io.streamlsq.options.Solver.QR).build(), 2, 1);
    }

    @Test
    void anAutomaticChangeToQrResumesWithTheSameBitsFromEveryCheckpoint() throws IOException {
        FitProblem p = illConditioned(40_000);
        FitResult r = orchestrator(FitOptions.defaults(), 1).fit(p);
        assertEquals("qr", r.numerics().solver(), r.fullReport());
        assertTrue(r.numerics().note().startsWith("auto:"), r.numerics().note());
        resumeFromEveryCheckpoint(p, FitOptions.defaults(), 1, 1);
        resumeFromEveryCheckpoint(p, FitOptions.defaults(), 2, 2);
    }

    @Test
    void gaussNewtonResumesWithTheSameBitsFromEveryCheckpoint() throws IOException {
        resumeFromEveryCheckpoint(FitOptions.defaults(), 1, 1);
    }

    @Test
    void lbfgsWarmupOnASampleResumesWithTheSameBits() throws IOException {
        resumeFromEveryCheckpoint(FitOptions.builder().warmup(WarmupOptions.on().withSampleRows(10_000)).build(), 1, 1);
    }

    @Test
    void fullDataWarmupResumesMidLineSearchWithTheSameBits() throws IOException {
        resumeFromEveryCheckpoint(FitOptions.builder().warmup(WarmupOptions.on().withFullData()).build(), 1, 1);
    }

    @Test
    void adamWarmupResumesWithTheSameBits() throws IOException {
        resumeFromEveryCheckpoint(FitOptions.builder().warmup(WarmupOptions.on().withMethod(WarmupOptions.Method.ADAM)
                .withSampleRows(10_000)).build(), 1, 1);
    }

    @Test
    void writtenWithTwoThreadsResumedWithOneGivesTheSameBits() throws IOException {
        resumeFromEveryCheckpoint(FitOptions.builder().warmup(WarmupOptions.on().withFullData()).build(), 2, 1);
    }

    @Test
    void aStopRequestWritesACheckpointAndThrowsThenTheResumeFinishes() throws IOException {
        FitProblem p = problem(40_000);
        FitOptions o = FitOptions.defaults();
        FitResult plain = orchestrator(o, 1).fit(p);
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        AtomicInteger merges = new AtomicInteger();
        FitListener counter = new FitListener() {
            @Override
            public void onPassProgress(long chunksDone, long rowsDone) {
                merges.incrementAndGet();
            }
        };
        PhaseOrchestrator stopping = new PhaseOrchestrator(o, PassExecutor.sequential(), Ticker.system(), List.of(counter));
        Checkpointing ck = new Checkpointing(store, new CheckpointPolicy(Duration.ofDays(1), 0, false), java.util.Map.of(),
                null, () -> merges.get() >= 23);
        assertThrows(FitInterruptedException.class, () -> stopping.fit(p, ck));
        assertEquals(1, store.all.size());
        assertEquals(23 % 10, store.chosen.fit().pending().nextChunk(), "10 chunks per pass: stopped in pass 3 at chunk 3");
        FitResult r = orchestrator(o, 2).resume(p, Checkpointing.to(store, EVERY_5_CHUNKS));
        assertArrayEquals(plain.values(), r.values());
        assertEquals(plain.passes(), r.passes());
    }

    /**
     * A stop requested while a resumed fit is still in the pass it resumed half done: a checkpoint is written and the
     * fit stops there (not at the end of that pass), and resuming that checkpoint still gives the uninterrupted bits.
     */
    @Test
    void aStopDuringTheResumedPassStopsItHalfDoneAndTheSecondResumeFinishes() throws IOException {
        FitProblem p = problem(40_000);
        FitOptions o = FitOptions.defaults();
        FitResult plain = orchestrator(o, 1).fit(p);
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        AtomicInteger merges = new AtomicInteger();
        FitListener counter = new FitListener() {
            @Override
            public void onPassProgress(long chunksDone, long rowsDone) {
                merges.incrementAndGet();
            }
        };
        CheckpointPolicy none = new CheckpointPolicy(Duration.ofDays(1), 0, false);
        // the first pass (at the start point, before the Gauss-Newton loop's first resume point) is the one that
        // could not be stopped again once resumed
        assertThrows(FitInterruptedException.class, () -> new PhaseOrchestrator(o, PassExecutor.sequential(),
                Ticker.system(), List.of(counter)).fit(p, new Checkpointing(store, none, java.util.Map.of(), null,
                        () -> merges.get() >= 3)));
        assertEquals(3, store.chosen.fit().pending().nextChunk());
        assertEquals(1, store.chosen.fit().pending().pass());
        long pass = store.chosen.fit().pending().pass();
        merges.set(0);
        assertThrows(FitInterruptedException.class, () -> new PhaseOrchestrator(o, PassExecutor.sequential(),
                Ticker.system(), List.of(counter)).resume(p, new Checkpointing(store, none, java.util.Map.of(), null,
                        () -> merges.get() >= 2)));
        assertEquals(pass, store.chosen.fit().pending().pass(), "stopped in the resumed pass");
        assertEquals(5, store.chosen.fit().pending().nextChunk(), "two chunks after the cursor at 3");
        FitResult r = orchestrator(o, 2).resume(p, Checkpointing.to(store, EVERY_5_CHUNKS));
        assertArrayEquals(plain.values(), r.values());
        assertArrayEquals(plain.stderr(), r.stderr());
        assertEquals(plain.passes(), r.passes());
        assertEquals(plain.rowsEvaluated(), r.rowsEvaluated());
    }

    @Test
    void aCheckpointOfOtherDataOrAnotherModelIsRefusedSayingWhich() throws IOException {
        FitOptions o = FitOptions.defaults();
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        orchestrator(o, 1).fit(problem(40_000), Checkpointing.to(store, EVERY_5_CHUNKS));
        var e = assertThrows(CheckpointMismatchException.class,
                () -> orchestrator(o, 1).resume(problem(30_000), Checkpointing.to(store, EVERY_5_CHUNKS)));
        assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
        FitProblem other = FitProblem.builder(OscillationWarmupTest.OSC, problem(40_000).source())
                .initial(1.0, 0.5, 3.3, 0.0).fix("c").build();
        e = assertThrows(CheckpointMismatchException.class,
                () -> orchestrator(o, 1).resume(other, Checkpointing.to(store, EVERY_5_CHUNKS)));
        assertTrue(e.getMessage().contains("fixed"), e.getMessage());
    }
}
