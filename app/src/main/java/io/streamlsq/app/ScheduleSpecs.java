package io.streamlsq.app;

import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.PhaseSchedule;
import io.streamlsq.phase.PhaseSchedule.PhaseSpec;
import io.streamlsq.phase.PlateauRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code schedule:} setting of a config file (docs/schedules.md): a list of phases, each
 * {@code {name, kind: warmup | gauss_newton, freeze: {pattern: bool}, set: {pattern: number},
 * plateau: compat | {mode, criterion, window, check_every, min_step}, max_passes, max_iterations, seed}}; a set value
 * is a number, {value: x}, {normal: [mean, std]} or {uniform: [lo, hi]}.
 */
final class ScheduleSpecs {
    private static final Set<String> PHASE_KEYS = Set.of("name", "kind", "freeze", "set", "plateau", "max-passes",
            "max-iterations", "seed");
    private static final Set<String> PLATEAU_KEYS = Set.of("mode", "criterion", "window", "check-every", "min-step");

    private ScheduleSpecs() {
    }

    /** Null when there is no schedule; every phase starts from {@code base}. */
    static List<PhaseSpec> parse(Object raw, FitOptions base) {
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            throw new UsageException("schedule: must be a non-empty list of phases, e.g. [{kind: warmup}, {kind: gauss_newton}]");
        }
        List<PhaseSpec> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(phase(i, list.get(i), base));
        }
        return out;
    }

    private static PhaseSpec phase(int i, Object raw, FitOptions base) {
        String where = "schedule phase " + i;
        Map<String, Object> m = mapping(where, raw, PHASE_KEYS);
        String name = m.containsKey("name") ? String.valueOf(m.get("name")) : "phase " + i;
        where = "schedule phase " + i + " ('" + name + "')";
        Object kindValue = m.get("kind");
        if (kindValue == null) {
            throw new UsageException(where + ": kind is required: warmup or gauss_newton");
        }
        String kind = String.valueOf(kindValue).toLowerCase(Locale.ROOT).replace('-', '_');
        FitOptions.Builder ob = base.toBuilder();
        if (m.containsKey("max-passes")) {
            ob.maxPasses(whole(where, "max_passes", m.get("max-passes")));
        }
        if (m.containsKey("max-iterations")) {
            if (!kind.equals("warmup")) {
                throw new UsageException(where + ": max_iterations is for warmup phases; a gauss_newton phase takes max_passes");
            }
            ob.warmup(base.warmup().withMaxIterations(whole(where, "max_iterations", m.get("max-iterations"))));
        }
        FitOptions options = ob.build();
        PhaseSpec spec = switch (kind) {
            case "warmup", "lbfgs_warmup" -> PhaseSpec.warmup(name, options);
            case "gauss_newton", "gn", "streaming_gauss_newton" -> PhaseSpec.gaussNewton(name, options);
            default -> throw new UsageException(where + ": kind '" + kindValue + "' is not warmup or gauss_newton");
        };
        if (m.containsKey("freeze")) {
            for (Map.Entry<?, ?> e : mapping(where + " freeze", m.get("freeze"), null).entrySet()) {
                if (!(e.getValue() instanceof Boolean b)) {
                    throw new UsageException(where + ": freeze '" + e.getKey() + "' = " + e.getValue()
                            + " must be true (frozen) or false (free)");
                }
                spec = spec.freeze(String.valueOf(e.getKey()), b);
            }
        }
        if (m.containsKey("set")) {
            for (Map.Entry<?, ?> e : mapping(where + " set", m.get("set"), null).entrySet()) {
                spec = spec.set(String.valueOf(e.getKey()), init(where, String.valueOf(e.getKey()), e.getValue()));
            }
        }
        if (m.containsKey("plateau")) {
            spec = spec.plateau(plateau(where, m.get("plateau")));
        }
        if (m.containsKey("seed")) {
            double seed = number(where, "seed", m.get("seed"));
            if (seed != Math.rint(seed) || Math.abs(seed) > 9.007199254740992E15) {
                throw new UsageException(where + ": seed = " + m.get("seed") + " must be a whole number");
            }
            spec = spec.seed((long) seed);
        }
        return spec;
    }

    /** A number, {value: x}, {normal: [mean, std]} or {uniform: [lo, hi]}. */
    private static PhaseSchedule.InitSpec init(String where, String pattern, Object raw) {
        String what = "set '" + pattern + "'";
        if (!(raw instanceof Map<?, ?> m)) {
            return new PhaseSchedule.InitSpec.Constant(number(where, what, raw));
        }
        if (m.size() != 1) {
            throw new UsageException(where + ": " + what + " must be a number, {value: x}, {normal: [mean, std]} or {uniform: [lo, hi]}");
        }
        Map.Entry<?, ?> e = m.entrySet().iterator().next();
        String kind = String.valueOf(e.getKey());
        if (kind.equals("value")) {
            return new PhaseSchedule.InitSpec.Constant(number(where, what, e.getValue()));
        }
        if (!(kind.equals("normal") || kind.equals("uniform")) || !(e.getValue() instanceof List<?> l) || l.size() != 2) {
            throw new UsageException(where + ": " + what + " = " + raw
                    + " must be a number, {value: x}, {normal: [mean, std]} or {uniform: [lo, hi]}");
        }
        double a = number(where, what, l.get(0));
        double b = number(where, what, l.get(1));
        return kind.equals("normal") ? new PhaseSchedule.InitSpec.Normal(a, b) : new PhaseSchedule.InitSpec.Uniform(a, b);
    }

    private static PlateauRule plateau(String where, Object raw) {
        if (raw == null || Boolean.FALSE.equals(raw) || "off".equals(raw)) {
            return null;
        }
        if ("compat".equals(raw)) {
            return PlateauRule.spectraclesCompat();
        }
        Map<String, Object> m = mapping(where + " plateau", raw, PLATEAU_KEYS);
        if (!m.containsKey("criterion")) {
            throw new UsageException(where + ": plateau needs a criterion, e.g. {mode: relative, criterion: 1e-6}");
        }
        double c = number(where, "plateau criterion", m.get("criterion"));
        String mode = String.valueOf(m.getOrDefault("mode", "relative")).toUpperCase(Locale.ROOT);
        PlateauRule.Mode md;
        try {
            md = PlateauRule.Mode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw new UsageException(where + ": plateau mode '" + m.get("mode") + "' is not relative or absolute");
        }
        PlateauRule d = md == PlateauRule.Mode.RELATIVE ? PlateauRule.relative(c) : PlateauRule.spectraclesCompat(c);
        int window = m.containsKey("window") ? whole(where, "plateau window", m.get("window")) : d.window();
        int every = m.containsKey("check-every") ? whole(where, "plateau check_every", m.get("check-every")) : d.checkEvery();
        int min = m.containsKey("min-step") ? whole(where, "plateau min_step", m.get("min-step")) : Math.max(d.minStep(), window);
        try {
            return new PlateauRule(c, md, window, every, min);
        } catch (IllegalArgumentException e) {
            throw new UsageException(where + ": " + e.getMessage());
        }
    }

    /** A mapping with normalized keys ({@code _} → {@code -}, lower case); {@code known} null = any key, kept as is. */
    private static Map<String, Object> mapping(String where, Object raw, Set<String> known) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw new UsageException(where + ": must be a mapping (key: value), not " + raw);
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (known != null) {
                key = key.toLowerCase(Locale.ROOT).replace('_', '-');
                if (!known.contains(key)) {
                    throw new UsageException(where + ": unknown key '" + e.getKey() + "'; keys: "
                            + known.stream().sorted().map(k -> k.replace('-', '_')).toList());
                }
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    private static double number(String where, String what, Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new UsageException(where + ": " + what + " = '" + v + "' is not a number");
        }
    }

    private static int whole(String where, String what, Object v) {
        double d = number(where, what, v);
        if (d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
            throw new UsageException(where + ": " + what + " = " + v + " must be a whole number >= 1");
        }
        return (int) d;
    }
}
