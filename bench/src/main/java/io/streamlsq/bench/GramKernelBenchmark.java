package io.streamlsq.bench;

import io.streamlsq.accumulate.internal.GramKernel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * JᵀJ accumulation alone for one block of 512 rows of the augmented [J r] (m columns): the scalar and
 * the Vector API register-tiled kernels against EJML's {@code multAddTransA} on the same block
 * (row-major, as EJML wants it). Score: ns per row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GramKernelBenchmark {
    static final int ROWS = 512;

    /** Augmented columns: 4 = decay (3 parameters + r), 12 = peaks (11 + r). */
    @Param({"4", "12"})
    public int m;

    private double[][] cols;
    private double[] packed;
    private DMatrixRMaj block;
    private DMatrixRMaj gram;

    @Setup
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(1);
        int pad = GramKernel.paddedColumns(m);
        cols = new double[pad][ROWS];
        block = new DMatrixRMaj(ROWS, m);
        for (int c = 0; c < m; c++) {
            for (int i = 0; i < ROWS; i++) {
                cols[c][i] = rng.nextDouble(-1, 1);
                block.set(i, c, cols[c][i]);
            }
        }
        packed = new double[m * (m + 1) / 2];
        gram = new DMatrixRMaj(m, m);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public double scalarTiles() {
        GramKernel.scalarGram(cols, m, ROWS, packed);
        return packed[0];
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public double vectorTiles() {
        if (!GramKernel.VECTOR) {
            throw new IllegalStateException("run with --add-modules=jdk.incubator.vector");
        }
        GramKernel.gram(cols, m, ROWS, packed);
        return packed[0];
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public double ejmlMultAddTransA() {
        CommonOps_DDRM.multAddTransA(block, block, gram);
        return gram.data[0];
    }
}
