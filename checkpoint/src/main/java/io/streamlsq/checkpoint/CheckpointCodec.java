package io.streamlsq.checkpoint;

import io.streamlsq.result.FitResult;
import io.streamlsq.result.PhaseTiming;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointMismatchException;
import io.streamlsq.resume.CorruptCheckpointException;
import io.streamlsq.resume.FitSnapshot;
import io.streamlsq.resume.PendingPass;
import io.streamlsq.resume.ProblemRecord;
import io.streamlsq.resume.ScheduleSnapshot;
import io.streamlsq.resume.TerminationRecord;
import io.streamlsq.resume.WarmupSnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@link Checkpoint} to and from the format 3.0 layout of docs/checkpoint-format.md. */
final class CheckpointCodec {
    static final String FORMAT = "streamlsq-checkpoint";
    /** current_phase numbers: the index here (presolve came after the others were numbered). */
    static final List<String> PHASES = List.of("setup", "warmup", "gauss_newton", "finalize", "presolve", "global");
    private static final String PS = "/phase_state";

    private CheckpointCodec() {
    }

    // ---------------------------------------------------------------- writing

    static H5Tree encode(Checkpoint c, long sequence, String created) {
        H5Tree t = new H5Tree();
        t.attr("/", "format", FORMAT).attr("/", "version", Checkpoint.VERSION).attr("/", "created", created)
                .attr("/", "sequence", sequence).attr("/", "where", c.where());
        problem(t, c.problem());
        if (c.fit() != null) {
            fit(t, PS, c.fit());
        } else {
            t.put(PS + "/current_phase", -1L).put(PS + "/current_phase_name", "between_phases");
        }
        if (c.schedule() != null) {
            schedule(t, c.schedule());
        }
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(c.attributes()).entrySet()) {
            t.put("/application/" + e.getKey(), e.getValue());
        }
        return t;
    }

    private static void problem(H5Tree t, ProblemRecord p) {
        t.put("/problem/param_names", p.names().toArray(String[]::new)).put("/problem/model", p.model())
                .put("/problem/initial", p.initial()).put("/problem/bounds", pairs(p.lower(), p.upper()))
                .put("/problem/fixed", ints(p.fixed())).put("/problem/options", p.options())
                .put("/problem/data_fingerprint", p.fingerprint());
    }

    private static void fit(H5Tree t, String g, FitSnapshot f) {
        t.put(g + "/current_phase", (long) PHASES.indexOf(f.phase())).put(g + "/current_phase_name", f.phase());
        t.put(g + "/params", f.theta());
        t.put(g + "/normalized_params", f.q());
        t.put(g + "/data_fingerprint", f.fingerprint());
        if (f.dataDigests().length > 0) {
            t.put(g + "/data_digests", f.dataDigests());
        }
        t.put(g + "/normalizer_state/scales", f.scales()).put(g + "/normalizer_state/offsets", f.offsets())
                .attr(g + "/normalizer_state", "strategy", f.scalingStrategy().toLowerCase(Locale.ROOT));
        t.put(g + "/solver", f.solver());
        t.put(g + "/presolve/stage", (long) f.presolveStage()).put(g + "/presolve/outcome", f.presolveOutcome());
        if (f.presolveStart() != null) {
            t.put(g + "/presolve/start", f.presolveStart());
        }
        if (f.solverNote() != null) {
            t.put(g + "/solver_note", f.solverNote());
        }
        io.streamlsq.accumulate.NormalEquations.Form form = io.streamlsq.accumulate.NormalEquations.Form.ofSolverName(f.solver());
        int p = f.current() == null ? 0 : io.streamlsq.accumulate.NormalEquations.dimensionOf(f.current().length);
        if (f.current() != null) {
            io.streamlsq.accumulate.NormalEquations ne = io.streamlsq.accumulate.NormalEquations.fromArray(p, f.current(), form);
            t.put(g + "/phase2_normal_equations", f.current());
            t.put(g + "/phase2_jtj_accumulator", ne.jtjMatrix()).put(g + "/phase2_jtr_accumulator", ne.jtrVector());
        }
        t.put(g + "/best_params_global", f.theta());
        t.put(g + "/best_cost_global", f.current() == null ? Double.NaN
                : io.streamlsq.accumulate.NormalEquations.fromArray(p, f.current(), form).cost());
        t.put(g + "/counters/passes", f.passes()).put(g + "/counters/rows_evaluated", f.rowsEvaluated())
                .put(g + "/counters/phase_passes_at_start", f.phasePasses0())
                .put(g + "/counters/phase_iterations", (long) f.phaseIterations())
                .put(g + "/counters/gauss_newton_iterations", (long) f.gaussNewtonIterations())
                .put(g + "/counters/invalid_steps", (long) f.invalidSteps())
                .put(g + "/counters/elapsed_seconds", f.elapsedSeconds())
                .put(g + "/counters/phase_elapsed_seconds", f.phaseSeconds());
        t.put(g + "/lm_state/radius", f.radius()).put(g + "/lm_state/damping", f.damping()).put(g + "/lm_state/diag", f.diag());
        guards(t, g + "/guard_counters", f.guards());
        t.put(g + "/warmup_outcome", f.warmupOutcome());
        t.put(g + "/warnings", f.warnings().toArray(String[]::new));
        timings(t, g + "/completed_phases", f.completed());
        t.put(g + "/phase_history", historyJson(f.completed()));
        termination(t, g + "/termination", f.termination());
        if (f.warmup() != null) {
            warmup(t, g + "/phase1_optimizer_state", f.warmup());
        }
        if (f.global() != null) {
            GlobalCodec.write(t, g + "/global", f.global());
        }
        if (f.pending() != null) {
            PendingPass pp = f.pending();
            String c = g + "/pass_cursor";
            t.put(c + "/pass", pp.pass()).put(c + "/level", pp.level()).put(c + "/params", pp.theta())
                    .put(c + "/next_chunk", pp.nextChunk()).put(c + "/rows_done", pp.rowsDone())
                    .put(c + "/partial_sums", pp.sums());
            if (pp.series() != null) {
                t.put(c + "/series_halo", pp.series());
            }
        }
    }

    private static void warmup(H5Tree t, String g, WarmupSnapshot w) {
        t.attr(g, "optimizer_type", w.method().toLowerCase(Locale.ROOT));
        t.put(g + "/count", (long) w.iteration()).put(g + "/initial_step", w.step())
                .put(g + "/params", w.xq()).put(g + "/loss", w.xLoss()).put(g + "/gradient", w.xg())
                .put(g + "/best_params", w.bestQ()).put(g + "/best_loss", w.bestLoss()).put(g + "/best_gradient", w.bestG())
                .put(g + "/memory_size", (long) w.memoryS().length);
        if (w.memoryS().length > 0) {
            double[] rho = new double[w.memoryS().length];
            for (int i = 0; i < rho.length; i++) {
                double sy = 0;
                for (int j = 0; j < w.memoryS()[i].length; j++) {
                    sy += w.memoryS()[i][j] * w.memoryY()[i][j];
                }
                rho[i] = 1 / sy;
            }
            t.put(g + "/diff_params_memory", w.memoryS()).put(g + "/diff_updates_memory", w.memoryY())
                    .put(g + "/weights_memory", rho);
        }
        t.put(g + "/adam_m", w.adamM()).put(g + "/adam_v", w.adamV());
    }

    private static void schedule(H5Tree t, ScheduleSnapshot s) {
        String g = "/schedule";
        t.put(g + "/phase_names", s.phaseNames().toArray(String[]::new)).put(g + "/states", s.states().toArray(String[]::new))
                .put(g + "/values", s.values()).put(g + "/fixed", ints(s.fixed())).put(g + "/running", (long) s.running())
                .put(g + "/running_losses", s.runningLosses()).put(g + "/running_plateau", s.runningPlateau() ? 1L : 0L);
        for (int i = 0; i < s.phaseNames().size(); i++) {
            String pg = g + "/phase_" + i;
            t.put(pg + "/name", s.phaseNames().get(i));
            t.put(pg + "/entry_values", s.entryValues().get(i));
            if (s.entryFixed().get(i) != null) {
                t.put(pg + "/entry_fixed", ints(s.entryFixed().get(i)));
            }
            t.put(pg + "/stop_reason", s.stopReasons().get(i));
            t.put(pg + "/losses", s.losses().get(i));
            if (s.results().get(i) != null) {
                result(t, pg + "/result", s.results().get(i));
            }
        }
    }

    private static void result(H5Tree t, String g, FitResult r) {
        t.put(g + "/initial", r.initial()).put(g + "/values", r.values()).put(g + "/stderr", r.stderr())
                .put(g + "/fixed", ints(r.fixed())).put(g + "/covariance", r.covariance()).put(g + "/correlation", r.correlation())
                .put(g + "/cost", r.cost()).put(g + "/ssr", r.ssr()).put(g + "/rows", r.rows()).put(g + "/dof", r.dof())
                .put(g + "/reduced_chi2", r.reducedChi2()).put(g + "/passes", r.passes())
                .put(g + "/rows_evaluated", r.rowsEvaluated()).put(g + "/seconds", r.seconds())
                .put(g + "/condition_number", r.conditionNumber()).put(g + "/resumed", r.resumed() ? 1L : 0L)
                .put(g + "/warmup_outcome", r.warmupOutcome()).put(g + "/warnings", r.warnings().toArray(String[]::new));
        termination(t, g + "/termination", TerminationRecord.of(r.termination()));
        t.put(g + "/presolve_outcome", r.presolveOutcome());
        t.put(g + "/solver", r.numerics().solver()).put(g + "/kappa", r.numerics().kappa())
                .put(g + "/reliable_values", ints(r.numerics().reliableValues()))
                .put(g + "/reliable_stderr", ints(r.numerics().reliableStderr()));
        if (r.numerics().note() != null) {
            t.put(g + "/solver_note", r.numerics().note());
        }
        timings(t, g + "/phases", r.phases());
        guards(t, g + "/guard_counters", r.guardTriggers());
    }

    static void termination(H5Tree t, String g, TerminationRecord r) {
        if (r != null) {
            t.put(g + "/kind", r.kind()).put(g + "/detail", r.detail()).put(g + "/reason", r.reason());
        }
    }

    private static void timings(H5Tree t, String g, List<PhaseTiming> ts) {
        t.put(g + "/names", ts.stream().map(PhaseTiming::name).toArray(String[]::new))
                .put(g + "/seconds", ts.stream().mapToDouble(PhaseTiming::seconds).toArray())
                .put(g + "/iterations", ts.stream().mapToLong(PhaseTiming::iterations).toArray())
                .put(g + "/passes", ts.stream().mapToLong(PhaseTiming::passes).toArray());
    }

    private static void guards(H5Tree t, String g, Map<String, Long> guards) {
        t.put(g + "/names", guards.keySet().toArray(String[]::new))
                .put(g + "/counts", guards.values().stream().mapToLong(Long::longValue).toArray());
    }

    private static String historyJson(List<PhaseTiming> ts) {
        StringBuilder b = new StringBuilder("[");
        for (PhaseTiming p : ts) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(String.format(Locale.ROOT, "{\"phase\":\"%s\",\"seconds\":%s,\"iterations\":%d,\"passes\":%d}",
                    p.name(), Double.isFinite(p.seconds()) ? Double.toString(p.seconds()) : "null", p.iterations(), p.passes()));
        }
        return b.append(']').toString();
    }

    // ---------------------------------------------------------------- reading

    /**
     * @throws CheckpointMismatchException for another format or an unknown major version (checked before the digest,
     *     so a file another tool re-labelled is named for its version)
     * @throws CorruptCheckpointException for a damaged file, a missing or mistyped part
     */
    static Checkpoint decode(H5Tree t, Path file) throws CorruptCheckpointException {
        Reader r = new Reader(t, file);
        Object format = t.attribute("/", "format");
        if (!FORMAT.equals(format)) {
            throw new CheckpointMismatchException(file + " is an HDF5 file but not a StreamLSQ checkpoint (root attribute "
                    + "format = " + format + ", expected " + FORMAT + ")");
        }
        Object version = t.attribute("/", "version");
        if (!(version instanceof String v) || !v.startsWith("3.")) {
            throw new CheckpointMismatchException(file + " has checkpoint format version " + version
                    + "; this program reads major version 3 (3.x) only");
        }
        t.verify(file);
        ProblemRecord problem = new ProblemRecord(List.of(r.strings("/problem/param_names")), r.text("/problem/model"),
                r.doubles("/problem/initial"), column(r.matrix("/problem/bounds"), 0), column(r.matrix("/problem/bounds"), 1),
                bools(r.ints("/problem/fixed")), r.text("/problem/options"), r.text("/problem/data_fingerprint"));
        long phase = r.number(PS + "/current_phase");
        FitSnapshot fit = phase < 0 ? null : fit(r, PS);
        ScheduleSnapshot schedule = t.hasGroup("/schedule") ? schedule(r) : null;
        Map<String, String> app = new LinkedHashMap<>();
        for (String key : r.childrenOf("/application")) {
            app.put(key, r.text("/application/" + key));
        }
        return new Checkpoint(problem, fit, schedule, app);
    }

    private static FitSnapshot fit(Reader r, String g) throws CorruptCheckpointException {
        String phase = r.text(g + "/current_phase_name");
        if (!PHASES.contains(phase)) {
            throw r.bad(g + "/current_phase_name", "'" + phase + "' is not one of " + PHASES);
        }
        double[] current = r.optDoubles(g + "/phase2_normal_equations");
        WarmupSnapshot w = r.tree.hasGroup(g + "/phase1_optimizer_state") ? warmup(r, g + "/phase1_optimizer_state") : null;
        PendingPass pending = null;
        if (r.tree.hasGroup(g + "/pass_cursor")) {
            String c = g + "/pass_cursor";
            pending = new PendingPass(r.number(c + "/pass"), r.text(c + "/level"), r.doubles(c + "/params"),
                    r.number(c + "/next_chunk"), r.number(c + "/rows_done"), r.doubles(c + "/partial_sums"),
                    r.optDoubles(c + "/series_halo"));
        }
        Object strategy = r.tree.attribute(g + "/normalizer_state", "strategy");
        if (!(strategy instanceof String)) {
            throw r.bad(g + "/normalizer_state", "has no strategy attribute");
        }
        return new FitSnapshot(phase, timings(r, g + "/completed_phases"), r.real(g + "/counters/phase_elapsed_seconds"),
                r.number(g + "/counters/phase_passes_at_start"), (int) r.number(g + "/counters/phase_iterations"),
                r.real(g + "/counters/elapsed_seconds"), r.doubles(g + "/params"), r.optDoubles(g + "/normalized_params"),
                ((String) strategy).toUpperCase(Locale.ROOT), r.doubles(g + "/normalizer_state/scales"),
                r.doubles(g + "/normalizer_state/offsets"), r.text(g + "/data_fingerprint"), current,
                r.number(g + "/counters/passes"), r.number(g + "/counters/rows_evaluated"), r.optDoubles(g + "/lm_state/diag"),
                r.real(g + "/lm_state/radius"), r.real(g + "/lm_state/damping"),
                (int) r.number(g + "/counters/gauss_newton_iterations"), (int) r.number(g + "/counters/invalid_steps"),
                guards(r, g + "/guard_counters"), r.text(g + "/warmup_outcome"), List.of(r.optStrings(g + "/warnings")),
                termination(r, g + "/termination"), w, pending,
                r.tree.has(g + "/data_digests") ? r.longs(g + "/data_digests") : null,
                r.tree.has(g + "/solver") ? r.text(g + "/solver") : "normal",
                r.tree.has(g + "/solver_note") ? r.text(g + "/solver_note") : null,
                r.tree.has(g + "/presolve/stage") ? (int) r.number(g + "/presolve/stage") : 0,
                r.tree.has(g + "/presolve/outcome") ? r.text(g + "/presolve/outcome") : null,
                r.optDoubles(g + "/presolve/start"),
                r.tree.hasGroup(g + "/global") ? GlobalCodec.read(r, g + "/global") : null);
    }

    private static WarmupSnapshot warmup(Reader r, String g) throws CorruptCheckpointException {
        Object type = r.tree.attribute(g, "optimizer_type");
        if (!(type instanceof String method)) {
            throw r.bad(g, "has no optimizer_type attribute");
        }
        int m = (int) r.number(g + "/memory_size");
        double[][] s = m == 0 ? new double[0][] : r.matrix(g + "/diff_params_memory");
        double[][] y = m == 0 ? new double[0][] : r.matrix(g + "/diff_updates_memory");
        if (s.length != m || y.length != m) {
            throw r.bad(g + "/diff_params_memory", "holds " + s.length + " pairs but memory_size is " + m);
        }
        return new WarmupSnapshot(method.toUpperCase(Locale.ROOT), (int) r.number(g + "/count"), r.real(g + "/initial_step"),
                r.doubles(g + "/params"), r.real(g + "/loss"), r.doubles(g + "/gradient"), r.doubles(g + "/best_params"),
                r.real(g + "/best_loss"), r.doubles(g + "/best_gradient"), s, y, r.optDoubles(g + "/adam_m"),
                r.optDoubles(g + "/adam_v"));
    }

    private static ScheduleSnapshot schedule(Reader r) throws CorruptCheckpointException {
        String g = "/schedule";
        List<String> names = List.of(r.strings(g + "/phase_names"));
        List<double[]> ev = new ArrayList<>();
        List<boolean[]> ef = new ArrayList<>();
        List<String> stops = new ArrayList<>();
        List<double[]> losses = new ArrayList<>();
        List<FitResult> results = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String pg = g + "/phase_" + i;
            ev.add(r.optDoubles(pg + "/entry_values"));
            int[] f = r.tree.has(pg + "/entry_fixed") ? r.ints(pg + "/entry_fixed") : null;
            ef.add(f == null ? null : bools(f));
            stops.add(r.tree.has(pg + "/stop_reason") ? r.text(pg + "/stop_reason") : null);
            double[] l = r.optDoubles(pg + "/losses");
            losses.add(l == null ? new double[0] : l);
            results.add(r.tree.hasGroup(pg + "/result") ? result(r, pg + "/result") : null);
        }
        double[] rl = r.optDoubles(g + "/running_losses");
        return new ScheduleSnapshot(names, List.of(r.strings(g + "/states")), ev, ef, r.doubles(g + "/values"),
                bools(r.ints(g + "/fixed")), stops, losses, results, (int) r.number(g + "/running"),
                rl == null ? new double[0] : rl, r.number(g + "/running_plateau") != 0);
    }

    private static FitResult result(Reader r, String g) throws CorruptCheckpointException {
        TerminationRecord term = termination(r, g + "/termination");
        if (term == null) {
            throw r.bad(g + "/termination", "is missing");
        }
        List<String> names = List.of(r.strings("/problem/param_names"));
        return new FitResult(names, r.doubles(g + "/initial"), r.doubles(g + "/values"), r.doubles(g + "/stderr"),
                bools(r.ints(g + "/fixed")), r.matrix(g + "/covariance"), r.matrix(g + "/correlation"), terminate(r, g, term),
                r.real(g + "/cost"), r.real(g + "/ssr"), r.number(g + "/rows"), r.number(g + "/dof"), r.real(g + "/reduced_chi2"),
                r.number(g + "/passes"), r.number(g + "/rows_evaluated"), timings(r, g + "/phases"), r.real(g + "/seconds"),
                r.real(g + "/condition_number"), List.of(r.optStrings(g + "/warnings")), r.number(g + "/resumed") != 0,
                new LinkedHashMap<>(guards(r, g + "/guard_counters")), r.text(g + "/warmup_outcome"), numerics(r, g, names.size()),
                r.tree.has(g + "/presolve_outcome") ? r.text(g + "/presolve_outcome") : null, null);
    }

    private static io.streamlsq.result.Numerics numerics(Reader r, String g, int n) throws CorruptCheckpointException {
        if (!r.tree.has(g + "/solver")) {
            return io.streamlsq.result.Numerics.unknown(n, "normal"); // written by format 3.0
        }
        boolean[] values = bools(r.ints(g + "/reliable_values"));
        boolean[] stderr = bools(r.ints(g + "/reliable_stderr"));
        if (values.length != n || stderr.length != n) {
            throw r.bad(g + "/reliable_values", "holds " + values.length + " and " + stderr.length + " flags for " + n
                    + " parameters");
        }
        return new io.streamlsq.result.Numerics(r.text(g + "/solver"),
                r.tree.has(g + "/solver_note") ? r.text(g + "/solver_note") : null, r.real(g + "/kappa"), values, stderr);
    }

    private static io.streamlsq.result.Termination terminate(Reader r, String g, TerminationRecord t)
            throws CorruptCheckpointException {
        try {
            return t.toTermination();
        } catch (IllegalArgumentException e) {
            throw r.bad(g + "/termination", e.getMessage());
        }
    }

    static TerminationRecord termination(Reader r, String g) throws CorruptCheckpointException {
        if (!r.tree.hasGroup(g)) {
            return null;
        }
        TerminationRecord t = new TerminationRecord(r.text(g + "/kind"), r.text(g + "/detail"), r.text(g + "/reason"));
        terminate(r, g, t);
        return t;
    }

    private static List<PhaseTiming> timings(Reader r, String g) throws CorruptCheckpointException {
        String[] names = r.optStrings(g + "/names");
        if (names.length == 0) {
            return List.of();
        }
        double[] s = r.doubles(g + "/seconds");
        long[] it = r.longs(g + "/iterations");
        long[] ps = r.longs(g + "/passes");
        if (s.length != names.length || it.length != names.length || ps.length != names.length) {
            throw r.bad(g, "has names, seconds, iterations and passes of different lengths");
        }
        List<PhaseTiming> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            out.add(new PhaseTiming(names[i], s[i], (int) it[i], (int) ps[i]));
        }
        return out;
    }

    private static Map<String, Long> guards(Reader r, String g) throws CorruptCheckpointException {
        String[] names = r.optStrings(g + "/names");
        Map<String, Long> out = new LinkedHashMap<>();
        if (names.length > 0) {
            long[] counts = r.longs(g + "/counts");
            if (counts.length != names.length) {
                throw r.bad(g, "has " + names.length + " names but " + counts.length + " counts");
            }
            for (int i = 0; i < names.length; i++) {
                out.put(names[i], counts[i]);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    /** Typed access with messages that name the file and the path. */
    static final class Reader {
        final H5Tree tree;
        final Path file;

        Reader(H5Tree tree, Path file) {
            this.tree = tree;
            this.file = file;
        }

        CorruptCheckpointException bad(String path, String what) {
            return new CorruptCheckpointException(file + ": " + path + " " + what);
        }

        private Object need(String path) throws CorruptCheckpointException {
            Object v = tree.get(path);
            if (v == null) {
                throw bad(path, "is missing");
            }
            return v;
        }

        private <T> T typed(String path, Class<T> type, String name) throws CorruptCheckpointException {
            Object v = need(path);
            if (!type.isInstance(v)) {
                throw bad(path, "is " + v.getClass().getSimpleName() + ", expected " + name);
            }
            return type.cast(v);
        }

        String text(String path) throws CorruptCheckpointException {
            return typed(path, String.class, "a string");
        }

        long number(String path) throws CorruptCheckpointException {
            return typed(path, Long.class, "a 64-bit integer");
        }

        double real(String path) throws CorruptCheckpointException {
            return typed(path, Double.class, "a float64 scalar");
        }

        double[] doubles(String path) throws CorruptCheckpointException {
            return typed(path, double[].class, "a float64 array");
        }

        double[] optDoubles(String path) throws CorruptCheckpointException {
            return tree.has(path) ? doubles(path) : null;
        }

        double[][] matrix(String path) throws CorruptCheckpointException {
            return typed(path, double[][].class, "a 2-D float64 array");
        }

        long[] longs(String path) throws CorruptCheckpointException {
            return typed(path, long[].class, "an int64 array");
        }

        int[] ints(String path) throws CorruptCheckpointException {
            return typed(path, int[].class, "an int32 array");
        }

        String[] strings(String path) throws CorruptCheckpointException {
            return typed(path, String[].class, "a string array");
        }

        String[] optStrings(String path) throws CorruptCheckpointException {
            return tree.has(path) ? strings(path) : new String[0];
        }

        List<String> childrenOf(String group) {
            return tree.children(group);
        }
    }

    private static double[][] pairs(double[] lo, double[] hi) {
        double[][] m = new double[lo.length][];
        for (int i = 0; i < lo.length; i++) {
            m[i] = new double[] {lo[i], hi[i]};
        }
        return m;
    }

    private static double[] column(double[][] m, int c) {
        double[] v = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            v[i] = m[i][c];
        }
        return v;
    }

    private static int[] ints(boolean[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] ? 1 : 0;
        }
        return v;
    }

    private static boolean[] bools(int[] v) {
        boolean[] b = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i] != 0;
        }
        return b;
    }
}
