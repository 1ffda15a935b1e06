package io.streamlsq.bench.compare;

import io.streamlsq.arrow.ArrowFileDataSource;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * StreamLSQ with the defaults on all cores: {@code memory} (the rows in arrays, time of the fit) or
 * {@code arrow} (the rows streamed from the Arrow file on every pass, time of the whole fit).
 */
public final class StreamLsqPeer {
    private StreamLsqPeer() {
    }

    public static void main(String[] args) throws Exception {
        BuiltinProblem p = BuiltinProblem.named(args[0]);
        String mode = args[1];
        Path file = Path.of(args[2]);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (BufferAllocator allocator = new RootAllocator(512L << 20)) {
            DataSource source;
            if (mode.equals("memory")) {
                double[][] d = Problems.read(file);
                source = InMemoryDataSource.ofXY(d[0], d[1], 65_536);
            } else {
                source = ArrowFileDataSource.open(file, allocator, InvalidRows.REFUSE);
            }
            long t0 = System.nanoTime();
            FitResult r = new PhaseOrchestrator(FitOptions.defaults(), PassExecutor.parallel(pool, threads),
                    Ticker.system(), List.of()).fit(FitProblem.builder(p.model(), source).initial(p.start()).build());
            double seconds = (System.nanoTime() - t0) * 1e-9;
            System.out.println(Problems.json("streamlsq-" + mode, p, r.rows(), seconds, r.passes(), r.cost(), r.values()));
            source.close();
        } finally {
            pool.shutdownNow();
        }
    }
}
