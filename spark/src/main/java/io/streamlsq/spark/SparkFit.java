package io.streamlsq.spark;

import io.streamlsq.data.InvalidRows;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.FitListener;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.resume.Checkpointing;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Fits on Spark from Java: the same phases, options, checkpoints and result as a local fit, with every pass a Spark
 * job. Bind the problem's columns by name to a source made here:
 *
 * <pre>{@code
 * SparkFit spark = SparkFit.on(session).withPartitions(8);
 * try (DatasetSource rows = spark.dataset(df, List.of("t", "signal"), InvalidRows.REFUSE, 65_536)) {
 *     FitProblem p = FitProblem.builder(ExpressionCompiler.compile("a*exp(-b*t)+c", List.of("a", "b", "c"),
 *             List.of("t")), rows).bind("t", "t").y("signal").initial(1, 0.5, 0).build();
 *     FitResult r = spark.fit(p);
 * }
 * }</pre>
 *
 * Immutable; the session belongs to the caller.
 */
public final class SparkFit {
    private final SparkSession spark;
    private final int partitions;
    private final FitOptions options;
    private final List<FitListener> listeners;

    private SparkFit(SparkSession spark, int partitions, FitOptions options, List<FitListener> listeners) {
        this.spark = Objects.requireNonNull(spark, "spark");
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions = " + partitions + " must be >= 0");
        }
        this.partitions = partitions;
        this.options = Objects.requireNonNull(options, "options");
        this.listeners = List.copyOf(listeners);
    }

    /** Default options, the context's default parallelism for Parquet passes. */
    public static SparkFit on(SparkSession spark) {
        return new SparkFit(spark, 0, FitOptions.defaults(), List.of());
    }

    /** Partitions per pass over a Parquet file (a Dataset's passes use its own partitions); 0 = default parallelism. */
    public SparkFit withPartitions(int n) {
        return new SparkFit(spark, n, options, listeners);
    }

    public SparkFit withOptions(FitOptions o) {
        return new SparkFit(spark, partitions, o, listeners);
    }

    public SparkFit withListeners(List<FitListener> l) {
        return new SparkFit(spark, partitions, options, l);
    }

    /**
     * A Parquet file every executor can read at {@code path} (chunks of at most {@code chunkRows} rows within row
     * groups, as the local engine reads it). The caller closes it.
     */
    public SparkDataSource parquet(String path, InvalidRows policy, int chunkRows) throws IOException {
        return SparkDataSource.open(new ParquetSourceSpec(path, policy, chunkRows));
    }

    /** A Dataset's columns (by name) cut into chunks: see {@link DatasetSource#of}. The caller closes it. */
    public DatasetSource dataset(Dataset<Row> rows, List<String> columns, InvalidRows policy, int chunkRows) {
        return DatasetSource.of(rows, columns, policy, chunkRows);
    }

    /** A new pass executor on this session (for a {@link PhaseOrchestrator} or a schedule of one's own). */
    public SparkPassExecutor executor() {
        return new SparkPassExecutor(spark.sparkContext(), partitions);
    }

    /** Fits {@code problem}, whose source must come from {@link #parquet} or {@link #dataset}. */
    public FitResult fit(FitProblem problem) throws IOException {
        return orchestrator(problem).fit(problem);
    }

    /** Fits, writing checkpoints from the driver. */
    public FitResult fit(FitProblem problem, Checkpointing checkpointing) throws IOException {
        return orchestrator(problem).fit(problem, checkpointing);
    }

    /** Resumes from the latest checkpoint of {@code checkpointing}'s store. */
    public FitResult resume(FitProblem problem, Checkpointing checkpointing) throws IOException {
        return orchestrator(problem).resume(problem, checkpointing);
    }

    private PhaseOrchestrator orchestrator(FitProblem problem) {
        if (!(problem.source() instanceof DistributedSource)) {
            throw new IllegalArgumentException(problem.source().describe() + " cannot be read by Spark executors: make"
                    + " the problem's source with SparkFit.parquet or SparkFit.dataset");
        }
        return new PhaseOrchestrator(options, executor(), Ticker.system(), listeners);
    }
}
