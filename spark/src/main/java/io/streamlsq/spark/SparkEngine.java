package io.streamlsq.spark;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.exec.PassRequest;
import io.streamlsq.exec.PassResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark engine of {@code lsq fit --engine spark}: a {@link PassExecutor} over a {@link SparkPassExecutor} and the
 * session it runs on, plus the Parquet sources it reads. The {@code app} module has no compile-time dependency on
 * Spark; it finds this class by name (only for {@code --engine spark}) and calls {@link #parquet} and
 * {@link #start} by reflection, then uses the result through {@link PassExecutor} and {@link AutoCloseable}.
 *
 * <p>The session: under {@code spark-submit} (or in a program that already has one), the running session is used
 * and left running; its master must be the one asked for, unless none is asked for. Otherwise a session is made
 * for {@code master} and stopped by {@link #close()}. A session made here gets the driver JVM's module flags
 * ({@code --add-opens}, {@code --add-modules}, ...) as {@code spark.executor.extraJavaOptions} unless that is set,
 * so executors pick the driver's Gram kernel; for a {@code local[...]} master the driver binds to 127.0.0.1.
 */
public final class SparkEngine implements PassExecutor, AutoCloseable {
    /** Spark's log configuration for a session made here: warnings and errors only, on stderr. */
    static final String LOG_CONFIG = "io/streamlsq/spark/lsq-log4j2.properties";

    private final SparkSession session;
    private final boolean owned;
    private final SparkPassExecutor executor;
    private final int partitions;

    private SparkEngine(SparkSession session, boolean owned, int partitions) {
        this.session = session;
        this.owned = owned;
        this.partitions = partitions;
        this.executor = new SparkPassExecutor(session.sparkContext(), partitions);
    }

    /**
     * A Parquet file that the driver opens now and every executor opens at the same (absolute) path; needs no
     * session.
     */
    public static DataSource parquet(String absolutePath, InvalidRows policy, int chunkRows) throws IOException {
        return SparkDataSource.open(new ParquetSourceSpec(absolutePath, policy, chunkRows));
    }

    /**
     * Starts (or joins) a session.
     *
     * @param master a Spark master URL ({@code local[2]}, {@code spark://host:7077}, {@code yarn}, ...), or null for
     *     the running session's or spark-submit's ({@code spark.master}); {@code local[*]} when there is neither
     * @param partitions partitions per pass; 0 for the context's default parallelism
     */
    public static SparkEngine start(String master, int partitions) {
        if (partitions < 0) {
            throw new IllegalArgumentException("--spark-partitions = " + partitions + " must be >= 0 (0: Spark's default parallelism)");
        }
        SparkSession made = madeHere;
        if (made != null && !made.sparkContext().isStopped()) {
            if (master != null && !master.equals(made.sparkContext().master())) {
                throw new IllegalArgumentException("--spark-master " + master + ": the data was opened on "
                        + made.sparkContext().master());
            }
            return new SparkEngine(made, true, partitions); // made for the data by datasetOf: this run stops it
        }
        SparkSession running = SparkSession.getActiveSession().isDefined() ? SparkSession.getActiveSession().get()
                : SparkSession.getDefaultSession().isDefined() ? SparkSession.getDefaultSession().get() : null;
        if (running != null && !running.sparkContext().isStopped()) {
            String has = running.sparkContext().master();
            if (master != null && !master.equals(has)) {
                throw new IllegalArgumentException("--spark-master " + master + ": this JVM already runs a Spark session"
                        + " on " + has + " (under spark-submit, give the master to spark-submit and leave out --spark-master)");
            }
            return new SparkEngine(running, false, partitions);
        }
        SparkConf conf = new SparkConf(); // spark.* system properties: those spark-submit sets
        String m = master != null ? master : conf.get("spark.master", "local[*]");
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIG);
        }
        SparkSession.Builder b = SparkSession.builder().master(m).appName(conf.get("spark.app.name", "lsq"))
                .config("spark.ui.enabled", conf.get("spark.ui.enabled", "false"));
        if (!conf.contains("spark.executor.extraJavaOptions")) {
            String flags = moduleFlags();
            if (!flags.isEmpty()) {
                b.config("spark.executor.extraJavaOptions", flags);
            }
        }
        if (m.startsWith("local") && !conf.contains("spark.driver.host")) {
            b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        return new SparkEngine(b.getOrCreate(), true, partitions);
    }

    /** A session this class made for a source before the engine started (see {@link #datasetOf}), or null. */
    private static volatile SparkSession madeHere;

    /**
     * Parquet that only Spark can read — a directory of part files, or a URL of a file system Spark has (hdfs://,
     * s3a://, …) — as a {@link DatasetSource} of the named columns: Spark reads it (once, when the chunks are cut and
     * kept), and passes run on the Dataset's partitions. Starts (or joins) the session for {@code master} first; a
     * later {@link #start} with the same master uses it and stops it at the end.
     */
    public static DataSource datasetOf(String pathOrUrl, List<String> columns, InvalidRows policy, int chunkRows,
            String master) {
        SparkEngine e = start(master, 0);
        if (e.owned) {
            madeHere = e.session;
        }
        return DatasetSource.of(e.session.read().parquet(pathOrUrl), columns, policy, chunkRows);
    }

    /** The driver JVM's module options, which executors need for the same classes and the same Gram kernel. */
    static String moduleFlags() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        return args.stream().filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-modules")
                || a.startsWith("--add-exports") || a.equals("-XX:+IgnoreUnrecognizedVMOptions")
                || a.startsWith("-Dio.netty.tryReflectionSetAccessible")).collect(Collectors.joining(" "));
    }

    @Override
    public int workers() {
        return executor.workers();
    }

    @Override
    public PassResult run(PassRequest req) throws IOException {
        return executor.run(req);
    }

    /** What the result JSON says about the run: master, partitions, passes on Spark and on the driver. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("master", session.sparkContext().master());
        m.put("app_id", session.sparkContext().applicationId());
        m.put("partitions", partitions > 0 ? partitions : session.sparkContext().defaultParallelism());
        m.put("passes_on_spark", executor.passesOnSpark());
        m.put("passes_on_driver", executor.passesOnDriver());
        m.put("spark_version", session.version());
        return m;
    }

    /** Stops the session if this engine made it. */
    @Override
    public void close() {
        if (owned) {
            session.stop();
        }
    }
}
