package io.streamlsq.app;

import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.FitListener;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.result.Termination;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Runs one fit for a command: thread pool, progress bar, report on stdout, JSON, exit code. */
final class FitRunner {
    private FitRunner() {
    }

    static int run(FitProblem problem, FitOptions options, int threads, boolean quiet, Path out,
            Map<String, Object> extraJson, PrintStream stdout, PrintStream stderr) throws IOException {
        return run(problem, options, threads, quiet, out, null, extraJson, stdout, stderr);
    }

    static int run(FitProblem problem, FitOptions options, int threads, boolean quiet, Path out, Path metricsFile,
            Map<String, Object> extraJson, PrintStream stdout, PrintStream stderr) throws IOException {
        List<FitListener> listeners = new ArrayList<>();
        MetricsListener metrics = metricsFile == null ? null : new MetricsListener();
        if (metrics != null) {
            listeners.add(metrics);
        }
        if (!quiet && ProgressBar.stderrIsTerminal()) {
            listeners.add(new ProgressBar(stderr));
        }
        if (!quiet) {
            listeners.add(new FitListener() {
                @Override
                public void onWarning(String message) {
                    stderr.println("lsq: warning: " + message);
                }
            });
        }
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lsq-pass");
            t.setDaemon(true);
            return t;
        }) : null;
        FitResult result;
        try {
            PassExecutor executor = pool == null ? PassExecutor.sequential() : PassExecutor.parallel(pool, threads);
            result = new PhaseOrchestrator(options, executor, Ticker.system(), listeners).fit(problem);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            if (metrics != null) {
                metrics.write(metricsFile);
            }
        }
        stdout.print(result.fullReport());
        long skipped = problem.source().skippedRows();
        if (skipped > 0) {
            stdout.println("    (" + skipped + " rows with null, NaN or infinite values were skipped: --skip-invalid)");
        }
        stdout.flush();
        if (out != null) {
            Map<String, Object> extra = new java.util.LinkedHashMap<>(extraJson);
            extra.put("skipped_rows", skipped);
            ResultJson.write(result, extra, out);
        }
        return exitCode(result.termination());
    }

    static int exitCode(Termination t) {
        return switch (t.status()) {
            case "converged" -> Lsq.CONVERGED;
            case "failed" -> Lsq.FAILED;
            default -> Lsq.NOT_CONVERGED;
        };
    }

    static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
