package io.streamlsq.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Thread count never changes the bits; chunk size changes only rounding. */
class InvarianceTest {
    static ExecutorService pool;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(4);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static FitProblem peaks(DataSource source) {
        BuiltinProblem p = BuiltinProblem.PEAKS;
        return FitProblem.builder(p.model(), source).initial(p.start()).build();
    }

    @Test
    void oneTwoAndFourThreadsGiveBitIdenticalParameters() {
        threadCountInvariance(FitOptions.defaults());
    }

    @Test
    void onTheQrPathOneTwoAndFourThreadsGiveBitIdenticalParameters() {
        threadCountInvariance(FitOptions.builder().solver(io.streamlsq.options.Solver.QR).build());
    }

    private static void threadCountInvariance(FitOptions options) {
        DataSource source = SyntheticDataSource.of(BuiltinProblem.PEAKS, 300_000, 7_000, 11);
        FitResult one = Fits.fit(peaks(source), options, PassExecutor.sequential());
        assertTrue(one.termination().isConverged(), one.briefReport());
        for (int threads : new int[] {2, 4}) {
            FitResult many = Fits.fit(peaks(source), options, PassExecutor.parallel(pool, threads));
            assertArrayEquals(one.values(), many.values(), threads + " threads changed the parameters");
            assertArrayEquals(one.stderr(), many.stderr());
            assertEquals(one.passes(), many.passes());
            assertEquals(Double.doubleToRawLongBits(one.cost()), Double.doubleToRawLongBits(many.cost()));
        }
        double[] truth = BuiltinProblem.PEAKS.truth();
        for (int k = 0; k < truth.length; k++) {
            assertEquals(truth[k], one.values()[k], 6 * one.stderr()[k] + 1e-9, "parameter " + k);
        }
    }

    @Test
    void aPassGivesTheSameBitsOnAnyThreadCountAndFromAnyStartChunk() throws Exception {
        DataSource source = SyntheticDataSource.of(BuiltinProblem.DECAY, 100_000, 1_000, 5);
        List<String> cols = List.of("x", "y");
        double[] theta = {2, 1, 0.3};
        PassResult seq = run(PassExecutor.sequential(), source, cols, theta, 1);
        for (int threads : new int[] {2, 3, 4}) {
            PassResult par = run(PassExecutor.parallel(pool, threads), source, cols, theta, threads);
            assertTrue(seq.sums().sameBits(par.sums()), threads + " threads");
        }
        // resume-style: the first 40 chunks as `initial`, then a pass from chunk 40
        ChunkEvaluator ev = evaluator();
        var initial = io.streamlsq.accumulate.NormalEquations.empty(3);
        var contribution = io.streamlsq.accumulate.NormalEquations.empty(3);
        try (var cursor = source.open(cols, 0)) {
            for (int k = 0; k < 40; k++) {
                contribution.reset();
                ev.evaluate(cursor.next(), theta, EvalLevel.NORMAL, contribution);
                initial.merge(contribution);
            }
        }
        PassResult rest = PassExecutor.parallel(pool, 2).run(new PassRequest(source, cols, List.of(evaluator(), evaluator()),
                theta, EvalLevel.NORMAL, 40, initial, null));
        assertTrue(seq.sums().sameBits(rest.sums()));
        assertEquals(60, rest.chunks());
    }

    @Test
    void aSlowObserverDoesNotStopTheWorkersAndSeesEveryTotalInOrder() throws Exception {
        DataSource source = SyntheticDataSource.of(BuiltinProblem.DECAY, 100 * 1_000, 1_000, 4);
        List<String> cols = List.of("x", "y");
        double[] theta = {2, 1, 0.3};
        PassResult seq = run(PassExecutor.sequential(), source, cols, theta, 1);
        java.util.concurrent.atomic.AtomicLong evaluated = new java.util.concurrent.atomic.AtomicLong();
        DataSource counted = new io.streamlsq.data.ForwardingDataSource(source) {
            @Override
            public io.streamlsq.data.ChunkCursor open(List<String> columns, long firstChunk) throws java.io.IOException {
                io.streamlsq.data.ChunkCursor c = source.open(columns, firstChunk);
                return new io.streamlsq.data.ChunkCursor() {
                    @Override
                    public io.streamlsq.data.Chunk next() throws java.io.IOException {
                        evaluated.incrementAndGet(); // a chunk read: its worker got past the window
                        return c.next();
                    }

                    @Override
                    public void seek(long chunk) throws java.io.IOException {
                        c.seek(chunk);
                    }

                    @Override
                    public void close() throws java.io.IOException {
                        c.close();
                    }
                };
            }
        };
        List<ChunkEvaluator> evs = List.of(evaluator(), evaluator());
        List<Long> told = new ArrayList<>();
        List<Long> rows = new ArrayList<>();
        long[] seenWhileBlocked = {-1};
        PassObserver slow = (next, rowsDone, partial) -> {
            told.add(next);
            rows.add(rowsDone);
            if (next == 3) {
                // a checkpoint write that takes long: the workers must go on meanwhile (they used to wait on the
                // merge lock); this waits for them, not for a time, and gives up only if they never come
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (evaluated.get() < 3 + 6 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                seenWhileBlocked[0] = evaluated.get();
            }
        };
        PassResult par = PassExecutor.parallel(pool, 2).run(PassRequest.full(counted, cols, evs, theta, EvalLevel.NORMAL, slow));
        assertTrue(seenWhileBlocked[0] >= 9, "chunks read while the observer was busy: " + seenWhileBlocked[0]);
        assertTrue(seq.sums().sameBits(par.sums()));
        assertEquals(100, told.size());
        for (int k = 0; k < 100; k++) {
            assertEquals(k + 1, told.get(k));
            assertEquals((k + 1) * 1_000L, rows.get(k));
        }
    }

    private static ChunkEvaluator evaluator() {
        return new ChunkEvaluator(BuiltinProblem.DECAY.model(), new int[] {0, 1, 2}, List.of("x", "y"), false,
                Loss.linear(), 512);
    }

    private static PassResult run(PassExecutor ex, DataSource s, List<String> cols, double[] theta, int workers)
            throws Exception {
        List<ChunkEvaluator> evs = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            evs.add(evaluator());
        }
        return ex.run(PassRequest.full(s, cols, evs, theta, EvalLevel.NORMAL, null));
    }

    @Test
    void chunkSizesAgreeToTenDigits() {
        var base = Fits.decayRows(2_000_000, 1_000, 3);
        FitResult ref = null;
        for (int chunk : new int[] {1_000, 65_536, 1_000_000}) {
            var source = Fits.materialize(base, chunk);
            FitResult r = Fits.fit(FitProblem.builder(BuiltinProblem.DECAY.model(), source)
                    .initial(BuiltinProblem.DECAY.start()).build());
            assertTrue(r.termination().isConverged(), r.briefReport());
            if (ref == null) {
                ref = r;
                continue;
            }
            for (int k = 0; k < 3; k++) {
                assertEquals(ref.values()[k], r.values()[k], 1e-10 * Math.abs(ref.values()[k]),
                        "chunk " + chunk + " parameter " + k);
                assertEquals(ref.stderr()[k], r.stderr()[k], 1e-8 * ref.stderr()[k]);
            }
        }
    }
}
