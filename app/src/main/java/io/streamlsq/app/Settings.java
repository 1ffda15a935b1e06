package io.streamlsq.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of a command from a config file (YAML or JSON; the keys are the option names without the
 * leading dashes, {@code _} and {@code -} alike), overridden by options given on the command line.
 * Values may be written as on the command line ({@code p0: "a=1,b=2"}) or structured
 * ({@code p0: {a: 1, b: 2}}, {@code bounds: {b: [0, 10]}}, {@code fix: [c]}, {@code x: [t]}).
 */
final class Settings {
    /**
     * The YAML reader, in a class of its own so that Jackson's classes (about 400, with its exception types the
     * verifier would load for a catch clause here) load on the first --config only (issue 13, StartupClassesTest).
     */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

        static Object read(Path file) throws IOException {
            try {
                return MAPPER.readValue(file.toFile(), Object.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UsageException("--config " + file + ": not valid YAML or JSON: " + e.getOriginalMessage());
            }
        }
    }

    private final Map<String, Object> values;
    private final String origin;

    private Settings(Map<String, Object> values, String origin) {
        this.values = values;
        this.origin = origin;
    }

    static Settings none() {
        return new Settings(Map.of(), null);
    }

    /** Settings from a map (setting name → value), e.g. what a checkpoint stored; {@code origin} names it in messages. */
    static Settings of(Map<String, Object> values, String origin) {
        return new Settings(new LinkedHashMap<>(values), origin);
    }

    /** These settings with {@code cli}'s entries taking precedence. */
    Settings overriddenBy(Map<String, Object> cli) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.putAll(cli);
        return new Settings(m, origin);
    }

    /** A copy of all values, by setting name. */
    Map<String, Object> values() {
        return new LinkedHashMap<>(values);
    }

    /** Reads {@code file}, refusing keys not in {@code known}. */
    static Settings read(Path file, Set<String> known) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        return fromTree(Yaml.read(file), known, "--config " + file, file.toString());
    }

    /**
     * Settings from a parsed YAML or JSON document (null or a mapping), refusing keys not in {@code known}; messages
     * start with {@code where}. The config file and the service's job requests come here.
     */
    static Settings fromTree(Object tree, Set<String> known, String where, String origin) {
        if (tree == null) {
            return new Settings(Map.of(), origin);
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new UsageException(where + ": must hold a mapping of settings (key: value)");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey()).toLowerCase(Locale.ROOT).replace('_', '-');
            if (!known.contains(key)) {
                throw new UsageException(where + ": unknown setting '" + e.getKey() + "'; settings: "
                        + known.stream().sorted().collect(Collectors.joining(", ")));
            }
            values.put(key, e.getValue());
        }
        return new Settings(values, origin);
    }

    /** The command-line value if given, else the file's (as text), else null. */
    String text(String key, String cli) {
        if (cli != null) {
            return cli;
        }
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + "=" + flat(e.getValue())).collect(Collectors.joining(","));
        }
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(v);
    }

    private static String flat(Object v) {
        if (v instanceof List<?> l && l.size() == 2) {
            return l.get(0) + ":" + l.get(1);
        }
        return String.valueOf(v);
    }

    Double number(String key, Double cli) {
        if (cli != null) {
            return cli;
        }
        String t = text(key, null);
        if (t == null) {
            return null;
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new UsageException(origin + ": setting " + key + " = '" + t + "' is not a number");
        }
    }

    Integer integer(String key, Integer cli) {
        Double d = number(key, cli == null ? null : cli.doubleValue());
        if (d == null) {
            return null;
        }
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new UsageException("setting " + key + " = " + d + " is not a whole number");
        }
        return d.intValue();
    }

    boolean flag(String key, boolean cli) {
        if (cli) {
            return true;
        }
        String t = text(key, null);
        return t != null && Boolean.parseBoolean(t);
    }

    /** The file's value for {@code key} as parsed (maps, lists, strings, numbers), or null. */
    Object raw(String key) {
        return values.get(key);
    }

    /** Where the settings came from (the file), or null. */
    String origin() {
        return origin;
    }
}
