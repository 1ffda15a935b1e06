package io.streamlsq.bench;

import io.streamlsq.search.SearchState;
import io.streamlsq.search.Trial;
import io.streamlsq.search.bo.BayesianSearch;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The proposal cost of Bayesian search (issue 15): one {@code ask(4)} of the product preset with {@code n} values
 * told, the hyperparameters last fitted on n − 4 values: the ask refits them when due (see {@link #fit}), conditions
 * the Gaussian process, and builds a Kriging Believer batch of 4 (1000 Sobol candidates, 5 × 50 L-BFGS refinements
 * per point). Values: Branin (d = 2) or Hartmann-6
 * (d = 6) at a Latin hypercube of n points. Score: ms per ask, restore of the state included (microseconds).
 *
 * <pre>java -jar bench/target/benchmarks.jar BayesianSearchBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class BayesianSearchBenchmark {
    @Param({"50", "200"})
    public int n;

    @Param({"2", "6"})
    public int d;

    /**
     * {@code steady}: the state as the loop leaves it (beyond 100 values the hyperparameters are refitted only after
     * 10% growth, so at n = 200 this ask does not refit); {@code refit}: the same state marked as never fitted, so the
     * ask refits θ (warm start from the stored θ, one start beyond 100 values, three below).
     */
    @Param({"steady", "refit"})
    public String fit;

    private BayesianSearch.Options options;
    private SearchState state;

    @Setup
    public void setUp() {
        options = BayesianSearch.Preset.PRODUCT.options(d).withCapacity(1000).withWarmup(n - 4);
        BayesianSearch bo = new BayesianSearch(options, d, 42);
        tellAll(bo, bo.ask(n - 4));
        tellAll(bo, bo.ask(4));
        state = bo.snapshot();
        if (fit.equals("refit")) {
            long[] counters = state.longs("counters");
            counters[4] = 0; // fitted at: never
            java.util.Map<String, long[]> longs = new java.util.LinkedHashMap<>(state.longs());
            longs.put("counters", counters);
            state = new SearchState(state.method(), state.doubles(), longs);
        }
    }

    private void tellAll(BayesianSearch bo, List<Trial> trials) {
        for (Trial t : trials) {
            bo.tell(t.id(), d == 2 ? BayesianComparison.branin(t.u()) : BayesianComparison.hartmann6(t.u()));
        }
    }

    @Benchmark
    public List<Trial> ask4() {
        BayesianSearch bo = new BayesianSearch(options, d, 42);
        bo.restore(state);
        return bo.ask(4);
    }
}
