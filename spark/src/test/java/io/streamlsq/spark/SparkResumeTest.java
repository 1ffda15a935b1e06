package io.streamlsq.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.arrow.ParquetDataSource;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.ContentDigests;
import io.streamlsq.exec.PassRequest;
import io.streamlsq.exec.PassResult;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.resume.CheckpointMismatchException;
import io.streamlsq.data.DataChangedException;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointPolicy;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.testkit.MemoryCheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: the driver of a Spark fit writes the same checkpoints as a local fit (the observer is told after every
 * merged chunk, in order), and a fit resumed from any of them (mid-pass included), on Spark or locally, ends with the
 * bits of the uninterrupted fit; a checkpoint of a local fit resumes on Spark; data changed under a checkpoint is
 * refused, and a chunk an executor reads that differs from the fit's digest stops the pass.
 */
class SparkResumeTest {
    static final int CHUNK_ROWS = 8_192;
    static final CheckpointPolicy EVERY_4_CHUNKS = new CheckpointPolicy(Duration.ofDays(1), 4, true);
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void writeFile() throws IOException {
        file = SparkTestKit.decayParquet(dir, 100_000, 11);
    }


    static final Function<DataSource, FitProblem> PROBLEM = source -> FitProblem.builder(
            io.streamlsq.expr.ExpressionCompiler.compile("a*exp(-b*x)+c", List.of("a", "b", "c"), List.of("x")), source)
            .bind("x", "x").y("y").initial(1.0, 0.5, 0.0).build();

    static SparkDataSource sparkSource(Path f) throws IOException {
        return SparkDataSource.open(new ParquetSourceSpec(f.toString(), InvalidRows.REFUSE, CHUNK_ROWS));
    }

    static SparkPassExecutor executor() {
        return new SparkPassExecutor(SparkTestKit.session("local[2]").sparkContext(), 3);
    }

    static PhaseOrchestrator orchestrator(PassExecutor ex) {
        return new PhaseOrchestrator(FitOptions.defaults(), ex, Ticker.system(), List.of());
    }

    static void assertSameBits(FitResult expected, FitResult actual, String what) {
        SparkPassExecutorTest.assertSameBits(expected, actual, what);
    }

