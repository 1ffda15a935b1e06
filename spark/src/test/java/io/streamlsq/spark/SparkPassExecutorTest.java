package io.streamlsq.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.arrow.ParquetDataSource;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.Solver;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.DecayModel;
import io.streamlsq.result.FitResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: a fit whose passes run as Spark jobs has the same bits as the local engine (values, standard errors,
 * cost, passes, row evaluations) on a Parquet file, with local[1] and local[2], and with 1, 3 or 7 partitions per
 * pass; full passes and the presolve's sample passes run on Spark, none on the driver.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkPassExecutorTest {
    static final int CHUNK_ROWS = 8_192;
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void writeFile() throws IOException {
        file = SparkTestKit.decayParquet(dir, 120_000, 7);
    }

    /** The problem over any source with the file's columns. */
    static Function<DataSource, FitProblem> problem(Loss loss, boolean weighted) {
        var model = ExpressionCompiler.compile("a*exp(-b*x)+c", List.of("a", "b", "c"), List.of("x"));
        return source -> {
            FitProblem.Builder b = FitProblem.builder(model, source).bind("x", "x").y("y").initial(1.0, 0.5, 0.0)
                    .loss(loss);
            return (weighted ? b.sigma("sigma") : b).build();
        };
    }

    static FitResult local(Function<DataSource, FitProblem> p, FitOptions o, int threads) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS)) {
            return SparkTestKit.fit(p.apply(src), o, PassExecutor.parallel(pool, threads));
        } finally {
            pool.shutdownNow();
        }
    }

    static FitResult onSpark(Function<DataSource, FitProblem> p, FitOptions o, String master, int partitions) throws IOException {
        var spark = SparkTestKit.session(master);
        SparkPassExecutor ex = new SparkPassExecutor(spark.sparkContext(), partitions);
        try (SparkDataSource src = SparkDataSource.open(
                new ParquetSourceSpec(file.toString(), InvalidRows.REFUSE, CHUNK_ROWS))) {
            FitResult r = SparkTestKit.fit(p.apply(src), o, ex);
            assertEquals(0, ex.passesOnDriver(), "passes on the driver");
            assertTrue(ex.passesOnSpark() >= r.passes(), ex.passesOnSpark() + " Spark passes, " + r.passes());
            if (!r.presolveOutcome().equals("not run")) {
                assertTrue(ex.passesOnSpark() > r.passes(), "the presolve's sample passes ran on Spark too: "
                        + ex.passesOnSpark() + " Spark passes, " + r.passes() + " full passes");
            }
            return r;
        }
    }

    static void assertSameBits(FitResult expected, FitResult actual, String what) {
        assertArrayEquals(expected.values(), actual.values(), what + ": values");
        assertArrayEquals(expected.stderr(), actual.stderr(), what + ": stderr");
        assertEquals(Double.doubleToRawLongBits(expected.cost()), Double.doubleToRawLongBits(actual.cost()),
                what + ": cost " + expected.cost() + " vs " + actual.cost());
        assertEquals(expected.passes(), actual.passes(), what + ": passes");
        assertEquals(expected.rowsEvaluated(), actual.rowsEvaluated(), what + ": row evaluations");
        assertEquals(expected.termination(), actual.termination(), what + ": termination");
        assertEquals(expected.rows(), actual.rows(), what + ": rows");
        for (int i = 0; i < expected.covariance().length; i++) {
            assertArrayEquals(expected.covariance()[i], actual.covariance()[i], what + ": covariance row " + i);
        }
    }

    /** The bit-identity tests can fail: merging the same chunk contributions in another order changes the sums' bits. */
    @Test
    @Order(0)
    void theOrderOfTheMergeShowsInTheBits() throws IOException {
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS)) {
            FitProblem p = problem(Loss.linear(), false).apply(src);
            ChunkEvaluator ev = new ChunkEvaluator(p.model(), p.freeIndices(), p.columns(), false, Loss.linear(),
                    ChunkEvaluator.DEFAULT_BLOCK_ROWS);
            List<NormalEquations> parts = new ArrayList<>();
            try (ChunkCursor c = src.open(p.columns(), 0)) {
                for (Chunk k = c.next(); k != null; k = c.next()) {
                    NormalEquations n = NormalEquations.empty(3);
                    ev.evaluate(k, new double[] {2.4, 1.2, 0.4}, EvalLevel.NORMAL, n);
                    parts.add(n);
                }
            }
            NormalEquations inOrder = NormalEquations.empty(3);
            parts.forEach(inOrder::merge);
            NormalEquations reversed = NormalEquations.empty(3);
            for (int i = parts.size() - 1; i >= 0; i--) {
                reversed.merge(parts.get(i));
            }
            assertTrue(parts.size() > 10, parts.size() + " chunks");
            assertFalse(inOrder.sameBits(reversed), "chunk order does not show in the bits");
        }
    }

    @Test
    @Order(1)
    void localOneGivesTheLocalEnginesBits() throws IOException {
        Function<DataSource, FitProblem> p = problem( Loss.linear(), false);
        FitResult local = local(p, FitOptions.defaults(), 1);
        assertTrue(local.passes() >= 3, local.fullReport());
        assertEquals(2.5, local.value("a"), 0.01);
        assertSameBits(local, onSpark(p, FitOptions.defaults(), "local[1]", 1), "local[1], 1 partition");
        assertSameBits(local, onSpark(p, FitOptions.defaults(), "local[1]", 3), "local[1], 3 partitions");
    }

    @Test
    @Order(2)
    void localTwoWithOneThreeOrSevenPartitionsGivesTheLocalEnginesBits() throws IOException {
        Function<DataSource, FitProblem> p = problem( Loss.linear(), false);
        FitResult local = local(p, FitOptions.defaults(), 2);
        assertSameBits(local(p, FitOptions.defaults(), 1), local, "local engine, 2 threads vs 1");
        for (int parts : new int[] {1, 3, 7, 0}) {
            assertSameBits(local, onSpark(p, FitOptions.defaults(), "local[2]", parts), "local[2], " + parts + " partitions");
        }
    }

    @Test
    @Order(3)
    void weightedRobustAndQrFitsGiveTheLocalEnginesBits() throws IOException {
        Function<DataSource, FitProblem> p = problem( Loss.parse("soft_l1", 0.1), true);
        FitResult local = local(p, FitOptions.defaults(), 2);
        assertSameBits(local, onSpark(p, FitOptions.defaults(), "local[2]", 3), "weighted soft_l1");
        FitOptions qr = FitOptions.builder().solver(Solver.QR).build();
        Function<DataSource, FitProblem> plain = problem( Loss.linear(), false);
        FitResult localQr = local(plain, qr, 2);
        assertEquals("qr", localQr.numerics().solver());
        assertSameBits(localQr, onSpark(plain, qr, "local[2]", 7), "QR path");
    }

    /**
     * Curvature and smoothness terms: each chunk outcome carries its residual-series halo, and the driver's
     * chunk-ordered merge adds the seam rows, so Spark gives the local engine's bits with 3 partitions.
     */
    @Test
    @Order(4)
    void seriesTermsGiveTheLocalEnginesBits() throws IOException {
        Function<DataSource, FitProblem> p = source -> problem(Loss.linear(), false).apply(source).toBuilder()
                .seriesTerms(40.0, 3.0).build();
        FitResult local = local(p, FitOptions.defaults(), 2);
        assertTrue(local.cost() > local(problem(Loss.linear(), false), FitOptions.defaults(), 2).cost(),
                "the terms add to the cost");
        assertSameBits(local, onSpark(p, FitOptions.defaults(), "local[2]", 3), "series terms");
    }

    /** A NaN in the file: refused with the local engine's row and column, or skipped and counted as locally. */
    @Test
    @Order(5)
    void aNanIsRefusedOrSkippedAsByTheLocalEngine() throws IOException {
        Path bad;
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS)) {
            InMemoryDataSource rows = io.streamlsq.testkit.Fits.materialize(src, CHUNK_ROWS);
            Map<String, double[]> cols = new LinkedHashMap<>();
            for (String c : src.columnNames()) {
                double[] v = new double[(int) src.rowCount()];
                try (ChunkCursor cur = rows.open(List.of(c), 0)) {
                    for (Chunk k = cur.next(); k != null; k = cur.next()) {
                        System.arraycopy(k.column(0), k.offset(), v, (int) k.firstRow(), k.rows());
                    }
                }
                cols.put(c, v);
            }
            cols.get("y")[54_321] = Double.NaN;
            bad = SparkTestKit.writeParquet(new InMemoryDataSource(cols, 10_000), dir.resolve("nan.parquet"), 20_000);
        }
        var spark = SparkTestKit.session("local[2]");
        for (InvalidRows policy : InvalidRows.values()) {
            FitResult local = null;
            RuntimeException localError = null;
            try (DataSource src = ParquetDataSource.open(bad, policy, CHUNK_ROWS)) {
                local = SparkTestKit.fit(problem(Loss.linear(), false).apply(src), FitOptions.defaults(),
                        PassExecutor.sequential());
            } catch (InvalidDataException e) {
                localError = e;
            }
            try (SparkDataSource src = SparkDataSource.open(new ParquetSourceSpec(bad.toString(), policy, CHUNK_ROWS))) {
                var p = problem(Loss.linear(), false).apply(src);
                if (policy == InvalidRows.REFUSE) {
                    var e = assertThrows(InvalidDataException.class, () -> SparkTestKit.fit(p, FitOptions.defaults(),
                            new SparkPassExecutor(spark.sparkContext(), 3)));
                    assertTrue(localError instanceof InvalidDataException, String.valueOf(localError));
                    assertEquals(54_321, e.row(), e.getMessage());
                    assertEquals("y", e.column());
                    assertEquals(localError.getMessage(), e.getMessage());
                } else {
                    assertTrue(local != null, String.valueOf(localError));
                    assertSameBits(local, SparkTestKit.fit(p, FitOptions.defaults(),
                            new SparkPassExecutor(spark.sparkContext(), 3)), "SKIP");
                    assertEquals(119_999, local.rows());
                    assertEquals(1, src.skippedRows());
                }
            }
        }
    }

    @Test
    @Order(4)
    void aBuiltInModelTravelsByClassName() throws IOException {
        Function<DataSource, FitProblem> p = source -> FitProblem.builder(new DecayModel(), source).bind("x", "x").y("y")
                .initial(1.0, 0.5, 0.0).build();
        assertEquals(new ModelSpec.ByClass(DecayModel.class.getName()), ModelSpec.of(new DecayModel()));
        assertSameBits(local(p, FitOptions.defaults(), 1), onSpark(p, FitOptions.defaults(), "local[2]", 3),
                "DecayModel by class name");
        // central differences within bounds, around the same model
        Function<DataSource, FitProblem> numeric = source -> FitProblem.builder(
                new io.streamlsq.model.NumericJacobianModel(new DecayModel()), source).bind("x", "x").y("y")
                .initial(1.0, 0.5, 0.0).bounds("b", 0.1, 5).build();
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS)) {
            ModelSpec spec = ModelSpec.of(numeric.apply(src).model());
            assertTrue(spec instanceof ModelSpec.Numeric n
                    && n.delegate().equals(new ModelSpec.ByClass(DecayModel.class.getName())), spec.toString());
        }
        assertSameBits(local(numeric, FitOptions.defaults(), 2), onSpark(numeric, FitOptions.defaults(), "local[2]", 3),
                "NumericJacobianModel with bounds");
    }
}
