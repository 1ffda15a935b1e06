package io.streamlsq.expr;

import io.streamlsq.expr.Node.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes Java source for a {@link Kernel} from the DAG of a value and its derivatives. Only the DAG
 * reaches the source: parameters become {@code pK}, variables {@code vK}, subexpressions {@code tN}, and
 * numbers are re-printed from their parsed doubles; no character of the user's text is copied.
 *
 * <p>Shape of the code: nodes that do not depend on the row are computed once before the loops; every
 * {@code exp} of a row-dependent argument is staged: its arguments for the whole block are written to a
 * buffer in a first loop, the buffer goes through {@code ArrayMath.exp} (SIMD) and the main loop reads it.
 * Shared subexpressions are computed once per row (the DAG is hash-consed).
 */
final class CodeGen {
    private final Node value;
    private final List<Node> derivatives;
    private final int parameters;
    private final int variables;
    private final Map<Node, Integer> buffers = new HashMap<>();
    /** Row-invariant divisors of row-dependent quotients: divided once, multiplied per row. */
    private final Set<Node> reciprocals = new HashSet<>();
    /** In the branch being written: the local array holding each staged exp ({@code bK}, or {@code dK} when it is a derivative). */
    private Map<Node, String> arrays = new HashMap<>();

    CodeGen(Node value, List<Node> derivatives, int parameters, int variables) {
        this.value = value;
        this.derivatives = derivatives;
        this.parameters = parameters;
        this.variables = variables;
    }

    int bufferCount() {
        return buffers.size();
    }

    String source(String className) {
        StringBuilder s = new StringBuilder();
        s.append("public final class ").append(className).append(" implements io.streamlsq.expr.Kernel {\n");
        s.append("  public void evaluate(io.streamlsq.data.Chunk chunk, double[] p, boolean jac, double[] out,")
                .append(" double[][] d, double[][] buf) {\n");
        s.append("    final int off = chunk.offset();\n    final int n = chunk.rows();\n");
        for (int v = 0; v < variables; v++) {
            s.append("    final double[] x").append(v).append(" = chunk.column(").append(v).append(");\n");
        }
        for (int k = 0; k < parameters; k++) {
            s.append("    final double p").append(k).append(" = p[").append(k).append("];\n");
        }
        List<Node> all = new ArrayList<>();
        all.add(value);
        all.addAll(derivatives);
        // invariants used by either branch, once
        Set<Node> done = new HashSet<>();
        for (Node root : all) {
            emitInvariants(root, s, done);
        }
        for (Node n : reachable(all)) {
            if (n.kind == Kind.DIV && n.perRow && !n.args[1].perRow && reciprocals.add(n.args[1])) {
                s.append("    final double r").append(n.args[1].id).append(" = 1.0 / ").append(ref(n.args[1]))
                        .append(";\n");
            }
        }
        s.append("    if (!jac) {\n");
        branch(List.of(value), s, false);
        s.append("      return;\n    }\n");
        branch(all, s, true);
        s.append("  }\n}\n");
        return s.toString();
    }

    private void emitInvariants(Node n, StringBuilder s, Set<Node> done) {
        if (!done.add(n)) {
            return;
        }
        for (Node a : n.args) {
            emitInvariants(a, s, done);
        }
        if (!n.perRow && n.kind != Kind.NUMBER && n.kind != Kind.PARAMETER) {
            s.append("    final double c").append(n.id).append(" = ").append(expression(n)).append(";\n");
        }
    }

