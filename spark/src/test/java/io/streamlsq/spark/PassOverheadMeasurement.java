package io.streamlsq.spark;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.arrow.ParquetDataSource;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.exec.PassRequest;
import io.streamlsq.exec.PassResult;
import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import io.streamlsq.problems.BuiltinProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.sql.SparkSession;

/**
 * Not a test: measures, for docs/spark.md, the SparkSession start-up and the wall time of one NORMAL pass over a
 * Parquet file with the local engine (2 threads) and with the Spark executor (local[2], 2 and 8 partitions), checking
 * that both give the same bits. Arguments: rows (default 10 000 000), file (default /tmp/streamlsq-spark-1e7.parquet,
 * written if missing), repeats (default 5).
 */
public final class PassOverheadMeasurement {
    private PassOverheadMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Path file = Path.of(args.length > 1 ? args[1] : "/tmp/streamlsq-spark-1e7.parquet");
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        if (!Files.exists(file)) {
            long t = System.nanoTime();
            SparkTestKit.writeParquet(SyntheticDataSource.of(BuiltinProblem.DECAY, rows, 65_536, 1), file, 1 << 20);
            System.out.printf("wrote %s (%d rows, %.0f MB) in %.1f s%n", file, rows, Files.size(file) / 1e6,
                    (System.nanoTime() - t) / 1e9);
        }
        long t0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().master("local[2]").appName("pass-overhead")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        System.out.printf("SparkSession start-up (local[2]): %.2f s%n", (System.nanoTime() - t0) / 1e9);

        Model model = ExpressionCompiler.compile("a*exp(-b*x)+c", List.of("a", "b", "c"), List.of("x"));
        List<String> cols = List.of("x", "y");
        double[] theta = {2.4, 1.25, 0.45};
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (DataSource local = ParquetDataSource.open(file, InvalidRows.REFUSE, 65_536);
                SparkDataSource distributed = SparkDataSource.open(new ParquetSourceSpec(file.toString(),
                        InvalidRows.REFUSE, 65_536))) {
            System.out.printf("%d rows, %d chunks of <= 65536 rows%n", local.rowCount(), local.chunkCount());
            List<ChunkEvaluator> two = List.of(evaluator(model, cols), evaluator(model, cols));
            PassResult reference = null;
            String[] names = {"local engine, 2 threads", "Spark local[2], 2 partitions", "Spark local[2], 8 partitions"};
            PassExecutor[] executors = {PassExecutor.parallel(pool, 2),
                new SparkPassExecutor(spark.sparkContext(), 2), new SparkPassExecutor(spark.sparkContext(), 8)};
            for (int e = 0; e < executors.length; e++) {
                DataSource src = e == 0 ? local : distributed;
                List<ChunkEvaluator> evs = e == 0 ? two : List.of(evaluator(model, cols));
                List<Double> seconds = new ArrayList<>();
                for (int r = 0; r <= repeats; r++) { // the first is a warm-up
                    long t = System.nanoTime();
                    PassResult res = executors[e].run(PassRequest.full(src, cols, evs, theta, EvalLevel.NORMAL, null));
                    double s = (System.nanoTime() - t) / 1e9;
                    if (r > 0) {
                        seconds.add(s);
                    }
                    if (reference == null) {
                        reference = res;
                    } else if (!reference.sums().sameBits(res.sums())) {
                        throw new AssertionError(names[e] + ": sums differ from the local engine's");
                    }
                }
                double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("%-32s NORMAL pass: median %.2f s, min %.2f s, max %.2f s over %d (%s)%n", names[e],
                        sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], sorted.length,
                        Arrays.toString(Arrays.stream(sorted).map(x -> Math.round(x * 100) / 100.0).toArray()));
            }
            System.out.println("all passes: same bits as the local engine");
            // whole fits (default options: presolve on samples, then Gauss-Newton on the full data)
            var problem = java.util.function.Function.<DataSource>identity().andThen(src -> io.streamlsq.problem.FitProblem
                    .builder(model, src).bind("x", "x").y("y").initial(1.0, 0.5, 0.0).build());
            long t = System.nanoTime();
            var localFit = SparkTestKit.fit(problem.apply(local), io.streamlsq.options.FitOptions.defaults(),
                    PassExecutor.parallel(pool, 2));
            double localSeconds = (System.nanoTime() - t) / 1e9;
            t = System.nanoTime();
            var sparkFit = SparkTestKit.fit(problem.apply(distributed), io.streamlsq.options.FitOptions.defaults(),
                    new SparkPassExecutor(spark.sparkContext(), 2));
            double sparkSeconds = (System.nanoTime() - t) / 1e9;
            if (!Arrays.equals(localFit.values(), sparkFit.values()) || !Arrays.equals(localFit.stderr(), sparkFit.stderr())
                    || localFit.passes() != sparkFit.passes()) {
                throw new AssertionError("fits differ:\n" + localFit.fullReport() + "\n" + sparkFit.fullReport());
            }
            System.out.printf("whole fit, %d full passes, %d row evaluations: local engine (2 threads) %.1f s, Spark"
                    + " local[2] (2 partitions) %.1f s; same values, stderr and passes%n", localFit.passes(),
                    localFit.rowsEvaluated(), localSeconds, sparkSeconds);
        } finally {
            pool.shutdownNow();
            spark.stop();
        }
    }

    static ChunkEvaluator evaluator(Model model, List<String> cols) {
        return new ChunkEvaluator(model, new int[] {0, 1, 2}, cols, false, Loss.linear(),
                ChunkEvaluator.DEFAULT_BLOCK_ROWS);
    }
}
