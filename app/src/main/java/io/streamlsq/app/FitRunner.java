package io.streamlsq.app;

import io.streamlsq.checkpoint.Hdf5CheckpointStore;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.FitListener;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.PhaseSchedule;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.result.Termination;
import io.streamlsq.resume.CheckpointPolicy;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.resume.FitInterruptedException;
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

    /**
     * Checkpointing for a run: the store, the policy, what to store for {@code lsq resume} (the effective
     * settings as JSON) and for {@code /problem/options}, and whether to resume from the store.
     */
    record Checkpoints(Hdf5CheckpointStore store, CheckpointPolicy policy, String invocation, String options,
            boolean resume) {
    }

    /**
     * {@code schedule} null: the default phases; otherwise the given phases, one after the other. With
     * {@code checkpoints}, SIGINT and SIGTERM write a checkpoint and end the run with exit code 130. With
     * {@code spark} ({@code --engine spark}), the passes run as Spark jobs on {@code sparkMaster} (null: spark-submit's,
     * else local[*]) in {@code sparkPartitions} partitions (0: Spark's default parallelism), not on {@code threads}.
     * With {@code plotDir}, the plots of {@link io.streamlsq.app.plot.FitPlots} are written there after the result JSON.
     */
    static int run(FitProblem problem, FitOptions options, List<PhaseSchedule.PhaseSpec> schedule, int threads,
            boolean quiet, Path out, Path metricsFile, Path plotDir, Map<String, Object> extraJson, Checkpoints checkpoints,
            boolean spark, String sparkMaster, int sparkPartitions,
            StopOnSignal signals, PrintStream stdout, PrintStream stderr) throws IOException {
        List<FitListener> listeners = new ArrayList<>(signals.listeners());
        MetricsListener metrics = metricsFile == null ? null : new MetricsListener();
        if (metrics != null) {
            listeners.add(metrics);
        }
        io.streamlsq.app.plot.CostHistory costs = plotDir == null ? null : new io.streamlsq.app.plot.CostHistory();
        if (costs != null) {
            listeners.add(costs);
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
        ExecutorService pool = !spark && threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lsq-pass");
            t.setDaemon(true);
            return t;
        }) : null;
        FitResult result;
        List<Map<String, Object>> phaseRows = null;
        Map<String, Object> sparkJson = null;
        // --engine spark: the session starts (5-10 s) once the problem is known to be valid
        PassExecutor sparkEngine = spark ? SparkBridge.start(sparkMaster, sparkPartitions) : null;
        if (checkpoints != null) {
            signals.armCheckpoint();
        }
        try {
            PassExecutor executor = sparkEngine != null ? sparkEngine
                    : pool == null ? PassExecutor.sequential() : PassExecutor.parallel(pool, threads);
            Checkpointing ck = checkpoints == null ? null : new Checkpointing(
                    HaltAfterCheckpoint.wrap(checkpoints.store()), checkpoints.policy(),
                    Map.of("invocation", checkpoints.invocation(), "kernel", kernel()), checkpoints.options(),
                    signals::requested);
            if (schedule == null) {
                PhaseOrchestrator o = new PhaseOrchestrator(options, executor, Ticker.system(), listeners);
                if (ck == null) {
                    result = o.fit(problem);
                } else if (checkpoints.resume()) {
                    result = o.resume(problem, ck);
                } else {
                    result = o.fit(problem, ck);
                }
            } else {
                PhaseSchedule ps = new PhaseSchedule(problem, schedule, executor, Ticker.system(), listeners);
                if (ck != null) {
                    if (checkpoints.resume()) {
                        ps.restore(checkpoints.store());
                    }
                    ps.checkpointing(ck);
                }
                while (ps.runNext()) {
                    // phases in order
                }
                result = ps.lastResult();
                if (checkpoints != null && checkpoints.resume()) {
                    result = result.withResumed(true); // the schedule continued from a checkpoint
                }
                phaseRows = scheduleRows(ps);
            }
            if (sparkEngine != null) {
                sparkJson = SparkBridge.describe(sparkEngine);
            }
        } catch (FitInterruptedException e) {
            stderr.println("lsq: interrupted: checkpoint written to " + checkpoints.store().describe()
                    + "; continue with: lsq resume " + checkpoints.store().describe());
            stderr.flush();
            return Lsq.INTERRUPTED;
        } finally {
            if (checkpoints != null && !quiet) {
                checkpoints.store().warnings().forEach(w -> stderr.println("lsq: warning: " + w));
            }
            if (pool != null) {
                pool.shutdownNow();
            }
            if (metrics != null) {
                metrics.write(metricsFile);
            }
            if (sparkEngine != null) {
                try {
                    SparkBridge.close(sparkEngine);
                } catch (Exception e) {
                    stderr.println("lsq: warning: stopping the Spark session: " + e);
                }
            }
        }
        if (phaseRows != null) {
            stdout.println("# schedule");
            for (Map<String, Object> row : phaseRows) {
                stdout.printf(java.util.Locale.ROOT, "    %-2s %-16s %-12s %4d steps %4d passes  cost %.6e  (%s)%n",
                        row.get("index"), row.get("name"), row.get("kind"), row.get("steps"), row.get("passes"),
                        row.get("cost"), row.get("stop_reason"));
            }
        }
        stdout.print(result.fullReport());
        if (problem.hasSeriesTerms()) {
            stdout.printf(java.util.Locale.ROOT, "[[Series terms]]%n    curvature %.6g * sum (D2 r)^2, smoothness %.6g * sum"
                    + " (D1 r)^2%n    on the unweighted residuals r = f - y in row order (numpy.gradient stencils);"
                    + "%n    included in the cost, in chi-square (as 2 * curvature * sum (D2 r)^2 + 2 * smoothness * sum"
                    + " (D1 r)^2), in reduced chi-square and in the standard errors' scale s^2 = 2 cost / dof (unless"
                    + " --absolute-sigma); not in the data points or dof%n", problem.curvature(), problem.smoothness());
        }
        if (extraJson.get("tied") instanceof io.streamlsq.expr.Ties ties) {
            stdout.print(TieSpecs.report(ties, result)); // tied parameters, with errors through the tie
        }
        for (String w : result.warnings()) {
            // the report has them all; numbers that cannot be trusted are said on stderr too, even with --quiet
            if (!quiet || w.contains("not reliable") || w.contains("singular")) {
                stderr.println("lsq: warning: " + w);
            }
        }
        long skipped = problem.source().skippedRows();
        if (skipped > 0) {
            long sigmaMasked = problem.source() instanceof io.streamlsq.data.SigmaMask mask ? mask.maskedRows() : 0;
            String what = sigmaMasked == 0 ? skipped + " rows with null, NaN or infinite values were"
                    : sigmaMasked == skipped ? skipped + " rows with sigma <= 0 were"
                    : (skipped - sigmaMasked) + " rows with null, NaN or infinite values and " + sigmaMasked
                            + " with sigma <= 0 were";
            stdout.println(String.format(java.util.Locale.ROOT, "    (%s skipped: --skip-invalid; %.2f %% of the rows"
                    + " read)", what, 100.0 * skipped / (skipped + result.rows())));
        }
        stdout.flush();
        if (out != null) {
            Map<String, Object> extra = new java.util.LinkedHashMap<>(extraJson);
            extra.put("skipped_rows", skipped);
            if (sparkJson != null) {
                extra.put("spark", sparkJson);
            }
            if (phaseRows != null) {
                extra.put("schedule", phaseRows);
            }
            ResultJson.write(result, extra, out);
        }
        if (plotDir != null) {
            writePlots(problem, result, costs, plotDir, quiet, stderr);
        }
        int code = exitCode(result.termination());
        if (code != Lsq.CONVERGED) {
            // scripts that keep only stderr (or run with --quiet) must still see why
            stderr.println("lsq: " + result.termination().status() + ": " + result.termination().reason());
            stderr.flush();
        }
        return code;
    }

    /** The plots, after the report and the JSON (a plot that cannot be written loses no result): exit 1 on failure. */
    private static void writePlots(FitProblem problem, FitResult result, io.streamlsq.app.plot.CostHistory costs,
            Path dir, boolean quiet, PrintStream stderr) throws IOException {
        try {
            io.streamlsq.app.plot.FitPlots.write(problem, result, costs.costs(), dir);
        } catch (IOException | RuntimeException e) {
            throw new OutputFiles.OutputException("cannot write the plots in " + dir + ": " + OutputFiles.reason(e), e);
        }
        if (!quiet) {
            stderr.println("lsq: plots written to " + dir + " (" + String.join(", ", io.streamlsq.app.plot.FitPlots.FILES)
                    + ")");
        }
    }

    /**
     * The arithmetic that makes the bits of a pass: the Gram kernel and {@code exp} (SIMD with the Vector API
     * module, else scalar: the two differ in the last bits). Stored in checkpoints and the result JSON.
     */
    static String kernel() {
        return io.streamlsq.accumulate.internal.GramKernel.implementation();
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

    /** One row per phase for the report and the JSON. */
    private static List<Map<String, Object>> scheduleRows(PhaseSchedule ps) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < ps.phases().size(); i++) {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            FitResult r = ps.result(i);
            row.put("index", i);
            row.put("name", ps.phases().get(i).name());
            row.put("kind", ps.phases().get(i).kind().name().toLowerCase(java.util.Locale.ROOT));
            row.put("state", ps.status().states().get(i).name().toLowerCase(java.util.Locale.ROOT));
            row.put("steps", ps.lossHistory(i).size());
            row.put("passes", r == null ? 0 : r.passes());
            row.put("cost", r == null || !Double.isFinite(r.cost()) ? null : r.cost());
            row.put("stop_reason", ps.stopReason(i));
            rows.add(row);
        }
        return rows;
    }
}
