package io.streamlsq.app;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parsers for the list-valued options ({@code --p0 a=1,b=2}, {@code --bounds a=0:10}, …). */
final class Specs {
    private Specs() {
    }

    static Map<String, Double> values(String option, String text) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return m;
        }
        for (String item : text.split(",")) {
            String[] kv = item.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new UsageException(option + ": '" + item.trim() + "' is not name=value (example: " + option + " a=1,b=0.5)");
            }
            String name = kv[0].trim();
            if (m.containsKey(name)) {
                throw new UsageException(option + ": '" + name + "' is given twice");
            }
            m.put(name, number(option, name, kv[1].trim()));
        }
        return m;
    }

    static Map<String, double[]> bounds(String text) {
        Map<String, double[]> m = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return m;
        }
        for (String item : text.split(",")) {
            String[] kv = item.split("=", 2);
            String[] lh = kv.length == 2 ? kv[1].split(":", -1) : new String[0];
            if (kv.length != 2 || lh.length != 2 || kv[0].isBlank()) {
                throw new UsageException("--bounds: '" + item.trim() + "' is not name=lo:hi (example: --bounds b=0:10,c=:5)");
            }
            String name = kv[0].trim();
            double lo = lh[0].isBlank() ? Double.NEGATIVE_INFINITY : number("--bounds", name, lh[0].trim());
            double hi = lh[1].isBlank() ? Double.POSITIVE_INFINITY : number("--bounds", name, lh[1].trim());
            m.put(name, new double[] {lo, hi});
        }
        return m;
    }

    static Set<String> names(String text) {
        Set<String> s = new LinkedHashSet<>();
        if (text != null) {
            for (String item : text.split(",")) {
                if (!item.isBlank()) {
                    s.add(item.trim());
                }
            }
        }
        return s;
    }

    private static double number(String option, String name, String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("inf") || t.equals("+inf") || t.equals("infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        if (t.equals("-inf") || t.equals("-infinity")) {
            return Double.NEGATIVE_INFINITY;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": the value of '" + name + "' is '" + text + "', not a number");
        }
    }
}
