package io.streamlsq.bench;

import io.streamlsq.arrow.ArrowFileDataSource;
import io.streamlsq.checkpoint.Hdf5CheckpointStore;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointPolicy;
import io.streamlsq.resume.CheckpointStore;
import io.streamlsq.resume.Checkpointing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The cost of checkpoints: fits the decay problem from an Arrow file (write it first with LargeFileFit)
 * without checkpoints and with checkpoints every 10 s, 1 s and 0.1 s, interleaved, REPS times each after
 * one warm-up fit; prints one JSON line per setting with the median wall time, the checkpoints written
 * and the overhead against the median without checkpoints.
 *
 * <pre>java -Xmx256m --add-modules=jdk.incubator.vector --add-opens=java.base/java.nio=ALL-UNNAMED \
 *     -cp bench/target/benchmarks.jar io.streamlsq.bench.CheckpointOverhead decay-1e8.arrow THREADS REPS</pre>
 */
public final class CheckpointOverhead {
    private CheckpointOverhead() {
    }

    /** Counts the writes of a store. */
    static final class Counting extends io.streamlsq.resume.ForwardingCheckpointStore {
        long writes;
        long nanos;

        Counting(CheckpointStore inner) {
            super(inner);
        }

        @Override
        public void save(Checkpoint c) throws IOException {
            long t0 = System.nanoTime();
            super.save(c);
            nanos += System.nanoTime() - t0;
            writes++;
        }
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Duration[] intervals = {null, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMillis(100)};
        BuiltinProblem p = BuiltinProblem.DECAY;
        Path dirs = Files.createTempDirectory("lsq-ckpt-bench");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (BufferAllocator allocator = new RootAllocator(512L << 20)) {
            DataSource source = ArrowFileDataSource.open(file, allocator, InvalidRows.REFUSE);
            FitProblem fit = FitProblem.builder(p.model(), source).initial(p.start()).build();
            PhaseOrchestrator o = new PhaseOrchestrator(FitOptions.defaults(), PassExecutor.parallel(pool, threads),
                    Ticker.system(), List.of());
            o.fit(fit); // warm-up
            double[][] seconds = new double[intervals.length][reps];
            long[] writes = new long[intervals.length];
            double[] writeSeconds = new double[intervals.length];
            double[] b = new double[intervals.length];
            int run = 0;
            for (int r = 0; r < reps; r++) {
                for (int i = 0; i < intervals.length; i++) {
                    long t0 = System.nanoTime();
                    FitResult res;
                    if (intervals[i] == null) {
                        res = o.fit(fit);
                    } else {
                        try (Hdf5CheckpointStore h5 = Hdf5CheckpointStore.open(dirs.resolve("run-" + run++))) {
                            Counting store = new Counting(h5);
                            res = o.fit(fit, Checkpointing.to(store, new CheckpointPolicy(intervals[i], 0, true)));
                            writes[i] += store.writes;
                            writeSeconds[i] += store.nanos * 1e-9;
                        }
                    }
                    seconds[i][r] = (System.nanoTime() - t0) * 1e-9;
                    b[i] = res.value("b");
                }
            }
            double base = median(seconds[0]);
            for (int i = 0; i < intervals.length; i++) {
                double m = median(seconds[i]);
                System.out.printf(Locale.ROOT, "{\"file\":\"%s\",\"rows\":%d,\"threads\":%d,\"interval\":\"%s\",\"reps\":%d,"
                        + "\"median_seconds\":%.3f,\"all_seconds\":%s,\"checkpoints_per_fit\":%.1f,"
                        + "\"seconds_writing_per_fit\":%.4f,\"overhead_percent\":%.2f,\"b\":%.15g}%n",
                        file.getFileName(), source.rowCount(), threads,
                        intervals[i] == null ? "none" : intervals[i].toString(), reps, m, Arrays.toString(seconds[i]),
                        writes[i] / (double) reps, writeSeconds[i] / reps, 100 * (m - base) / base, b[i]);
            }
        } finally {
            pool.shutdownNow();
            List<Path> all = new ArrayList<>();
            try (var s = Files.walk(dirs)) {
                s.forEach(all::add);
            }
            for (int i = all.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(all.get(i));
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