    @Test
    void aSparkFitResumedFromItsCheckpointsEndsWithTheSameBits() throws IOException {
        FitResult plain;
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS)) {
            plain = orchestrator(PassExecutor.sequential()).fit(PROBLEM.apply(src));
        }
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        try (SparkDataSource src = sparkSource(file)) {
            FitResult written = orchestrator(executor()).fit(PROBLEM.apply(src), Checkpointing.to(store, EVERY_4_CHUNKS));
            assertSameBits(plain, written, "Spark fit writing checkpoints");
        }
        assertTrue(store.all.size() > 8, "checkpoints: " + store.all.size());
        List<String> where = new ArrayList<>();
        int midPass = 0;
        // every third checkpoint, and the last: mid-pass ones in the Gauss-Newton passes and at phase changes
        for (int i = 0; i < store.all.size(); i++) {
            if (i % 3 != 1 && i != store.all.size() - 1) {
                continue;
            }
            Checkpoint c = store.all.get(i);
            where.add(c.where());
            midPass += c.fit().pending() != null ? 1 : 0;
            MemoryCheckpointStore from = new MemoryCheckpointStore();
            from.chosen = c;
            try (SparkDataSource src = sparkSource(file)) {
                FitResult r = orchestrator(executor()).resume(PROBLEM.apply(src), Checkpointing.to(from, EVERY_4_CHUNKS));
                assertSameBits(plain, r, "resumed on Spark at " + c.where());
                assertTrue(r.resumed());
            }
        }
        assertTrue(midPass >= 2, "mid-pass checkpoints resumed: " + where);
        // a Spark fit's checkpoint resumes on the local engine, and a local fit's on Spark
        Checkpoint mid = store.all.stream().filter(c -> c.fit().pending() != null).skip(1).findFirst().orElseThrow();
        MemoryCheckpointStore from = new MemoryCheckpointStore();
        from.chosen = mid;
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS)) {
            assertSameBits(plain, orchestrator(PassExecutor.sequential()).resume(PROBLEM.apply(src),
                    Checkpointing.to(from, EVERY_4_CHUNKS)), "Spark checkpoint resumed locally at " + mid.where());
        }
    }

    /** Issue 14: a global search in front of a Spark fit (trials on the driver, finalists' passes on Spark) gives the
     * local fit's bits. */
    @Test
    void aGlobalSearchBeforeASparkFitGivesTheLocalBits() throws IOException {
        FitOptions o = FitOptions.builder().global(io.streamlsq.options.GlobalOptions.of(io.streamlsq.search.SearchMethod.de())
                .withBudget(16).withSampleRows(2000)).build();
        java.util.function.Function<DataSource, FitProblem> bounded = src -> PROBLEM.apply(src).toBuilder()
                .bounds("a", 0, 10).bounds("b", 0.01, 5).bounds("c", -2, 2).build();
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS);
                SparkDataSource onSpark = sparkSource(file)) {
            FitResult local = new PhaseOrchestrator(o, PassExecutor.sequential(), Ticker.system(), List.of())
                    .fit(bounded.apply(src));
            FitResult spark = new PhaseOrchestrator(o, executor(), Ticker.system(), List.of()).fit(bounded.apply(onSpark));
            assertSameBits(local, spark, "global search, then Spark passes");
            assertEquals(local.global().rowsEvaluated(), spark.global().rowsEvaluated());
            assertEquals(16, spark.global().trials());
        }
    }

    @Test
    void aLocalCheckpointResumesOnSparkAndChangedDataIsRefused() throws IOException {
        FitResult plain;
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS)) {
            plain = orchestrator(PassExecutor.sequential()).fit(PROBLEM.apply(src), Checkpointing.to(store, EVERY_4_CHUNKS));
        }
        // a checkpoint in the first Gauss-Newton pass: the chunks after its cursor have digests from the first pass
        Checkpoint mid = store.all.stream().filter(c -> c.fit().pending() != null && c.fit().passes() >= 1)
                .findFirst().orElseThrow();
        MemoryCheckpointStore from = new MemoryCheckpointStore();
        from.chosen = mid;
        try (SparkDataSource src = sparkSource(file)) {
            assertSameBits(plain, orchestrator(executor()).resume(PROBLEM.apply(src), Checkpointing.to(from, EVERY_4_CHUNKS)),
                    "local checkpoint resumed on Spark at " + mid.where());
        }
        // the file rewritten with other rows under the checkpoint: refused before any pass
        Path other = SparkTestKit.decayParquet(dir, 100_000, 12);
        Path changed = dir.resolve("changed.parquet");
        Files.copy(file, changed, StandardCopyOption.REPLACE_EXISTING);
        MemoryCheckpointStore store2 = new MemoryCheckpointStore();
        try (DataSource src = ParquetDataSource.open(changed, InvalidRows.REFUSE, CHUNK_ROWS)) {
            orchestrator(PassExecutor.sequential()).fit(PROBLEM.apply(src), Checkpointing.to(store2, EVERY_4_CHUNKS));
        }
        Files.copy(other, changed, StandardCopyOption.REPLACE_EXISTING);
        MemoryCheckpointStore from2 = new MemoryCheckpointStore();
        from2.chosen = store2.all.stream().filter(c -> c.fit().pending() != null && c.fit().passes() >= 1)
                .findFirst().orElseThrow();
        try (SparkDataSource src = sparkSource(changed)) {
            assertThrows(CheckpointMismatchException.class, () -> orchestrator(executor()).resume(PROBLEM.apply(src),
                    Checkpointing.to(from2, EVERY_4_CHUNKS)));
        }
    }

    /**
     * The content digests a pass request carries (a resumed fit's, from its checkpoint) are compared by the driver
     * with the executors' digests of the chunks they read: one chunk that differs stops the pass.
     */
    @Test
    void aChunkWhoseDigestDiffersFromTheFitsIsRefused() throws IOException {
        try (SparkDataSource src = sparkSource(file)) {
            FitProblem p = PROBLEM.apply(src);
            ChunkEvaluator ev = new ChunkEvaluator(p.model(), p.freeIndices(), p.columns(), false, Loss.linear(),
                    ChunkEvaluator.DEFAULT_BLOCK_ROWS);
            long[] digests = new long[(int) src.chunkCount()];
            try (ChunkCursor cursor = src.open(p.columns(), 0)) {
                for (Chunk c = cursor.next(); c != null; c = cursor.next()) {
                    digests[(int) c.index()] = ContentDigests.digest(c);
                }
            }
            double[] theta = {2.4, 1.2, 0.4};
            PassRequest plain = PassRequest.full(src, p.columns(), List.of(ev), theta, EvalLevel.NORMAL, null);
            PassResult local = PassExecutor.sequential().run(plain);
            PassResult checked = executor().run(plain.withDigests(new ContentDigests(digests)));
            assertTrue(local.sums().sameBits(checked.sums()), "sums of a pass whose digests match");
            assertEquals(src.chunkCount(), checked.chunks());
            digests[5] ^= 1;
            var e = assertThrows(DataChangedException.class,
                    () -> executor().run(plain.withDigests(new ContentDigests(digests))));
            assertTrue(e.getMessage().contains("chunk 5 "), e.getMessage());
        }
    }

    /** A Spark fit records the content digest of every chunk its executors read: its checkpoints hold the local fit's. */
    @Test
    void aSparkFitRecordsEveryChunksDigestInItsCheckpoints() throws IOException {
        MemoryCheckpointStore local = new MemoryCheckpointStore();
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS)) {
            orchestrator(PassExecutor.sequential()).fit(PROBLEM.apply(src), Checkpointing.to(local, EVERY_4_CHUNKS));
        }
        MemoryCheckpointStore spark = new MemoryCheckpointStore();
        long chunks;
        try (SparkDataSource src = sparkSource(file)) {
            chunks = src.chunkCount();
            orchestrator(executor()).fit(PROBLEM.apply(src), Checkpointing.to(spark, EVERY_4_CHUNKS));
        }
        long[] want = local.all.get(local.all.size() - 1).fit().dataDigests();
        long[] got = spark.all.get(spark.all.size() - 1).fit().dataDigests();
        assertEquals(chunks, want.length);
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, "the Spark fit's last checkpoint holds every digest");
    }
}
