package io.streamlsq.spark;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.FitListener;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.SparkSession;

/**
 * One SparkSession for the whole test JVM (start-up costs 8-15 s on the build machine), restarted only when a test
 * asks for another master; Parquet test files; fits with the local engine and the Spark executor.
 */
final class SparkTestKit {
    private static SparkSession session;
    private static String master;

    private SparkTestKit() {
    }

    static synchronized SparkSession session(String wanted) {
        return session(wanted, b -> b);
    }

    /** A session for {@code wanted} with more settings (a new session when the master changes). */
    static synchronized SparkSession session(String wanted,
            java.util.function.UnaryOperator<SparkSession.Builder> settings) {
        if (session != null && wanted.equals(master)) {
            return session;
        }
        if (session != null) {
            session.stop();
        }
        session = settings.apply(SparkSession.builder()).master(wanted).appName("streamlsq-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        master = wanted;
        Runtime.getRuntime().addShutdownHook(new Thread(SparkTestKit::stop));
        return session;
    }

    static synchronized void stop() {
        if (session != null) {
            session.stop();
            session = null;
            master = null;
        }
    }

    /** Writes {@code source}'s columns as doubles to a Parquet file, row groups of about {@code groupRows} rows. */
    static Path writeParquet(DataSource source, Path file, int groupRows) throws IOException {
        List<String> cols = source.columnNames();
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (String c : cols) {
            b.required(PrimitiveTypeName.DOUBLE).named(c);
        }
        MessageType schema = b.named("rows");
        Files.deleteIfExists(file);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize((long) groupRows * cols.size() * 8).withDictionaryEncoding(false).build();
                ChunkCursor cursor = source.open(cols, 0)) {
            SimpleGroupFactory g = new SimpleGroupFactory(schema);
            Chunk chunk;
            while ((chunk = cursor.next()) != null) {
                for (int i = 0; i < chunk.rows(); i++) {
                    Group row = g.newGroup();
                    for (int c = 0; c < cols.size(); c++) {
                        row.add(cols.get(c), chunk.column(c)[chunk.offset() + i]);
                    }
                    w.write(row);
                }
            }
        }
        return file;
    }

    /** Decay rows (truth 2.5, 1.3, 0.5; columns x, y, sigma) in a Parquet file. */
    static Path decayParquet(Path dir, int rows, long seed) throws IOException {
        return writeParquet(SyntheticDataSource.of(BuiltinProblem.DECAY, rows, 10_000, seed),
                dir.resolve("decay-" + rows + "-" + seed + ".parquet"), 20_000);
    }

    static FitResult fit(FitProblem problem, FitOptions options, PassExecutor executor, FitListener... listeners)
            throws IOException {
        return new PhaseOrchestrator(options, executor, Ticker.system(), List.of(listeners)).fit(problem);
    }
}
