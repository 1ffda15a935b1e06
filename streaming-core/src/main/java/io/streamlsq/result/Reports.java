package io.streamlsq.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Text reports of a {@link FitResult}. */
final class Reports {
    private static final double CORRELATION_FLOOR = 0.1;

    private Reports() {
    }

    static String brief(FitResult r) {
        return String.format(Locale.ROOT, "%s: %s; cost %.6g, %d rows, %d passes, %.3g s",
                r.termination().status(), r.termination().reason(), r.cost(), r.rows(), r.passes(), r.seconds());
    }

    private static void global(StringBuilder s, GlobalSummary g) {
        s.append("[[Global Search]]\n");
        line(s, "# method", String.format(Locale.ROOT, "%s: %d of %d trials (%d failed), each a local fit on %d rows",
                g.method(), g.trials(), g.budget(), g.failures(), g.sampleRows()));
        StringBuilder best = new StringBuilder();
        for (GlobalSummary.Trial t : g.best().subList(0, Math.min(3, g.best().size()))) {
            best.append(best.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "#%d %.6g", t.number(), t.score()));
        }
        line(s, "# best trials", best.length() == 0 ? "none finished" : best + " (sample cost)");
        for (GlobalSummary.Round t : g.rounds()) {
            line(s, "# round " + t.round(), String.format(Locale.ROOT, "%d rows, %d entrants, %d kept", t.rows(),
                    t.entrants(), t.kept()));
        }
        for (int i = 0; i < g.finalists().size(); i++) {
            GlobalSummary.Finalist f = g.finalists().get(i);
            line(s, "# finalist " + (i + 1), String.format(Locale.ROOT, "cost %s, %d iterations, %s%s", fmt(f.cost()),
                    f.iterations(), f.termination().replaceAll(":.*", ""), i == g.winner() ? " <- reported" : ""));
        }
        line(s, "# search cost", String.format(Locale.ROOT, "%d rows evaluated (%.3g pass equivalents), %.3f s",
                g.rowsEvaluated(), g.passEquivalents(), g.seconds()));
        if (!g.note().isEmpty()) {
            line(s, "# note", g.note());
        }
    }

    static String full(FitResult r) {
        StringBuilder s = new StringBuilder();
        int free = 0;
        for (boolean f : r.fixed()) {
            free += f ? 0 : 1;
        }
        s.append("[[Fit Statistics]]\n");
        line(s, "# status", r.termination().status() + " (" + r.termination().reason() + ")");
        line(s, "# fitting method", "streaming Levenberg-Marquardt");
        line(s, "# passes", Long.toString(r.passes()));
        line(s, "# rows evaluated", String.format(Locale.ROOT, "%d (%.2f× the data: passes, samples, setup checks)",
                r.rowsEvaluated(), r.rows() > 0 ? (double) r.rowsEvaluated() / r.rows() : 0.0));
        for (PhaseTiming p : r.phases()) {
            if ((p.name().equals("warmup") && r.warmupOutcome().equals("not enabled") && p.passes() == 0)
                    || (p.name().equals("presolve") && r.presolveOutcome().startsWith("not run"))) {
                continue; // a phase that did not run
            }
            line(s, "# " + p.name(), String.format(Locale.ROOT, "%d iterations, %d passes, %.3f s",
                    p.iterations(), p.passes(), p.seconds()));
        }
        if (!r.warmupOutcome().equals("not enabled")) {
            line(s, "# warmup outcome", r.warmupOutcome() + (r.guardTriggers().isEmpty() ? "" : " (guards: "
                    + r.guardTriggers().toString().replaceAll("[{}]", "") + ")"));
        }
        if (!r.presolveOutcome().startsWith("not run")) {
            line(s, "# presolve outcome", r.presolveOutcome());
        }
        line(s, "# data points", Long.toString(r.rows()));
        line(s, "# variables", Integer.toString(free));
        line(s, "chi-square", fmt(r.ssr()));
        line(s, "reduced chi-square", fmt(r.reducedChi2()));
        line(s, "cost", fmt(r.cost()));
        line(s, "condition number", fmt(r.conditionNumber()) + " (of the equilibrated JᵀJ; J: "
                + String.format(Locale.ROOT, "%.3g", r.numerics().kappa()) + ")");
        line(s, "solver", r.numerics().solver() + (r.numerics().note() == null ? "" : " (" + r.numerics().note() + ")"));
        line(s, "time", String.format(Locale.ROOT, "%.3f s", r.seconds()));
        if (r.global() != null) {
            global(s, r.global());
        }
        s.append("[[Variables]]\n");
        int width = r.parameterNames().stream().mapToInt(String::length).max().orElse(1);
        for (int k = 0; k < r.parameterNames().size(); k++) {
            String name = r.parameterNames().get(k);
            s.append("    ").append(name).append(':').append(" ".repeat(width - name.length() + 1));
            s.append(String.format(Locale.ROOT, "%14.8g", r.values()[k]));
            if (r.fixed()[k]) {
                s.append(" (fixed)");
            } else {
                double se = r.stderr()[k];
                s.append(Double.isNaN(se) ? String.format(Locale.ROOT, " +/- %-11s", "unknown")
                        : String.format(Locale.ROOT, " +/- %-11.4g", se));
                double rel = Math.abs(se / r.values()[k]) * 100;
                s.append(Double.isFinite(rel) ? String.format(Locale.ROOT, " (%.2f%%)", rel) : " (n/a)");
            }
            s.append(String.format(Locale.ROOT, " (init = %.8g)", r.initial()[k]));
            if (!r.numerics().reliableValues()[k]) {
                s.append(" [value not reliable]");
            } else if (!r.numerics().reliableStderr()[k]) {
                s.append(" [stderr not reliable]");
            }
            s.append('\n');
        }
        List<String> corr = correlations(r);
        if (!corr.isEmpty()) {
            s.append("[[Correlations]] (unreported correlations are < ").append(CORRELATION_FLOOR).append(")\n");
            corr.forEach(c -> s.append("    ").append(c).append('\n'));
        }
        if (!r.warnings().isEmpty()) {
            s.append("[[Warnings]]\n");
            r.warnings().forEach(w -> s.append("    ").append(w).append('\n'));
        }
        return s.toString();
    }

    private static List<String> correlations(FitResult r) {
        record Pair(String text, double abs) { }
        List<Pair> pairs = new ArrayList<>();
        int p = r.parameterNames().size();
        for (int i = 0; i < p; i++) {
            for (int j = i + 1; j < p; j++) {
                double c = r.correlation()[i][j];
                if (Double.isFinite(c) && Math.abs(c) >= CORRELATION_FLOOR) {
                    pairs.add(new Pair(String.format(Locale.ROOT, "C(%s, %s) = %+.4f",
                            r.parameterNames().get(i), r.parameterNames().get(j), c), Math.abs(c)));
                }
            }
        }
        pairs.sort((a, b) -> Double.compare(b.abs, a.abs));
        return pairs.stream().map(Pair::text).toList();
    }

    private static void line(StringBuilder s, String key, String value) {
        s.append("    ").append(key).append(" ".repeat(Math.max(1, 21 - key.length()))).append("= ")
                .append(value).append('\n');
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.8g", v);
    }
}
