package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.ContentDigests;
import io.streamlsq.data.DataChangedException;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.testkit.MemoryCheckpointStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A resumed fit refuses data that changed after the checkpoint, wherever the change is: before the cursor
 * of the pass in progress (those rows are already in its partial sums), after it, in the last row, by one
 * unit in the last place. The file's cheap fingerprint (size, time, head and tail) is kept equal here, as an
 * edit in the middle of a CSV file that keeps its size and time does.
 */
class ChangedDataResumeTest {
    static final int ROWS = 40_000;
    static final int CHUNK = 4096;

    /** The same fingerprint whatever the content: a file edited in place without changing size or time. */
    static final class SameFingerprint extends io.streamlsq.data.ForwardingDataSource {
        final boolean randomAccess;

        SameFingerprint(double[] x, double[] y, boolean randomAccess) {
            super(InMemoryDataSource.ofXY(x, y, CHUNK));
            this.randomAccess = randomAccess;
        }

        @Override
        public boolean isRandomAccess() {
            return randomAccess; // false: read like a stream, from the start
        }

        @Override
        public String fingerprint() {
            return "file:size=1:mtime=1";
        }

        @Override
        public String describe() {
            return "data.csv";
        }
    }

    static double[][] data() {
        double[] x = new double[ROWS];
        double[] y = new double[ROWS];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < ROWS; i++) {
            x[i] = 10.0 * i / (ROWS - 1);
            y[i] = 2 * Math.exp(-0.3 * x[i]) * Math.cos(3 * x[i]) + 0.5 + 0.05 * rng.nextGaussian();
        }
        return new double[][] {x, y};
    }

    static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newFixedThreadPool(2);

    @org.junit.jupiter.api.AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    static PhaseOrchestrator orchestrator(FitOptions o) {
        return new PhaseOrchestrator(o, io.streamlsq.exec.PassExecutor.parallel(POOL, 2), Ticker.system(), List.of());
    }

    static boolean randomAccess = true;

    static FitProblem problem(double[] x, double[] y) {
        return FitProblem.builder(OscillationWarmupTest.OSC, new SameFingerprint(x, y, randomAccess))
                .initial(1.0, 0.5, 3.3, 0.0).build();
    }

    @Test
    void aChangeAnywhereIsRefusedFromEveryCheckpoint() throws IOException {
        randomAccess = true;
        changeAnywhere();
    }

    @Test
    void aChangeAnywhereInASequentialSourceIsRefusedFromEveryCheckpoint() throws IOException {
        randomAccess = false;
        try {
            changeAnywhere();
        } finally {
            randomAccess = true;
        }
    }

    private void changeAnywhere() throws IOException {
        double[][] d = data();
        FitOptions o = FitOptions.defaults();
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        FitResult plain = ResumeExactnessTest.orchestrator(o, 1).fit(problem(d[0], d[1]),
                Checkpointing.to(store, ResumeExactnessTest.EVERY_5_CHUNKS));
        assertTrue(store.all.size() > 10);
        int[] changedRows = {0, 5 * CHUNK + 17, 9 * CHUNK + 100, ROWS - 1};
        int refused = 0;
        int fresh = 0;
        for (Checkpoint c : new ArrayList<>(store.all)) {
            long[] known = c.fit().dataDigests();
            for (int row : changedRows) {
                for (boolean ulp : new boolean[] {false, true}) {
                    double[] y = d[1].clone();
                    y[row] = ulp ? Math.nextUp(y[row]) : y[row] + 1.0;
                    MemoryCheckpointStore from = new MemoryCheckpointStore();
                    from.chosen = c;
                    int chunk = row / CHUNK;
                    String where = "row " + row + " changed, resumed at " + c.where();
                    if (chunk < known.length && known[chunk] != 0) {
                        // read before the checkpoint: what the fit rests on changed
                        DataChangedException e = assertThrows(DataChangedException.class,
                                () -> orchestrator(o).resume(problem(d[0], y),
                                        Checkpointing.to(from, ResumeExactnessTest.EVERY_5_CHUNKS)), where);
                        assertTrue(e.getMessage().contains("chunk " + chunk), e.getMessage());
                        assertTrue(e.getMessage().startsWith("data.csv: rows " + chunk * CHUNK + " to "), e.getMessage());
                        refused++;
                    } else {
                        // never read before the kill: the resumed fit is the fit of the new data, bit for bit
                        FitResult r = orchestrator(o).resume(problem(d[0], y),
                                Checkpointing.to(from, ResumeExactnessTest.EVERY_5_CHUNKS));
                        FitResult f = orchestrator(o).fit(problem(d[0], y));
                        assertArrayEquals(f.values(), r.values(), where);
                        fresh++;
                    }
                }
            }
        }
        assertTrue(refused > 40, "refused: " + refused);
        assertTrue(fresh > 0, "resumed on data changed where not yet read: " + fresh);
        // and the unchanged data still resumes to the same bits
        MemoryCheckpointStore from = new MemoryCheckpointStore();
        from.chosen = store.all.get(store.all.size() / 2);
        FitResult r = orchestrator(o).resume(problem(d[0], d[1]),
                Checkpointing.to(from, ResumeExactnessTest.EVERY_5_CHUNKS));
        assertArrayEquals(plain.values(), r.values());
    }

    @Test
    void digestsSeeEveryValueRowCountAndPosition() throws IOException {
        double[][] d = data();
        InMemoryDataSource a = InMemoryDataSource.ofXY(d[0], d[1], CHUNK);
        long[] base = digests(a);
        for (int row : new int[] {0, 1, 2, 3, 4, 4095, 4096, ROWS - 1}) {
            for (int col = 0; col < 2; col++) {
                double[] x = d[0].clone();
                double[] y = d[1].clone();
                (col == 0 ? x : y)[row] = Math.nextDown((col == 0 ? x : y)[row]);
                long[] other = digests(InMemoryDataSource.ofXY(x, y, CHUNK));
                for (int k = 0; k < base.length; k++) {
                    assertEquals(k == row / CHUNK, base[k] != other[k], "row " + row + " column " + col + " chunk " + k);
                }
            }
        }
        ContentDigests all = new ContentDigests();
        try (ChunkCursor cur = a.open(List.of("x", "y"), 0)) {
            for (var ch = cur.next(); ch != null; ch = cur.next()) {
                all.check(a, ch);
            }
        }
        assertTrue(all.combined(a.chunkCount()) != 0);
        assertEquals(0, new ContentDigests().combined(a.chunkCount()), "unknown chunks: no combined digest");
    }

    private static long[] digests(InMemoryDataSource s) throws IOException {
        long[] out = new long[(int) s.chunkCount()];
        try (ChunkCursor cur = s.open(List.of("x", "y"), 0)) {
            for (var ch = cur.next(); ch != null; ch = cur.next()) {
                out[(int) ch.index()] = ContentDigests.digest(ch);
            }
        }
        return out;
    }
}
