package io.streamlsq.bench;

import io.streamlsq.arrow.ArrowFileDataSource;
import io.streamlsq.arrow.ArrowWriters;
import io.streamlsq.arrow.ParquetDataSource;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Fits the decay problem from an Arrow or Parquet file and prints one JSON line (when the file is missing,
 * it writes it and exits: run it again to measure the fit in a fresh JVM):
 * wall time, passes, peak heap (sum of the heap pools' peaks, an upper bound), peak RSS, and the peak of the
 * Arrow allocator (direct memory).
 *
 * <pre>java -Xmx256m --add-modules=jdk.incubator.vector --add-opens=java.base/java.nio=ALL-UNNAMED \
 *     -cp bench/target/benchmarks.jar io.streamlsq.bench.LargeFileFit decay-1e8.arrow 1e8 2</pre>
 */
public final class LargeFileFit {
    private LargeFileFit() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long rows = (long) Double.parseDouble(args.length > 1 ? args[1] : "1e8");
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        BuiltinProblem p = BuiltinProblem.DECAY;
        boolean parquet = file.toString().endsWith(".parquet");
        if (!Files.exists(file)) {
            // Arrow Dataset's Parquet writer stages rows in direct memory: give the writer room of its own
            try (BufferAllocator writer = new RootAllocator(4L << 30)) {
                long t0 = System.nanoTime();
                SyntheticDataSource src = SyntheticDataSource.of(p, rows, 1 << 20, 1);
                if (parquet) {
                    ArrowWriters.writeParquet(src, List.of("x", "y"), file, 1 << 20, writer);
                } else {
                    ArrowWriters.writeFile(src, List.of("x", "y"), file, 1 << 20, writer);
                }
                System.err.printf(Locale.ROOT, "wrote %s (%d bytes) in %.1f s%n", file, Files.size(file),
                        (System.nanoTime() - t0) * 1e-9);
            }
            System.exit(0); // measure the fit in a fresh JVM: java LargeFileFit again
        }
        try (BufferAllocator allocator = new RootAllocator(512L << 20)) {
            DataSource source = parquet ? ParquetDataSource.open(file, InvalidRows.REFUSE)
                    : ArrowFileDataSource.open(file, allocator, InvalidRows.REFUSE);
            FitProblem fit = FitProblem.builder(p.model(), source).initial(p.start()).build();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                long t0 = System.nanoTime();
                FitResult r = new PhaseOrchestrator(FitOptions.defaults(), PassExecutor.parallel(pool, threads),
                        Ticker.system(), List.of()).fit(fit);
                double seconds = (System.nanoTime() - t0) * 1e-9;
                long heap = 0;
                for (var pool0 : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool0.getType() == java.lang.management.MemoryType.HEAP) {
                        heap += pool0.getPeakUsage().getUsed();
                    }
                }
                System.out.printf(Locale.ROOT, "{\"file\":\"%s\",\"bytes\":%d,\"rows\":%d,\"threads\":%d,\"seconds\":%.1f,"
                        + "\"passes\":%d,\"status\":\"%s\",\"peak_heap_pools_mib\":%.1f,\"max_heap_mib\":%.1f,"
                        + "\"peak_rss_mib\":%.1f,\"rss_anon_mib_at_end\":%.1f,\"rss_file_mib_at_end\":%.1f,"
                        + "\"arrow_peak_mib\":%.1f,\"b\":%.6f}%n", file.getFileName(), Files.size(file),
                        r.rows(), threads, seconds, r.passes(), r.termination().status(), heap / 1048576.0,
                        Runtime.getRuntime().maxMemory() / 1048576.0, LargeSyntheticFit.peakRssKib() / 1024.0,
                        LargeSyntheticFit.statusKib("RssAnon") / 1024.0, LargeSyntheticFit.statusKib("RssFile") / 1024.0,
                        allocator.getPeakMemoryAllocation() / 1048576.0, r.value("b"));
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