    /** The staged exps and the main loop for the given outputs (value first, then derivatives). */
    private void branch(List<Node> roots, StringBuilder s, boolean jac) {
        List<List<Node>> stages = stages(roots);
        arrays = new HashMap<>();
        for (List<Node> stage : stages) {
            for (Node e : stage) {
                int k = jac ? derivatives.indexOf(e) : -1;
                // an exp that is itself a derivative is computed straight into its Jacobian column
                String name = k >= 0 ? "d" + k : "b" + buffers.get(e);
                arrays.put(e, name);
            }
        }
        for (String name : new java.util.TreeSet<>(arrays.values())) {
            String src = name.charAt(0) == 'd' ? "d[" + name.substring(1) + "]" : "buf[" + name.substring(1) + "]";
            s.append("    final double[] ").append(name).append(" = ").append(src).append(";\n");
        }
        if (jac) {
            for (int k = 0; k < derivatives.size(); k++) {
                if (!arrays.containsValue("d" + k)) {
                    s.append("    final double[] d").append(k).append(" = d[").append(k).append("];\n");
                }
            }
        }
        for (List<Node> stage : stages) {
            s.append("    for (int i = 0; i < n; i++) {\n");
            for (int v = 0; v < variables; v++) {
                s.append("      final double v").append(v).append(" = x").append(v).append("[off + i];\n");
            }
            Set<Node> emitted = new HashSet<>();
            StringBuilder body = new StringBuilder();
            for (Node e : stage) {
                emitRow(e.args[0], body, emitted);
            }
            s.append(body);
            for (Node e : stage) {
                s.append("      ").append(arrays.get(e)).append("[i] = ").append(ref(e.args[0])).append(";\n");
            }
            s.append("    }\n");
            for (Node e : stage) {
                String arr = arrays.get(e);
                s.append("    io.streamlsq.model.ArrayMath.exp(").append(arr).append(", ").append(arr).append(", n);\n");
            }
        }
        List<String> targets = new ArrayList<>();
        List<Node> outputs = new ArrayList<>();
        targets.add("out");
        outputs.add(roots.get(0));
        if (jac) {
            for (int k = 0; k < derivatives.size(); k++) {
                Node dk = roots.get(k + 1);
                if (!("d" + k).equals(arrays.get(dk))) {
                    targets.add("d" + k);
                    outputs.add(dk);
                }
            }
        }
        if (arithmeticOnly(outputs)) {
            // small loops, one per output: C2 vectorizes them; recomputing shared arithmetic is cheap
            for (int o = 0; o < outputs.size(); o++) {
                mainLoop(List.of(outputs.get(o)), List.of(targets.get(o)), s);
            }
        } else {
            mainLoop(outputs, targets, s);
        }
    }

    private void mainLoop(List<Node> outputs, List<String> targets, StringBuilder s) {
        s.append("    for (int i = 0; i < n; i++) {\n");
        for (int v = 0; v < variables; v++) {
            s.append("      final double v").append(v).append(" = x").append(v).append("[off + i];\n");
        }
        Set<Node> emitted = new HashSet<>();
        for (Node r : outputs) {
            emitRow(r, s, emitted);
        }
        for (int o = 0; o < outputs.size(); o++) {
            s.append("      ").append(targets.get(o)).append("[i] = ").append(ref(outputs.get(o))).append(";\n");
        }
        s.append("    }\n");
    }

    /** Whether the per-row work of the outputs (staged exps aside) is only + − × ÷ and negation. */
    private boolean arithmeticOnly(List<Node> outputs) {
        for (Node n : reachable(outputs)) {
            if (n.perRow && !arrays.containsKey(n) && (n.kind == Kind.CALL || n.kind == Kind.POW)) {
                return false;
            }
        }
        return true;
    }

    /** Row-dependent exp nodes reachable from the roots, grouped by nesting level (inner first). */
    private List<List<Node>> stages(List<Node> roots) {
        Map<Node, Integer> level = new HashMap<>();
        Map<Node, Integer> memo = new HashMap<>();
        for (Node r : roots) {
            levels(r, level, memo);
        }
        int max = level.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<List<Node>> stages = new ArrayList<>();
        for (int l = 1; l <= max; l++) {
            List<Node> stage = new ArrayList<>();
            for (Map.Entry<Node, Integer> e : level.entrySet()) {
                if (e.getValue() == l) {
                    stage.add(e.getKey());
                }
            }
            stage.sort((a, b) -> Integer.compare(a.id, b.id));
            for (Node e : stage) {
                buffers.computeIfAbsent(e, k -> buffers.size());
            }
            stages.add(stage);
        }
        return stages;
    }

    /** The highest exp level at or below n (0 if none); staged exps get their level in {@code level}. */
    private int levels(Node n, Map<Node, Integer> level, Map<Node, Integer> memo) {
        if (!n.perRow) {
            return 0;
        }
        Integer known = memo.get(n);
        if (known != null) {
            return known;
        }
        int inner = 0;
        for (Node a : n.args) {
            inner = Math.max(inner, levels(a, level, memo));
        }
        int result = inner;
        if (isStaged(n)) {
            level.put(n, inner + 1);
            result = inner + 1;
        }
        memo.put(n, result);
        return result;
    }

