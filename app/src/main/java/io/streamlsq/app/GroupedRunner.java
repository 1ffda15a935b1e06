package io.streamlsq.app;

import io.streamlsq.arrow.GroupTableArrow;
import io.streamlsq.csv.GroupTableCsv;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.grouped.GroupListener;
import io.streamlsq.grouped.GroupResult;
import io.streamlsq.grouped.GroupStarts;
import io.streamlsq.grouped.GroupStatus;
import io.streamlsq.grouped.GroupTableWriter;
import io.streamlsq.grouped.GroupedFit;
import io.streamlsq.grouped.GroupedOptions;
import io.streamlsq.hdf5.Hdf5DataSource;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.problem.FitProblem;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.time.Duration;

/**
 * {@code lsq fit --group-by COL}: one small fit per group of rows (docs/grouped-fits.md). Builds the grouped fit from
 * the problem {@link FitCommand} made, writes the results table ({@code --out} .csv, .arrow or .parquet), the report on
 * stdout, progress on stderr, and with {@code --checkpoint-dir} a {@link GroupedCheckpoint} that {@code lsq resume}
 * continues at the next group.
 */
final class GroupedRunner {
    /** Groups the report names among those that did not converge. */
    static final int LISTED = 5;
    /**
     * Adam's learning rate for --warmup with --group-by (sheap's default), relative to max(|θ|, 1); L-BFGS's first step
     * is as long.
     */
    static final double WARMUP_LEARNING_RATE = 1e-2;

    private GroupedRunner() {
    }

    /** The --group-by column (an HDF5 dataset path with a leading slash), or null without --group-by. */
    static String keyColumn(Settings s, boolean hdf5) {
        String k = s.text("group-by", null);
        if (k == null) {
            if (s.text("p0-table", null) != null) {
                throw new UsageException("--p0-table needs --group-by: the table's starts are keyed by the group column");
            }
            return null;
        }
        if (k.isBlank()) {
            throw new UsageException("--group-by is empty; give the column whose value names each group");
        }
        return hdf5 ? Hdf5DataSource.normalize(k.trim()) : k.trim();
    }

