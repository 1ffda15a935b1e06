package io.streamlsq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.arrow.ParquetDataSource;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.MemoryCheckpointStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 2: SparkFit over a {@code Dataset<Row>}, columns bound by name: the chunks are the Dataset's
 * partitions cut into chunkRows pieces, and the fit has the local engine's bits for those chunks (in memory, or read
 * through the source on the driver); invalid rows are refused with their row and column, or skipped and counted.
 */
class SparkFitDatasetTest {
    static final int CHUNK_ROWS = 8_192;
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void writeFile() throws IOException {
        file = SparkTestKit.decayParquet(dir, 60_000, 21);
    }

    static SparkSession spark() {
        return SparkTestKit.session("local[2]");
    }

    /** {@code signal ~ a*exp(-b*t)+c}: other names than the file's, bound by name. */
    static final Function<DataSource, FitProblem> PROBLEM = source -> FitProblem.builder(
            ExpressionCompiler.compile("a*exp(-b*t)+c", List.of("a", "b", "c"), List.of("t")), source)
            .bind("t", "time").y("signal").initial(1.0, 0.5, 0.0).build();

    static Dataset<Row> renamed(Dataset<Row> d) {
        return d.withColumnRenamed("x", "time").withColumnRenamed("y", "signal");
    }

    /** The Dataset's rows in partition order, in memory, in chunks of CHUNK_ROWS. */
    static InMemoryDataSource collected(Dataset<Row> d) {
        List<Row> rows = d.select("time", "signal").collectAsList();
        double[] t = new double[rows.size()];
        double[] s = new double[rows.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = rows.get(i).getDouble(0);
            s[i] = rows.get(i).getDouble(1);
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("time", t);
        m.put("signal", s);
        return new InMemoryDataSource(m, CHUNK_ROWS);
    }

    @Test
    void aDatasetReadFromParquetGivesTheLocalEnginesBits() throws IOException {
        Dataset<Row> d = renamed(spark().read().parquet(file.toString()));
        assertEquals(1, d.javaRDD().getNumPartitions(), "one small file, one partition");
        FitResult local = SparkTestKit.fit(PROBLEM.apply(collected(d)), FitOptions.defaults(), PassExecutor.sequential());
        SparkFit fit = SparkFit.on(spark());
        try (DatasetSource rows = fit.dataset(d, List.of("time", "signal"), InvalidRows.REFUSE, CHUNK_ROWS)) {
            assertEquals(8, rows.chunkCount());
            assertEquals(60_000, rows.rowCount());
            SparkPassExecutorTest.assertSameBits(local, fit.fit(PROBLEM.apply(rows)), "Dataset from Parquet");
        }
    }

    @Test
    void aDatasetInSeveralPartitionsGivesTheLocalEnginesBitsForItsChunks() throws IOException {
        // 4 partitions of 3 chunks each: the chunks are those of the rows in memory in partition order
        int n = 4 * 3 * CHUNK_ROWS;
        Dataset<Row> d = spark().range(0, n, 1, 4)
                .withColumn("time", functions.col("id").multiply(10.0 / n))
                .withColumn("signal", functions.exp(functions.col("time").multiply(-1.3)).multiply(2.5).plus(0.5)
                        .plus(functions.sin(functions.col("id").multiply(12.9898)).multiply(0.05)));
        FitResult local = SparkTestKit.fit(PROBLEM.apply(collected(d)), FitOptions.defaults(), PassExecutor.sequential());
        assertEquals(2.5, local.value("a"), 0.01);
        SparkFit fit = SparkFit.on(spark());
        try (DatasetSource rows = fit.dataset(d, List.of("time", "signal"), InvalidRows.REFUSE, CHUNK_ROWS)) {
            assertEquals(12, rows.chunkCount());
            SparkPassExecutorTest.assertSameBits(local, fit.fit(PROBLEM.apply(rows)), "4 partitions");
        }
        // 5 uneven partitions (about 19 660 rows: chunks of 8192, 8192 and a remainder in each): Spark's passes against
        // the local engine reading the same chunks through the source on the driver
        Dataset<Row> uneven = d.repartitionByRange(5, functions.col("id"));
        try (DatasetSource rows = fit.dataset(uneven, List.of("time", "signal"), InvalidRows.REFUSE, CHUNK_ROWS)) {
            assertEquals(15, rows.chunkCount(), rows.fingerprint());
            FitResult onDriver = SparkTestKit.fit(PROBLEM.apply(rows), FitOptions.defaults(), PassExecutor.sequential());
            SparkPassExecutor ex = fit.executor();
            FitResult onSpark = SparkTestKit.fit(PROBLEM.apply(rows), FitOptions.defaults(), ex);
            assertEquals(0, ex.passesOnDriver());
            SparkPassExecutorTest.assertSameBits(onDriver, onSpark, "5 uneven partitions");
            assertTrue(onSpark.passes() >= 3, onSpark.fullReport());
        }
    }

    @Test
    void aDatasetFitResumesFromAMidPassCheckpointWithTheSameBits() throws IOException {
        // 3 partitions by ranges of x: a layout that differs from the file's row order
        Dataset<Row> d = renamed(spark().read().parquet(file.toString())).repartitionByRange(3, functions.col("time"))
                .sortWithinPartitions("time");
        SparkFit fit = SparkFit.on(spark());
        try (DatasetSource rows = fit.dataset(d, List.of("time", "signal"), InvalidRows.REFUSE, 4_096)) {
            MemoryCheckpointStore store = new MemoryCheckpointStore();
            FitResult plain = fit.fit(PROBLEM.apply(rows));
            FitResult written = fit.fit(PROBLEM.apply(rows), io.streamlsq.resume.Checkpointing.to(store,
                    SparkResumeTest.EVERY_4_CHUNKS));
            SparkPassExecutorTest.assertSameBits(plain, written, "writing checkpoints");
            var mid = store.all.stream().filter(c -> c.fit().pending() != null && c.fit().passes() >= 2).findFirst()
                    .orElseThrow();
            MemoryCheckpointStore from = new MemoryCheckpointStore();
            from.chosen = mid;
            SparkPassExecutorTest.assertSameBits(plain, fit.resume(PROBLEM.apply(rows), io.streamlsq.resume.Checkpointing
                    .to(from, SparkResumeTest.EVERY_4_CHUNKS)), "resumed at " + mid.where());
        }
    }

    @Test
    void nullsAreRefusedWithTheirRowOrSkippedAndCounted() throws IOException {
        Dataset<Row> d = renamed(spark().read().parquet(file.toString()))
                .withColumn("id", functions.monotonically_increasing_id())
                .withColumn("signal", functions.when(functions.col("id").equalTo(12_345), functions.lit(null))
                        .otherwise(functions.col("signal")));
        SparkFit fit = SparkFit.on(spark());
        try (DatasetSource rows = fit.dataset(d, List.of("time", "signal"), InvalidRows.REFUSE, CHUNK_ROWS)) {
            var e = assertThrows(InvalidDataException.class, () -> fit.fit(PROBLEM.apply(rows)));
            assertEquals(12_345, e.row(), e.getMessage());
            assertEquals("signal", e.column(), e.getMessage());
        }
        try (DatasetSource rows = fit.dataset(d, List.of("time", "signal"), InvalidRows.SKIP, CHUNK_ROWS)) {
            assertEquals(59_999, rows.rowCount());
            FitResult r = fit.fit(PROBLEM.apply(rows));
            assertEquals(59_999, r.rows());
            assertEquals(1, rows.skippedRows());
            assertEquals(2.5, r.value("a"), 0.01);
        }
    }

    @Test
    void aProblemOverAnotherSourceIsRefused() throws IOException {
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS)) {
            FitProblem p = FitProblem.builder(ExpressionCompiler.compile("a*exp(-b*x)+c", List.of("a", "b", "c"),
                    List.of("x")), src).bind("x", "x").y("y").initial(1.0, 0.5, 0.0).build();
            var e = assertThrows(IllegalArgumentException.class, () -> SparkFit.on(spark()).fit(p));
            assertTrue(e.getMessage().contains("SparkFit.parquet"), e.getMessage());
        }
    }
}
