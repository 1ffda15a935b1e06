package io.streamlsq.app;

import io.streamlsq.expr.Ties;
import io.streamlsq.result.FitResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code --tie NAME=EXPR} (repeatable) and the config file's {@code ties: {NAME: EXPR}}: parameters defined by
 * expressions of other parameters (docs/model-language.md#ties); and what the report and the result JSON say of
 * them: value and standard error by the delta method, {@code √(gᵀ C g)} with g the exact gradient of the tie in the
 * parameters and C their covariance.
 */
final class TieSpecs {
    private TieSpecs() {
    }

    /** {@code --tie} items ({@code NAME=EXPR}) as definitions, in the order given; null when there are none. */
    static Map<String, String> fromOptions(List<String> items) {
        if (items == null || items.isEmpty()) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String item : items) {
            put(m, "--tie", item);
        }
        return m;
    }

    /**
     * The definitions in the {@code ties} setting: a mapping {@code NAME: EXPR} (the config file's, or what
     * {@code --tie} made), a list of {@code NAME=EXPR}, or one {@code NAME=EXPR}; empty when absent.
     */
    static Map<String, String> parse(Object raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null) {
            return m;
        }
        if (raw instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String name = String.valueOf(e.getKey()).trim();
                if (e.getValue() == null || String.valueOf(e.getValue()).isBlank()) {
                    throw new UsageException("ties: '" + name + "' has no expression (example: ties: {m2: \"m1 + 1.2\"})");
                }
                m.put(name, String.valueOf(e.getValue()).trim());
            }
        } else if (raw instanceof List<?> list) {
            for (Object item : list) {
                put(m, "ties", String.valueOf(item));
            }
        } else {
            put(m, "ties", String.valueOf(raw));
        }
        return m;
    }

    private static void put(Map<String, String> m, String option, String item) {
        String[] kv = item.split("=", 2);
        if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
            throw new UsageException(option + ": '" + item.trim() + "' is not NAME=EXPRESSION (example: --tie \"m2=m1+1.2\")");
        }
        String name = kv[0].trim();
        if (m.containsKey(name)) {
            throw new UsageException(option + ": '" + name + "' is tied twice (" + name + "=" + m.get(name) + " and "
                    + item.trim() + ")");
        }
        m.put(name, kv[1].trim());
    }

    /** Refuses tied names that --p0, --fix or --bounds also name: a tied parameter has its tie only. */
    static void refuseOtherSettings(Set<String> tied, Set<String> p0, Set<String> fixed, Set<String> bounded) {
        StringBuilder b = new StringBuilder();
        for (String t : tied) {
            StringBuilder where = new StringBuilder();
            if (p0.contains(t)) {
                where.append("--p0");
            }
            if (fixed.contains(t)) {
                where.append(where.length() > 0 ? ", " : "").append("--fix");
            }
            if (bounded.contains(t)) {
                where.append(where.length() > 0 ? ", " : "").append("--bounds");
            }
            if (where.length() > 0) {
                b.append(b.length() > 0 ? "; " : "").append("'").append(t).append("' is tied and also in ").append(where);
            }
        }
        if (b.length() > 0) {
            throw new UsageException(b + ": a tied parameter is defined by its tie only (no start value, not fixed, no"
                    + " bounds); remove it from those options or remove its tie");
        }
    }

    /** A tied parameter at the fit's values: the tie, its value and its delta-method standard error. */
    record Tied(String name, String expression, String resolved, double value, double stderr) {
    }

    /** The ties at {@code r}'s values, in the order given. */
    static List<Tied> evaluate(Ties ties, FitResult r) {
        int p = r.parameterNames().size();
        double[][] c = r.covariance();
        return ties.names().stream().map(name -> {
            double[] g = new double[p];
            double v = ties.value(name, r.values(), g);
            double var = 0;
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    if (g[i] != 0 && g[j] != 0) { // a parameter the tie does not use cannot spoil it with a NaN
                        var += g[i] * c[i][j] * g[j];
                    }
                }
            }
            return new Tied(name, ties.definition(name), ties.resolved(name), v, Math.sqrt(Math.max(var, 0)));
        }).toList();
    }

    /** The result JSON's {@code tied} section: by name, value, stderr, expression, resolved and {@code tied: true}. */
    static Map<String, Object> json(Ties ties, FitResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Tied t : evaluate(ties, r)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("value", Double.isFinite(t.value()) ? t.value() : null);
            e.put("stderr", Double.isFinite(t.stderr()) ? t.stderr() : null);
            e.put("expr", t.expression());
            e.put("resolved", t.resolved());
            e.put("tied", true);
            m.put(t.name(), e);
        }
        return m;
    }

    /** The report's {@code [[Tied]]} section, aligned as [[Variables]]; empty without ties. */
    static String report(Ties ties, FitResult r) {
        if (ties.isEmpty()) {
            return "";
        }
        List<Tied> all = evaluate(ties, r);
        int width = all.stream().mapToInt(t -> t.name().length()).max().orElse(1);
        StringBuilder s = new StringBuilder("[[Tied]] (standard errors through the tie: delta method)\n");
        for (Tied t : all) {
            s.append("    ").append(t.name()).append(':').append(" ".repeat(width - t.name().length() + 1));
            s.append(String.format(Locale.ROOT, "%14.8g", t.value()));
            s.append(Double.isNaN(t.stderr()) ? String.format(Locale.ROOT, " +/- %-11s", "unknown")
                    : String.format(Locale.ROOT, " +/- %-11.4g", t.stderr()));
            double rel = Math.abs(t.stderr() / t.value()) * 100;
            s.append(Double.isFinite(rel) ? String.format(Locale.ROOT, " (%.2f%%)", rel) : " (n/a)");
            s.append(" == ").append(t.expression()).append('\n');
        }
        return s.toString();
    }
}
