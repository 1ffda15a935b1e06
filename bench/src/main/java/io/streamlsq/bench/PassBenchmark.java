package io.streamlsq.bench;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.exec.PassRequest;
import io.streamlsq.exec.PassResult;
import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.Model;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.problems.BuiltinProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
 * One full pass over 10⁶ in-memory rows at the problem's start point; the score is ns per row (the
 * wall time of the pass divided by the rows, so with 2 threads it is ns/row of the pair).
 *
 * <pre>java -jar bench/target/benchmarks.jar PassBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector"})
public class PassBenchmark {
    static final int ROWS = 1_000_000;

    @Param({"decay", "peaks", "gauss2d"})
    public String problem;

    @Param({"1", "2"})
    public int threads;

    @Param({"NORMAL"})
    public EvalLevel level;

    /** {@code normal}: the Gram sums JᵀJ; {@code qr}: the Householder factor R of [J r] (NORMAL level only). */
    @Param({"normal"})
    public String solver;

    /** {@code java}: the hand-written model class; {@code expr}: the same model compiled from its text. */
    @Param({"java", "expr"})
    public String model;

    private InMemoryDataSource source;
    private List<String> columns;
    private List<ChunkEvaluator> evaluators;
    private double[] theta;
    private ExecutorService pool;
    private PassExecutor executor;

    @Setup(Level.Trial)
    public void setUp() {
        BuiltinProblem p = BuiltinProblem.named(problem);
        source = Data.materialize(SyntheticDataSource.of(p, ROWS, 65_536, 1), 65_536);
        columns = new ArrayList<>(p.model().variableNames());
        columns.add("y");
        int params = p.truth().length;
        int[] all = new int[params];
        for (int k = 0; k < params; k++) {
            all[k] = k;
        }
        evaluators = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            evaluators.add(new ChunkEvaluator(model(p), all, columns, false, Loss.linear(),
                    ChunkEvaluator.DEFAULT_BLOCK_ROWS));
        }
        theta = p.start();
        pool = Executors.newFixedThreadPool(threads);
        executor = PassExecutor.parallel(pool, threads);
    }

    private Model model(BuiltinProblem p) {
        if (model.equals("java")) {
            return p.model();
        }
        Model hand = p.model();
        return ExpressionCompiler.compile(hand.describe(), hand.parameterNames(), hand.variableNames());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public double pass() throws IOException {
        PassResult r = executor.run(PassRequest.full(source, columns, evaluators, theta, level,
                io.streamlsq.accumulate.NormalEquations.Form.ofSolverName(solver), null));
        return r.sums().ssr();
    }
}
