package io.streamlsq.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for reference files written by scripts (the core may not depend on a JSON library):
 * objects become {@code Map<String, Object>}, arrays {@code List<Object>}, numbers {@code Double}, and
 * true/false/null their Java values. Strings without escapes other than {@code \" \\ \/ \n \t}.
 */
public final class MiniJson {
    private final String s;
    private int i;

    private MiniJson(String s) {
        this.s = s;
    }

    public static Object parse(String text) {
        MiniJson p = new MiniJson(text);
        Object v = p.value();
        p.space();
        if (p.i != text.length()) {
            throw p.error("trailing text");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object v) {
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object v) {
        return (List<Object>) v;
    }

    public static double[] doubles(Object v) {
        return list(v).stream().mapToDouble(o -> (Double) o).toArray();
    }

    private Object value() {
        space();
        char c = s.charAt(i);
        switch (c) {
            case '{' -> {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                if (peek('}')) {
                    return m;
                }
                do {
                    space();
                    String key = string();
                    expect(':');
                    m.put(key, value());
                } while (peek(','));
                expect('}');
                return m;
            }
            case '[' -> {
                i++;
                List<Object> l = new ArrayList<>();
                if (peek(']')) {
                    return l;
                }
                do {
                    l.add(value());
                } while (peek(','));
                expect(']');
                return l;
            }
            case '"' -> {
                return string();
            }
            default -> {
                for (String word : new String[] {"true", "false", "null"}) {
                    if (s.startsWith(word, i)) {
                        i += word.length();
                        return word.equals("null") ? null : Boolean.valueOf(word);
                    }
                }
                int start = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                if (start == i) {
                    throw error("unexpected '" + c + "'");
                }
                return Double.parseDouble(s.substring(start, i));
            }
        }
    }

    private String string() {
        if (s.charAt(i) != '"') {
            throw error("expected a string");
        }
        StringBuilder b = new StringBuilder();
        for (i++; s.charAt(i) != '"'; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                char e = s.charAt(++i);
                b.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case '"', '\\', '/' -> e;
                    default -> throw error("unsupported escape \\" + e);
                });
            } else {
                b.append(c);
            }
        }
        i++;
        return b.toString();
    }

    private boolean peek(char c) {
        space();
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private void space() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON at offset " + i + ": " + what);
    }
}
