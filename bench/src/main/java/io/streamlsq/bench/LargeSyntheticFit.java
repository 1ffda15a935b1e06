package io.streamlsq.bench;

import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Fits a synthetic problem of any size generated on the fly (no disk), to show that memory does not
 * grow with rows. Prints the report and one JSON line with wall time, passes, the sum of the heap
 * pools' peak usages (an upper bound of the peak heap) and the peak resident set size.
 *
 * <pre>java -Xmx128m --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     io.streamlsq.bench.LargeSyntheticFit decay 1e9 2 [no-presolve]</pre>
 */
public final class LargeSyntheticFit {
    private LargeSyntheticFit() {
    }

    /** A field of /proc/self/status in KiB (e.g. RssAnon, RssFile), or -1. */
    static long statusKib(String field) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** VmHWM of this process from /proc (Linux), or -1. */
    static long peakRssKib() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    public static void main(String[] args) throws Exception {
        BuiltinProblem problem = BuiltinProblem.named(args.length > 0 ? args[0] : "decay");
        long rows = (long) Double.parseDouble(args.length > 1 ? args[1] : "1e9");
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        boolean presolve = !(args.length > 3 && args[3].equals("no-presolve"));
        SyntheticDataSource source = SyntheticDataSource.of(problem, rows, 65_536, 1);
        FitProblem fit = FitProblem.builder(problem.model(), source).initial(problem.start()).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            FitResult r = new PhaseOrchestrator(FitOptions.builder().presolve(presolve).build(),
                    PassExecutor.parallel(pool, threads),
                    Ticker.system(), List.of()).fit(fit);
            double seconds = (System.nanoTime() - t0) * 1e-9;
            System.out.println(r.fullReport());
            long peak = 0;
            for (MemoryPoolMXBean pool0 : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool0.getType() == MemoryType.HEAP) {
                    peak += pool0.getPeakUsage().getUsed();
                }
            }
            double maxRel = 0;
            double[] truth = problem.truth();
            for (int k = 0; k < truth.length; k++) {
                maxRel = Math.max(maxRel, Math.abs(r.values()[k] - truth[k]) / Math.abs(truth[k]));
            }
            System.out.printf(Locale.ROOT, "{\"problem\":\"%s\",\"rows\":%d,\"threads\":%d,\"seconds\":%.1f,"
                    + "\"passes\":%d,\"status\":\"%s\",\"peak_heap_pools_mib\":%.1f,\"max_heap_mib\":%.1f,"
                    + "\"peak_rss_mib\":%.1f,\"max_rel_error_vs_truth\":%.2e,\"rows_evaluated\":%d,\"cost\":%.15g,"
                    + "\"presolve\":\"%s\"}%n", problem.name(), rows, threads,
                    seconds, r.passes(), r.termination().status(), peak / 1048576.0,
                    Runtime.getRuntime().maxMemory() / 1048576.0, peakRssKib() / 1024.0, maxRel, r.rowsEvaluated(), r.cost(),
                    r.presolveOutcome());
        } finally {
            pool.shutdownNow();
        }
    }
}
