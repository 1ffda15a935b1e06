package io.streamlsq.bench;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.arrow.ArrowFileDataSource;
import io.streamlsq.arrow.ArrowWriters;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.exec.PassRequest;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.problems.BuiltinProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One NORMAL pass over 10⁷ rows of an Arrow IPC file (65 536-row record batches, in the page
 * cache after the first pass) against the same rows in memory. Score: ns per row.
 *
 * <pre>java -jar bench/target/benchmarks.jar FilePassBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--add-modules=jdk.incubator.vector", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class FilePassBenchmark {
    static final int ROWS = 10_000_000;

    @Param({"decay", "peaks"})
    public String problem;

    @Param({"memory", "arrow"})
    public String source;

    @Param({"1", "2"})
    public int threads;

    private BufferAllocator allocator;
    private DataSource data;
    private List<ChunkEvaluator> evaluators;
    private double[] theta;
    private ExecutorService pool;
    private PassExecutor executor;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        BuiltinProblem p = BuiltinProblem.named(problem);
        allocator = new RootAllocator(1L << 30);
        SyntheticDataSource rows = SyntheticDataSource.of(p, ROWS, 65_536, 1);
        if (source.equals("arrow")) {
            Path file = Path.of(System.getProperty("bench.dir", "bench/target"), problem + "-1e7.arrow");
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                ArrowWriters.writeFile(rows, List.of("x", "y"), file, 65_536, allocator);
            }
            data = ArrowFileDataSource.open(file, allocator, InvalidRows.REFUSE);
        } else {
            data = Data.materialize(rows, 65_536);
        }
        int params = p.truth().length;
        int[] all = new int[params];
        for (int k = 0; k < params; k++) {
            all[k] = k;
        }
        evaluators = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            evaluators.add(new ChunkEvaluator(p.model(), all, List.of("x", "y"), false, Loss.linear(),
                    ChunkEvaluator.DEFAULT_BLOCK_ROWS));
        }
        theta = p.start();
        pool = Executors.newFixedThreadPool(threads);
        executor = PassExecutor.parallel(pool, threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        pool.shutdownNow();
        data.close();
        allocator.close();
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public double pass() throws IOException {
        return executor.run(PassRequest.full(data, List.of("x", "y"), evaluators, theta, EvalLevel.NORMAL, null)).sums().ssr();
    }
}
