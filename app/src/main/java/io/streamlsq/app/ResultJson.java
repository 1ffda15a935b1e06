package io.streamlsq.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamlsq.result.FitResult;
import io.streamlsq.result.PhaseTiming;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result JSON of DESIGN.md §5.2 ({@code format = streamlsq-result, version = 1}). Non-finite numbers
 * (an undetermined standard error, say) are written as {@code null}, since JSON has no NaN. Written
 * atomically: a temporary file in the same directory, renamed over the target.
 */
final class ResultJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultJson() {
    }

    static Map<String, Object> toMap(FitResult r, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "streamlsq-result");
        m.put("version", 1);
        m.put("status", r.termination().status());
        m.put("message", r.termination().reason());
        m.put("params", named(r.parameterNames(), r.values()));
        m.put("stderr", named(r.parameterNames(), r.stderr()));
        m.put("covariance", matrix(r.covariance()));
        m.put("correlation", matrix(r.correlation()));
        m.put("cost", num(r.cost()));
        m.put("ssr", num(r.ssr()));
        m.put("rows", r.rows());
        m.put("dof", r.dof());
        m.put("reduced_chi2", num(r.reducedChi2()));
        m.put("passes", r.passes());
        m.put("rows_evaluated", r.rowsEvaluated());
        Map<String, Object> it = new LinkedHashMap<>();
        it.put("warmup", r.iterations("warmup"));
        it.put("gauss_newton", r.iterations("gauss_newton"));
        m.put("iterations", it);
        List<Map<String, Object>> phases = new ArrayList<>();
        for (PhaseTiming p : r.phases()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            pm.put("seconds", p.seconds());
            pm.put("iterations", p.iterations());
            pm.put("passes", p.passes());
            phases.add(pm);
        }
        m.put("phases", phases);
        m.put("seconds", r.seconds());
        m.put("resumed", r.resumed());
        m.put("solver", r.numerics().solver());
        if (r.numerics().note() != null) {
            m.put("solver_note", r.numerics().note());
        }
        m.put("kernel", FitRunner.kernel());
        m.put("engine", "local"); // "spark" from lsq fit --engine spark (in extra)
        List<String> fixed = new ArrayList<>();
        for (int k = 0; k < r.fixed().length; k++) {
            if (r.fixed()[k]) {
                fixed.add(r.parameterNames().get(k));
            }
        }
        m.put("fixed", fixed);
        m.put("condition_number", num(r.conditionNumber()));
        m.put("condition_number_j", num(r.numerics().kappa()));
        Map<String, Object> reliableValues = new LinkedHashMap<>();
        Map<String, Object> reliableStderr = new LinkedHashMap<>();
        for (int k = 0; k < r.parameterNames().size(); k++) {
            reliableValues.put(r.parameterNames().get(k), r.numerics().reliableValues()[k]);
            reliableStderr.put(r.parameterNames().get(k), r.numerics().reliableStderr()[k]);
        }
        Map<String, Object> reliable = new LinkedHashMap<>();
        reliable.put("params", reliableValues);
        reliable.put("stderr", reliableStderr);
        m.put("reliable", reliable);
        Map<String, Object> warm = new LinkedHashMap<>();
        warm.put("outcome", r.warmupOutcome());
        warm.put("guards", r.guardTriggers());
        m.put("warmup", warm);
        Map<String, Object> pre = new LinkedHashMap<>();
        pre.put("outcome", r.presolveOutcome());
        pre.put("iterations", r.iterations("presolve"));
        m.put("presolve", pre);
        if (r.global() != null) {
            m.put("global", global(r.parameterNames(), r.global()));
        }
        m.put("warnings", r.warnings());
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            // the ties of lsq fit --tie come as they are: their section is computed at the result's values
            m.put(e.getKey(), e.getValue() instanceof io.streamlsq.expr.Ties t ? TieSpecs.json(t, r) : e.getValue());
        }
        return m;
    }

    private static Map<String, Object> global(List<String> names, io.streamlsq.result.GlobalSummary g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", g.method());
        m.put("budget", g.budget());
        m.put("trials", g.trials());
        m.put("failures", g.failures());
        m.put("sample_rows", g.sampleRows());
        List<Map<String, Object>> best = new ArrayList<>();
        for (var t : g.best()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("trial", t.number());
            b.put("score", num(t.score()));
            b.put("start", named(names, t.start()));
            b.put("end", named(names, t.end()));
            best.add(b);
        }
        m.put("best_trials", best);
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (var t : g.rounds()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("round", t.round());
            b.put("rows", t.rows());
            b.put("entrants", t.entrants());
            b.put("kept", t.kept());
            rounds.add(b);
        }
        m.put("rounds", rounds);
        List<Map<String, Object>> finalists = new ArrayList<>();
        for (var f : g.finalists()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("start", named(names, f.start()));
            b.put("params", named(names, f.theta()));
            b.put("cost", num(f.cost()));
            b.put("termination", f.termination());
            b.put("iterations", f.iterations());
            finalists.add(b);
        }
        m.put("finalists", finalists);
        m.put("winner", g.winner());
        m.put("rows_evaluated", g.rowsEvaluated());
        m.put("pass_equivalents", num(g.passEquivalents()));
        m.put("seconds", g.seconds());
        if (!g.note().isEmpty()) {
            m.put("note", g.note());
        }
        return m;
    }

    /** Compact JSON of plain values (maps, lists, strings, numbers, booleans). */
    static String toJson(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON of " + value, e);
        }
    }

    static void write(FitResult r, Map<String, Object> extra, Path out) throws IOException {
        Map<String, Object> doc = toMap(r, extra);
        OutputFiles.write(out, os -> MAPPER.writeValue(new java.io.FilterOutputStream(os) {
            @Override
            public void close() throws IOException {
                flush(); // the caller forces and closes the file
            }
        }, doc));
    }

    private static Map<String, Object> named(List<String> names, double[] values) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            m.put(names.get(k), num(values[k]));
        }
        return m;
    }

    private static List<List<Object>> matrix(double[][] a) {
        List<List<Object>> rows = new ArrayList<>();
        for (double[] row : a) {
            List<Object> r = new ArrayList<>();
            for (double v : row) {
                r.add(num(v));
            }
            rows.add(r);
        }
        return rows;
    }

    private static Object num(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
