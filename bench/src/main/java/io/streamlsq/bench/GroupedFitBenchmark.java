package io.streamlsq.bench;

import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.grouped.GroupListener;
import io.streamlsq.grouped.GroupStarts;
import io.streamlsq.grouped.GroupStatus;
import io.streamlsq.grouped.GroupedFit;
import io.streamlsq.grouped.GroupedOptions;
import io.streamlsq.model.Model;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.DecayModel;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Grouped fits per second on one thread (issue 17's goal: 50 000/s): {@value #GROUPS} groups of 50 rows of
 * {@code a·exp(−b·x) + c} with noise 0.01, each from the shared start a=1, b=1, c=0, through {@link GroupedFit} (key
 * scan, copy of each group's rows, the fit, the result handed on) on one thread. {@code model=expr} is the model
 * language's compiled model (what {@code lsq fit} uses), {@code java} the hand-written {@link DecayModel}.
 *
 * <pre>java -jar bench/target/benchmarks.jar GroupedFitBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-modules=jdk.incubator.vector", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class GroupedFitBenchmark {
    static final int GROUPS = 2_000;
    static final int ROWS = 50;

    @Param({"expr", "java"})
    public String model;

    private GroupedFit fit;

    /** The data: group g has a ∈ [1, 2), b ∈ [0.5, 1.5), c ∈ [0, 0.2), x evenly on [0, 5]. */
    static InMemoryDataSource data(int groups, int rows, long seed) {
        double[] id = new double[groups * rows];
        double[] x = new double[id.length];
        double[] y = new double[id.length];
        SplittableRandom r = new SplittableRandom(seed);
        for (int g = 0; g < groups; g++) {
            double a = 1 + r.nextDouble();
            double b = 0.5 + r.nextDouble();
            double c = 0.2 * r.nextDouble();
            for (int i = 0; i < rows; i++) {
                int k = g * rows + i;
                id[k] = g;
                x[k] = 5.0 * i / (rows - 1);
                y[k] = a * Math.exp(-b * x[k]) + c + 0.01 * r.nextGaussian();
            }
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("x", x);
        m.put("y", y);
        return new InMemoryDataSource(m, 65_536);
    }

    @Setup(Level.Trial)
    public void setUp() {
        Model m = model.equals("java") ? new DecayModel()
                : ExpressionCompiler.compile("a*exp(-b*x)+c", List.of("a", "b", "c"), List.of("x"));
        FitProblem p = FitProblem.builder(m, data(GROUPS, ROWS, 17)).y("y").initial(1, 1, 0).build();
        fit = new GroupedFit(p, "id", GroupStarts.shared(p), GroupedOptions.defaults());
    }

    @Benchmark
    @OperationsPerInvocation(GROUPS)
    public long fits() throws IOException {
        long[] converged = new long[1];
        fit.run(null, 1, 0, r -> {
            converged[0] += r.status() == GroupStatus.CONVERGED ? 1 : 0;
            return GroupListener.Decision.CONTINUE;
        });
        if (converged[0] != GROUPS) {
            throw new IllegalStateException(converged[0] + " of " + GROUPS + " groups converged");
        }
        return converged[0];
    }
}