    /** Runs the grouped fit; returns the exit code. */
    static int run(Settings s, FitProblem problem, FitOptions options, String key, String dataSpec,
            LazyAllocator allocator, StopOnSignal signals, Path resumeDir, PrintStream stdout, PrintStream stderr)
            throws Exception {
        refuseOthers(s);
        GroupedOptions go = groupedOptions(s, options);
        int threads = s.integer("threads", null) == null ? FitRunner.defaultThreads() : s.integer("threads", null);
        if (threads < 1) {
            throw new UsageException("--threads = " + threads + " must be >= 1");
        }
        String outText = s.text("out", null);
        Path out = outText == null ? null : Path.of(outText);
        String format = out == null ? null : tableFormat(out);
        String table = s.text("p0-table", null);
        GroupStarts starts = table == null ? GroupStarts.shared(problem)
                : readTable(Path.of(table), key, problem, allocator);
        GroupedFit fit = new GroupedFit(problem, key, starts, go);
        List<String> names = problem.parameterNames();
        GroupTableWriter.checkNames(key, names);
        String checkpointDir = resumeDir != null ? resumeDir.toString() : s.text("checkpoint-dir", null);
        Duration every = checkpointEvery(s);
        long everyGroups = FitCommand.count(s, "checkpoint-groups", Long.MAX_VALUE, 1, Long.MAX_VALUE, " groups");
        List<GroupResult> restored = new ArrayList<>();
        GroupedCheckpoint ck = null;
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lsq-group-fit");
            t.setDaemon(true);
            return t;
        }) : null;
        long start = System.nanoTime();
        try {
            if (checkpointDir != null) {
                Path dir = Path.of(checkpointDir).toAbsolutePath();
                String fp = problem.source().fingerprint();
                if (resumeDir != null) {
                    ck = GroupedCheckpoint.resume(dir, fp, names.size(), restored);
                } else {
                    Map<String, Object> invocation = s.values();
                    invocation.keySet().removeAll(FitCommand.ENGINE_SETTINGS);
                    invocation.put("checkpoint-dir", dir.toString());
                    for (String k : List.of("data", "out", "p0-table")) {
                        if (invocation.get(k) instanceof String v && !v.startsWith("synthetic:")) {
                            invocation.put(k, Path.of(v).toAbsolutePath().toString());
                        }
                    }
                    ck = GroupedCheckpoint.create(dir, invocation, fp, names.size());
                }
                signals.armCheckpoint();
            }
            try (GroupTableWriter writer = out == null ? null : writer(out, format, key, names, allocator)) {
                Report report = new Report(names.size());
                for (GroupResult r : restored) {
                    report.add(r);
                    if (writer != null) {
                        writer.add(r);
                    }
                }
                Progress progress = new Progress(stderr, !s.flag("quiet", false) && ProgressBar.stderrIsTerminal(),
                        problem.source().rowCount(), start);
                final GroupedCheckpoint journal = ck;
                long haltAfter = Long.parseLong(System.getProperty(HaltAfterCheckpoint.PROPERTY, "-1").trim());
                long[] lastSave = {System.nanoTime(), 0};
                GroupListener listener = r -> {
                    report.add(r);
                    if (writer != null) {
                        writer.add(r);
                    }
                    progress.update(report.groups, report.rows);
                    if (journal != null) {
                        journal.add(r);
                        boolean stop = signals.requested();
                        if (stop || ++lastSave[1] >= everyGroups || System.nanoTime() - lastSave[0] >= every.toNanos()) {
                            long n = journal.save(r.index() + 1);
                            lastSave[0] = System.nanoTime();
                            lastSave[1] = 0;
                            if (n - 1 == haltAfter) { // the first save (at creation) is not counted
                                Runtime.getRuntime().halt(HaltAfterCheckpoint.STATUS);
                            }
                        }
                        if (stop) {
                            return GroupListener.Decision.STOP;
                        }
                    }
                    return GroupListener.Decision.CONTINUE;
                };
                GroupedFit.Summary summary = fit.run(pool, threads, restored.size(), listener);
                progress.finish();
                double seconds = (System.nanoTime() - start) * 1e-9;
                if (summary.stopped()) {
                    stderr.println("lsq: stopped after group " + report.groups + " (checkpoint written); continue with: lsq"
                            + " resume " + ck.directory());
                    return Lsq.INTERRUPTED;
                }
                if (ck != null) {
                    ck.save(report.groups);
                }
                long written = writer == null ? 0 : writer.commit();
                stdout.print(report.text(key, summary, restored.size(), threads, seconds, out, written));
                stdout.flush();
                return 0;
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            if (ck != null) {
                ck.close();
            }
        }
    }

    private static void refuseOthers(Settings s) {
        // settings of the streaming fit that the per-group fit does not have: refused rather than silently ignored
        for (String k : List.of("global", "search", "schedule", "metrics-file", "curvature", "smoothness",
                "warmup-max-weight", "warmup-sample-rows", "plot", "scaling", "solver", "no-presolve", "max-time",
                "checkpoint-chunks")) {
            if (s.raw(k) != null) {
                throw new UsageException("--" + k + " is not available with --group-by (each group is a small in-memory"
                        + " fit; docs/grouped-fits.md lists what it offers)");
            }
        }
        if (FitCommand.sparkEngine(s)) {
            throw new UsageException("--engine spark is not available with --group-by: groups are fitted in this JVM's"
                    + " threads");
        }
    }

    private static GroupedOptions groupedOptions(Settings s, FitOptions o) {
        GroupedOptions go = GroupedOptions.defaults().withTolerances(o.ftol(), o.xtol(), o.gtol())
                .withMaxEvaluations(o.maxPasses()).withAbsoluteSigma(o.absoluteSigma());
        WarmupOptions w = o.warmup();
        if (w.enabled()) {
            go = go.withWarmup(w.method() == WarmupOptions.Method.ADAM ? GroupedOptions.WarmupMethod.ADAM
                    : GroupedOptions.WarmupMethod.LBFGS, w.maxIterations(), WARMUP_LEARNING_RATE);
        }
        return go;
    }

    private static Duration checkpointEvery(Settings s) {
        Duration d = s.text("checkpoint-every", null) == null ? Duration.ofSeconds(60)
                : FitCommand.duration("--checkpoint-every", s.text("checkpoint-every", null));
        if (d.isZero() || d.isNegative()) {
            throw new UsageException("--checkpoint-every = " + s.text("checkpoint-every", null) + " must be > 0");
        }
        return d;
    }

    /** csv, arrow or parquet from --out's extension. */
    static String tableFormat(Path out) {
        String n = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv")) {
            return "csv";
        }
        if (n.endsWith(".arrow") || n.endsWith(".feather") || n.endsWith(".ipc")) {
            return "arrow";
        }
        if (n.endsWith(".parquet")) {
            return "parquet";
        }
        throw new UsageException("--out " + out + ": with --group-by the results are a table; name it .csv, .arrow or"
                + " .parquet");
    }

    private static GroupTableWriter writer(Path out, String format, String key, List<String> names,
            LazyAllocator allocator) throws IOException {
        String k = key.startsWith("/") ? key.substring(1) : key;
        return switch (format) {
            case "csv" -> new GroupTableCsv(out, k, names);
            case "arrow" -> new GroupTableArrow(out, GroupTableArrow.Format.ARROW, k, names, 65_536, allocator.get());
            default -> new GroupTableArrow(out, GroupTableArrow.Format.PARQUET, k, names, 65_536, allocator.get());
        };
    }

    /**
     * Reads a --p0-table: the key column (named as --group-by), a start column per parameter it sets (NAME) and,
     * optionally, bound columns NAME_lo and NAME_hi. Parameters without a column take --p0 and --bounds.
     */
    static GroupStarts readTable(Path file, String key, FitProblem problem, LazyAllocator allocator) throws IOException {
        String fmt = DataSpecs.format(file.toString(), "--p0-table");
        if (fmt.equals("h5")) {
            throw new UsageException("--p0-table " + file + ": give the start table as .csv, .arrow or .parquet");
        }
        String k = key.startsWith("/") ? key.substring(1) : key;
        List<String> names = problem.parameterNames();
        try (DataSource t = DataSpecs.open(file.toString(), 65_536, allocator, InvalidRows.REFUSE, List.of())) {
            List<String> cols = t.columnNames();
            if (!cols.contains(k)) {
                throw new UsageException("--p0-table " + file + " has no key column '" + k + "' (the --group-by column);"
                        + " its columns: " + String.join(", ", cols));
            }
            List<String> unknown = new ArrayList<>();
            for (String c : cols) {
                String base = c.endsWith("_lo") || c.endsWith("_hi") ? c.substring(0, c.length() - 3) : c;
                if (!c.equals(k) && !names.contains(c) && !names.contains(base)) {
                    unknown.add(c);
                }
            }
            if (!unknown.isEmpty()) {
                throw new UsageException("--p0-table " + file + ": column(s) " + String.join(", ", unknown) + " are neither"
                        + " the key '" + k + "' nor a parameter NAME, NAME_lo or NAME_hi (parameters: "
                        + String.join(", ", names) + ")");
            }
            double[][] data = readAll(t, cols);
            Map<String, double[]> starts = new LinkedHashMap<>();
            Map<String, double[]> lo = new LinkedHashMap<>();
            Map<String, double[]> hi = new LinkedHashMap<>();
            double[] keys = null;
            for (int i = 0; i < cols.size(); i++) {
                String c = cols.get(i);
                if (c.equals(k)) {
                    keys = data[i];
                } else if (names.contains(c)) {
                    starts.put(c, data[i]);
                } else if (c.endsWith("_lo")) {
                    lo.put(c.substring(0, c.length() - 3), data[i]);
                } else {
                    hi.put(c.substring(0, c.length() - 3), data[i]);
                }
            }
            return GroupStarts.table(problem, "--p0-table " + file, keys, starts, lo, hi);
        }
    }

    private static double[][] readAll(DataSource t, List<String> cols) throws IOException {
        double[][] out = new double[cols.size()][1024];
        int n = 0;
        try (ChunkCursor c = t.open(cols, 0)) {
            for (Chunk ch = c.next(); ch != null; ch = c.next()) {
                if (n + ch.rows() > out[0].length) {
                    int cap = Math.max(n + ch.rows(), 2 * out[0].length);
                    for (int i = 0; i < out.length; i++) {
                        out[i] = java.util.Arrays.copyOf(out[i], cap);
                    }
                }
                for (int i = 0; i < out.length; i++) {
                    System.arraycopy(ch.column(i), ch.offset(), out[i], n, ch.rows());
                }
                n += ch.rows();
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOf(out[i], n);
        }
        return out;
    }

    /** groups/s and an ETA by rows on stderr (a terminal only), redrawn at most ten times a second. */
    private static final class Progress {
        private final PrintStream err;
        private final boolean on;
        private final long totalRows;
        private final long start;
        private long lastDraw;

        Progress(PrintStream err, boolean on, long totalRows, long start) {
            this.err = err;
            this.on = on;
            this.totalRows = totalRows;
            this.start = start;
        }

        void update(long groups, long rows) {
            if (!on) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            double secs = (now - start) * 1e-9;
            double rate = secs > 0 ? groups / secs : 0;
            StringBuilder b = new StringBuilder("\rgroups ").append(ProgressBar.human(groups))
                    .append(String.format(Locale.ROOT, "  %.0f groups/s", rate));
            if (totalRows > 0 && rows > 0) {
                double f = Math.min(1.0, (double) rows / totalRows);
                b.append(String.format(Locale.ROOT, "  %3.0f%% of rows  ETA %s", 100 * f,
                        ProgressBar.clock(secs * (1 - f) / f)));
            }
            err.print(b.append("   "));
            err.flush();
        }

        void finish() {
            if (on) {
                err.print("\r" + " ".repeat(70) + "\r");
                err.flush();
            }
        }
    }

    /** The counts and the first groups that did not converge, for the report. */
    private static final class Report {
        long groups;
        long rows;
        long converged;
        long singular;
        long maxEvaluations;
        long failed;
        final List<String> listed = new ArrayList<>();

        Report(int parameters) {
        }

        void add(GroupResult r) {
            groups++;
            rows += r.rows();
            switch (r.status()) {
                case CONVERGED -> converged++;
                case SINGULAR -> singular++;
                case MAX_EVALUATIONS -> maxEvaluations++;
                case FAILED -> failed++;
                default -> throw new AssertionError(r.status());
            }
            if (r.status() != GroupStatus.CONVERGED && listed.size() < LISTED) {
                listed.add("key " + GroupedFit.keyText(r.key()) + " (" + r.status().word() + "): " + r.message());
            }
        }

        String text(String key, GroupedFit.Summary summary, int restored, int threads, double seconds, Path out,
                long written) {
            StringBuilder b = new StringBuilder("[[Grouped Fit]]\n");
            b.append(String.format(Locale.ROOT, "    groups             = %d (by %s)%n", groups, key));
            b.append(String.format(Locale.ROOT, "    converged          = %d%n", converged));
            b.append(String.format(Locale.ROOT, "    singular           = %d%n", singular));
            b.append(String.format(Locale.ROOT, "    max_evaluations    = %d%n", maxEvaluations));
            b.append(String.format(Locale.ROOT, "    failed             = %d%n", failed));
            b.append(String.format(Locale.ROOT, "    rows               = %d%n", rows));
            if (restored > 0) {
                b.append(String.format(Locale.ROOT, "    resumed            = %d groups from the checkpoint%n", restored));
            }
            long fitted = summary.groups();
            b.append(String.format(Locale.ROOT, "    fitted             = %d groups in %.3f s on %d thread(s): %.0f fits/s%n",
                    fitted, seconds, threads, seconds > 0 ? fitted / seconds : 0));
            if (out != null) {
                b.append(String.format(Locale.ROOT, "    results            = %s (%d rows)%n", out, written));
            }
            if (!listed.isEmpty()) {
                b.append("[[Not Converged]] (first ").append(listed.size()).append(")\n");
                for (String l : listed) {
                    b.append("    ").append(l).append('\n');
                }
            }
            return b.toString();
        }
    }
}