    private static boolean isStaged(Node n) {
        return n.kind == Kind.CALL && n.fn == Fn.EXP && n.perRow;
    }

    /** Emits {@code final double tN = ...;} for n and its row-dependent children, post-order. */
    private void emitRow(Node n, StringBuilder s, Set<Node> emitted) {
        if (!n.perRow || n.kind == Kind.VARIABLE || emitted.contains(n)) {
            return;
        }
        emitted.add(n);
        if (arrays.containsKey(n)) {
            return; // read from its staged array
        }
        for (Node a : n.args) {
            emitRow(a, s, emitted);
        }
        s.append("      final double t").append(n.id).append(" = ").append(expression(n)).append(";\n");
    }

    private String ref(Node n) {
        return switch (n.kind) {
            case NUMBER -> literal(n.value);
            case PARAMETER -> "p" + n.index;
            case VARIABLE -> "v" + n.index;
            default -> {
                if (!n.perRow) {
                    yield "c" + n.id;
                }
                String arr = arrays.get(n);
                yield arr != null ? arr + "[i]" : "t" + n.id;
            }
        };
    }

    private String expression(Node n) {
        Node[] a = n.args;
        return switch (n.kind) {
            case NEG -> "(-" + ref(a[0]) + ")";
            case ADD -> "(" + ref(a[0]) + " + " + ref(a[1]) + ")";
            case SUB -> "(" + ref(a[0]) + " - " + ref(a[1]) + ")";
            case MUL -> "(" + ref(a[0]) + " * " + ref(a[1]) + ")";
            case DIV -> reciprocals.contains(a[1]) && n.perRow
                    ? "(" + ref(a[0]) + " * r" + a[1].id + ")"
                    : "(" + ref(a[0]) + " / " + ref(a[1]) + ")";
            case POW -> power(a[0], a[1]);
            case CALL -> call(n.fn, a);
            default -> ref(n);
        };
    }

    private String power(Node base, Node exponent) {
        String b = ref(base);
        if (exponent.isNumber()) {
            double e = exponent.value;
            if (e == 2) {
                return "(" + b + " * " + b + ")";
            }
            if (e == 3) {
                return "(" + b + " * " + b + " * " + b + ")";
            }
            if (e == -1) {
                return "(1.0 / " + b + ")";
            }
            if (e == -2) {
                return "(1.0 / (" + b + " * " + b + "))";
            }
            if (e == 0.5) {
                return "Math.sqrt(" + b + ")";
            }
        }
        return "Math.pow(" + b + ", " + ref(exponent) + ")";
    }

    private String call(Fn fn, Node[] a) {
        String x = ref(a[0]);
        return switch (fn) {
            case ERF -> "io.streamlsq.expr.Functions.erf(" + x + ")";
            case ERFC -> "io.streamlsq.expr.Functions.erfc(" + x + ")";
            case SIGN -> "Math.signum(" + x + ")";
            case SELECT_LT -> "(" + x + " < " + ref(a[1]) + " ? " + ref(a[2]) + " : " + ref(a[3]) + ")";
            case ATAN2, POW, MIN, MAX, HYPOT -> "Math." + fn.text() + "(" + x + ", " + ref(a[1]) + ")";
            default -> "Math." + fn.text() + "(" + x + ")";
        };
    }

    private static String literal(double v) {
        if (Double.isNaN(v)) {
            return "Double.NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
        }
        String t = Double.toString(v);
        return v < 0 ? "(" + t + ")" : t;
    }

    /** Distinct nodes the value and derivatives use (for diagnostics and tests of sharing). */
    static Set<Node> reachable(List<Node> roots) {
        Set<Node> seen = new LinkedHashSet<>();
        List<Node> stack = new ArrayList<>(roots);
        while (!stack.isEmpty()) {
            Node n = stack.remove(stack.size() - 1);
            if (seen.add(n)) {
                stack.addAll(List.of(n.args));
            }
        }
        return seen;
    }
}
