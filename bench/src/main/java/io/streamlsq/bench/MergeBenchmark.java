package io.streamlsq.bench;

import io.streamlsq.accumulate.NormalEquations;
import java.util.SplittableRandom;
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
 * The per-chunk cost of merging a chunk's sums into the pass total (issue 12, item 3): the compensated (Neumaier)
 * merge of Gram sums and the Householder merge of QR factors, for p parameters. Score: ns per merge, that is per
 * chunk (65 536 rows by default).
 *
 * <pre>java -jar bench/target/benchmarks.jar MergeBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class MergeBenchmark {
    /** 3 = decay, 11 = peaks. */
    @Param({"3", "11"})
    public int p;

    private NormalEquations gramTotal;
    private NormalEquations gramChunk;
    private NormalEquations qrTotal;
    private NormalEquations qrChunk;

    @Setup
    public void setUp() {
        gramTotal = sums(NormalEquations.Form.GRAM, 1);
        gramChunk = sums(NormalEquations.Form.GRAM, 2);
        qrTotal = sums(NormalEquations.Form.QR, 1);
        qrChunk = sums(NormalEquations.Form.QR, 2);
    }

    private NormalEquations sums(NormalEquations.Form form, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 512;
        double[][] j = new double[p][n];
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < p; k++) {
                j[k][i] = rng.nextDouble(-1, 1);
            }
            r[i] = rng.nextDouble(-1, 1);
        }
        NormalEquations ne = NormalEquations.empty(p, form);
        ne.add(j, r, n, n);
        return ne;
    }

    @Benchmark
    public double gramCompensatedMerge() {
        gramTotal.merge(gramChunk);
        return gramTotal.ssr();
    }

    @Benchmark
    public double qrMerge() {
        qrTotal.merge(qrChunk);
        return qrTotal.rows();
    }
}
