package io.streamlsq.bench;

import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.grouped.GroupListener;
import io.streamlsq.grouped.GroupStarts;
import io.streamlsq.grouped.GroupedFit;
import io.streamlsq.grouped.GroupedOptions;
import io.streamlsq.problem.FitProblem;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * Grouped fits per second on one thread, by wall clock and by the thread's CPU time: on a machine shared with other
 * work the wall-clock rate (what {@link GroupedFitBenchmark} reports) falls with the load, the CPU-time rate much less.
 * The same data as the JMH benchmark (50-row decay groups, the compiled expression model); 3 warm-up rounds, then 10
 * measured rounds of 20 000 groups; prints the median of each rate.
 *
 * <pre>java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar io.streamlsq.bench.GroupedThroughput</pre>
 */
public final class GroupedThroughput {
    private GroupedThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int groups = 20_000;
        FitProblem p = FitProblem.builder(ExpressionCompiler.compile("a*exp(-b*x)+c", List.of("a", "b", "c"),
                List.of("x")), GroupedFitBenchmark.data(groups, 50, 17)).y("y").initial(1, 1, 0).build();
        GroupedFit fit = new GroupedFit(p, "id", GroupStarts.shared(p), GroupedOptions.defaults());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] wall = new double[10];
        double[] cpu = new double[10];
        for (int round = -3; round < 10; round++) {
            long w0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            fit.run(null, 1, 0, r -> GroupListener.Decision.CONTINUE);
            long c1 = mx.getCurrentThreadCpuTime();
            long w1 = System.nanoTime();
            if (round >= 0) {
                wall[round] = groups / ((w1 - w0) * 1e-9);
                cpu[round] = groups / ((c1 - c0) * 1e-9);
            }
        }
        java.util.Arrays.sort(wall);
        java.util.Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "one thread, %d groups of 50 rows: median %.0f fits/s of wall time (range %.0f-%.0f),"
                + " %.0f fits per CPU second (range %.0f-%.0f)%n", groups, (wall[4] + wall[5]) / 2, wall[0], wall[9],
                (cpu[4] + cpu[5]) / 2, cpu[0], cpu[9]);
    }
}
