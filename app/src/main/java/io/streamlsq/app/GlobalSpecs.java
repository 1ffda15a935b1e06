package io.streamlsq.app;

import io.streamlsq.options.GlobalOptions;
import io.streamlsq.search.SearchMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --global METHOD} and its settings ({@code --global-budget}, {@code --global-sample-rows}, {@code --global-keep},
 * {@code --global-trial-passes}, {@code --seed}, {@code --search name=lo:hi[:log]}), or a {@code global:} block in the
 * config file with the same keys without the {@code global-} prefix ({@code method}, {@code budget}, {@code sample-rows},
 * {@code keep}, {@code trial-passes}, {@code seed}, {@code search}). Command-line values win over the file's.
 */
final class GlobalSpecs {
    /** The methods, by the name users type. */
    static final List<String> METHODS = List.of("sobol", "halton", "lhs", "random", "de", "de-best", "cmaes", "bobyqa",
            "nelder-mead", "powell", "portfolio", "bo");
    private static final java.util.Set<String> BLOCK_KEYS = java.util.Set.of("method", "budget", "sample-rows", "keep",
            "trial-passes", "seed", "search");

    private GlobalSpecs() {
    }

    /** The global search the settings ask for, or null when they ask for none. */
    static GlobalOptions parse(Settings s) {
        Map<String, Object> block = block(s.raw("global"));
        String method = block.containsKey("method") ? String.valueOf(block.get("method")) : null;
        if (!(s.raw("global") instanceof Map<?, ?>)) {
            method = s.text("global", null);
        }
        if (method == null) {
            for (String k : List.of("global-budget", "global-sample-rows", "global-keep", "global-trial-passes", "search")) {
                if (s.text(k, null) != null) {
                    throw new UsageException("--" + k + " needs --global METHOD (one of " + String.join(", ", METHODS) + ")");
                }
            }
            return null;
        }
        GlobalOptions g = GlobalOptions.of(method(method));
        String v;
        if ((v = value(s, block, "budget")) != null) {
            g = g.withBudget((int) count("--global-budget", v, 1));
        }
        if ((v = value(s, block, "sample-rows")) != null) {
            g = g.withSampleRows(count("--global-sample-rows", v, 100));
        }
        if ((v = value(s, block, "keep")) != null) {
            g = g.withKeep((int) count("--global-keep", v, 1));
        }
        if ((v = value(s, block, "trial-passes")) != null) {
            g = g.withTrialPasses((int) count("--global-trial-passes", v, 2));
        }
        String seed = s.text("seed", null) != null ? s.text("seed", null)
                : block.containsKey("seed") ? String.valueOf(block.get("seed")) : null;
        if (seed != null) {
            try {
                g = g.withSeed(Long.parseLong(seed.trim()));
            } catch (NumberFormatException e) {
                throw new UsageException("--seed '" + seed + "' is not a whole number");
            }
        }
        String search = s.text("search", null) != null ? s.text("search", null) : searchText(block.get("search"));
        if (search != null) {
            g = g.withRanges(ranges(search));
        }
        return g;
    }

    private static Map<String, Object> block(Object raw) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (raw instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey()).toLowerCase(Locale.ROOT).replace('_', '-');
                if (!BLOCK_KEYS.contains(key)) {
                    throw new UsageException("setting global." + e.getKey() + " is unknown; the global block takes "
                            + String.join(", ", new java.util.TreeSet<>(BLOCK_KEYS)));
                }
                m.put(key, e.getValue());
            }
            if (!m.containsKey("method")) {
                throw new UsageException("the global block needs a method (one of " + String.join(", ", METHODS) + ")");
            }
        }
        return m;
    }

    private static String value(Settings s, Map<String, Object> block, String key) {
        String cli = s.text("global-" + key, null);
        return cli != null ? cli : block.containsKey(key) ? String.valueOf(block.get(key)) : null;
    }

    private static String searchText(Object raw) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object v = e.getValue();
                String range = v instanceof List<?> l ? l.stream().map(String::valueOf).reduce((a, c) -> a + ":" + c).orElse("")
                        : String.valueOf(v);
                b.append(b.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(range);
            }
            return b.toString();
        }
        if (raw instanceof List<?> l) {
            return String.join(",", l.stream().map(String::valueOf).toList());
        }
        return String.valueOf(raw);
    }

    /** {@code name=lo:hi[:log],…}. */
    static Map<String, GlobalOptions.Range> ranges(String spec) {
        Map<String, GlobalOptions.Range> out = new LinkedHashMap<>();
        for (String item : spec.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] kv = item.split("=", 2);
            String[] parts = kv.length == 2 ? kv[1].split(":") : new String[0];
            if (kv.length != 2 || kv[0].isBlank() || parts.length < 2 || parts.length > 3
                    || (parts.length == 3 && !parts[2].trim().equalsIgnoreCase("log"))) {
                throw new UsageException("--search '" + item.trim() + "' is not name=lo:hi or name=lo:hi:log");
            }
            double lo;
            double hi;
            try {
                lo = Double.parseDouble(parts[0].trim());
                hi = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--search '" + item.trim() + "': lo and hi must be numbers");
            }
            String name = kv[0].trim();
            if (out.containsKey(name)) {
                throw new UsageException("--search names '" + name + "' twice");
            }
            out.put(name, new GlobalOptions.Range(lo, hi, parts.length == 3));
        }
        return out;
    }

    /** The method called {@code name}. */
    static SearchMethod method(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (n) {
            case "random" -> SearchMethod.random();
            case "lhs" -> SearchMethod.lhs();
            case "de" -> SearchMethod.de();
            case "de-best" -> io.streamlsq.search.DifferentialEvolution.method(
                    io.streamlsq.search.DifferentialEvolution.Strategy.BEST_1_BIN);
            case "sobol", "halton", "cmaes", "bobyqa", "nelder-mead", "powell", "portfolio" ->
                io.streamlsq.search.lib.LibrarySearchMethods.byName(n);
            case "bo" -> io.streamlsq.search.bo.BayesianSearch.searchMethod();
            default -> throw new UsageException("--global '" + name + "' is not one of " + String.join(", ", METHODS));
        };
    }

    private static long count(String option, String text, long min) {
        long v = Cli.parseCount(option, text);
        if (v < min) {
            throw new UsageException(option + " = " + text + " must be >= " + min);
        }
        return v;
    }
}
