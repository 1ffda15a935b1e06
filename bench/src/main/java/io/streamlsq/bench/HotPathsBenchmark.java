package io.streamlsq.bench;

import io.streamlsq.arrow.ArrowFileDataSource;
import io.streamlsq.arrow.ArrowWriters;
import io.streamlsq.csv.CsvDataSource;
import io.streamlsq.csv.CsvWriter;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.step.TrustRegionSubproblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pieces of a pass on their own: model evaluation of one 512-row block (with and without the
 * Jacobian), the trust-region solve on the p×p system, reading an Arrow file and parsing a CSV file
 * (cursor iteration only, no model). Run with {@code -prof gc} to see allocation per row.
 *
 * <pre>java -jar bench/target/benchmarks.jar HotPathsBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class HotPathsBenchmark {
    static final int BLOCK = 512;
    static final int FILE_ROWS = 1_000_000;

    @Param({"decay", "peaks"})
    public String problem;

    private Model model;
    private double[] theta;
    private Chunk block;
    private double[] values;
    private double[][] jacobian;
    private double[][] system;
    private double[] gradient;
    private double[] diag;
    private BufferAllocator allocator;
    private DataSource arrow;
    private DataSource csv;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        BuiltinProblem p = BuiltinProblem.named(problem);
        model = p.model();
        theta = p.start();
        int k = theta.length;
        block = new Chunk(1);
        double[] x = new double[BLOCK];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < BLOCK; i++) {
            x[i] = p.xMin() + (p.xMax() - p.xMin()) * rng.nextDouble();
        }
        block.setColumn(0, x);
        block.set(0, 0, 0, BLOCK);
        values = new double[BLOCK];
        jacobian = new double[k][BLOCK];
        system = new double[k][k];
        gradient = new double[k];
        diag = new double[k];
        model.evaluate(block, theta, EvalLevel.NORMAL, values, jacobian);
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                for (int i = 0; i < BLOCK; i++) {
                    system[a][b] += jacobian[a][i] * jacobian[b][i];
                }
            }
            for (int i = 0; i < BLOCK; i++) {
                gradient[a] += jacobian[a][i] * (values[i] - 1);
            }
            diag[a] = Math.sqrt(system[a][a]);
        }
        allocator = new RootAllocator(1L << 30);
        SyntheticDataSource rows = SyntheticDataSource.of(p, FILE_ROWS, 65_536, 1);
        Path dir = Path.of(System.getProperty("bench.dir", "bench/target"));
        Files.createDirectories(dir);
        Path a = dir.resolve(problem + "-1e6.arrow");
        Path c = dir.resolve(problem + "-1e6.csv");
        if (!Files.exists(a)) {
            ArrowWriters.writeFile(rows, List.of("x", "y"), a, 65_536, allocator);
        }
        if (!Files.exists(c)) {
            CsvWriter.write(rows, List.of("x", "y"), c);
        }
        arrow = ArrowFileDataSource.open(a, allocator, InvalidRows.REFUSE);
        csv = new CsvDataSource(c, 65_536);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        arrow.close();
        allocator.close();
    }

    /** Values and Jacobian of one block. */
    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public double evaluateNormal() {
        model.evaluate(block, theta, EvalLevel.NORMAL, values, jacobian);
        return values[BLOCK - 1] + jacobian[0][BLOCK - 1];
    }

    /** Values only (a COST pass). */
    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public double evaluateCost() {
        model.evaluate(block, theta, EvalLevel.COST, values, null);
        return values[BLOCK - 1];
    }

    /** One Levenberg-Marquardt subproblem on the p×p system (per solve, not per row). */
    @Benchmark
    public double trustRegionSolve() {
        return TrustRegionSubproblem.solve(system, gradient, diag, 0.01, 0).scaledNorm();
    }

    /** Reading every batch of a 10⁶-row Arrow file into chunks. */
    @Benchmark
    @OperationsPerInvocation(FILE_ROWS)
    public void arrowRead(Blackhole bh) throws IOException {
        read(arrow, bh);
    }

    /** Parsing every row of a 10⁶-row CSV file into chunks. */
    @Benchmark
    @OperationsPerInvocation(FILE_ROWS)
    public void csvParse(Blackhole bh) throws IOException {
        read(csv, bh);
    }

    private static void read(DataSource s, Blackhole bh) throws IOException {
        try (ChunkCursor c = s.open(List.of("x", "y"), 0)) {
            for (Chunk ch = c.next(); ch != null; ch = c.next()) {
                bh.consume(ch.get(1, ch.rows() - 1));
            }
        }
    }
}
