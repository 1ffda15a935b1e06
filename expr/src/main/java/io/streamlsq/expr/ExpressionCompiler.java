package io.streamlsq.expr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.codehaus.commons.compiler.CompileException;
import org.codehaus.janino.SimpleCompiler;

/**
 * Turns model text into a compiled {@link ExpressionModel}: parse → DAG → symbolic derivatives → Java
 * source → Janino. Which names are parameters and which are data variables is the caller's choice.
 *
 * <pre>{@code
 * ExpressionModel m = ExpressionCompiler.compile("a*exp(-b*x)+c", List.of("a", "b", "c"), List.of("x"));
 * }</pre>
 */
public final class ExpressionCompiler {
    private static final AtomicInteger COMPILATIONS = new AtomicInteger();
    private static final Set<String> RESERVED = Set.of("pi", "e");

    private ExpressionCompiler() {
    }

    /**
     * The model of {@code text}: an expression, or what {@link ExpressionModel#describe()} returns for a model with
     * ties and penalties ({@code EXPR with ties: m2 = m1 + 1.2; w2 = w1 with penalties: (b-1.3)/0.1}), which compiles
     * back to the same model (this is how an expression model travels, e.g. to Spark executors). The separators
     * cannot occur in an expression (':' and ';' are not tokens of the language).
     *
     * @throws ExprException for any problem with the text or the names (quoting the text and pointing
     *     at the column); nothing is compiled then
     */
    public static ExpressionModel compile(String text, List<String> parameters, List<String> variables) {
        if (text == null || (!text.contains(WITH_TIES) && !text.contains(WITH_PENALTIES))) {
            return compile(text, parameters, variables, Ties.none());
        }
        String model = text;
        List<String> penalties = List.of();
        int at = model.indexOf(WITH_PENALTIES);
        if (at >= 0) {
            penalties = List.of(model.substring(at + WITH_PENALTIES.length()).split("; "));
            model = model.substring(0, at);
        }
        Map<String, String> ties = new LinkedHashMap<>();
        at = model.indexOf(WITH_TIES);
        if (at >= 0) {
            for (String tie : model.substring(at + WITH_TIES.length()).split("; ")) {
                String[] kv = tie.split(" = ", 2);
                if (kv.length != 2) {
                    throw new ExprException(null, 0, "'" + tie + "' after 'with ties:' is not NAME = EXPRESSION");
                }
                ties.put(kv[0], kv[1]);
            }
            model = model.substring(0, at);
        }
        return compile(model, parameters, variables, Ties.resolve(ties, parameters, variables), penalties);
    }

    private static final String WITH_TIES = " with ties: ";
    private static final String WITH_PENALTIES = " with penalties: ";

    /**
     * The model with {@code ties} substituted before differentiation: its parameters are {@code parameters} (which
     * {@code ties} were resolved over), its Jacobian the exact one of the substituted expression, and its
     * {@link ExpressionModel#describe()} the text followed by the ties, so that a checkpoint tells models with
     * different ties apart.
     *
     * @throws ExprException as {@link #compile(String, List, List)}
     */
    public static ExpressionModel compile(String text, List<String> parameters, List<String> variables, Ties ties) {
        return compile(text, parameters, variables, ties, List.of());
    }

    /**
     * The model with {@code ties} substituted and {@code penalties} as extra residual rows
     * ({@link ExpressionModel#evaluateExtraRows}): each an expression of the parameters and tied names, e.g.
     * {@code (b - 1.3)/0.1} for a Gaussian prior on b; {@code describe()} lists them after the ties.
     *
     * @throws ExprException as {@link #compile(String, List, List)}, or naming a penalty that does not parse or uses
     *     a data variable or an unknown name
     */
    public static ExpressionModel compile(String text, List<String> parameters, List<String> variables, Ties ties,
            List<String> penalties) {
        List<Node> penaltyNodes = penalties(penalties, parameters, variables, ties);
        Parsed p = parse(text, parameters, variables, ties);
        CodeGen gen = new CodeGen(p.value, p.derivatives, parameters.size(), variables.size());
        String className = "GeneratedModel" + COMPILATIONS.incrementAndGet();
        String source = gen.source(className);
        try {
            SimpleCompiler compiler = new SimpleCompiler();
            compiler.setParentClassLoader(ExpressionCompiler.class.getClassLoader());
            compiler.cook(source);
            Kernel kernel = (Kernel) compiler.getClassLoader().loadClass(className).getDeclaredConstructor().newInstance();
            String described = (ties.isEmpty() ? text : text + WITH_TIES + ties.describe())
                    + (penalties.isEmpty() ? "" : WITH_PENALTIES + String.join("; ", penalties.stream().map(String::trim).toList()));
            return new ExpressionModel(described, parameters, variables, kernel, gen.bufferCount(), source, penaltyNodes);
        } catch (CompileException | RuntimeException | LinkageError e) {
            throw new ExprException(null, 0, "the expression is too large to compile ("
                    + p.nodes + " distinct subexpressions with derivatives): " + e.getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated model class could not be created", e);
        }
    }

    /** Parses and differentiates without compiling (also used by tests and the reference interpreter). */
    public static Parsed parse(String text, List<String> parameters, List<String> variables) {
        return parse(text, parameters, variables, Ties.none());
    }

    /** Parses with {@code ties} substituted, and differentiates, without compiling. */
    public static Parsed parse(String text, List<String> parameters, List<String> variables, Ties ties) {
        Map<String, Integer> ps = index("parameter", parameters, text);
        Map<String, Integer> vs = index("variable", variables, text);
        for (String name : ps.keySet()) {
            if (vs.containsKey(name)) {
                throw new ExprException(null, 0, "'" + name + "' is given both as a parameter and as a variable");
            }
        }
        NodeFactory f = new NodeFactory();
        Map<String, Node> tied = ties.isEmpty() ? Map.of() : ties.nodesIn(f, parameters);
        for (String name : tied.keySet()) {
            if (ps.containsKey(name) || vs.containsKey(name)) {
                throw new ExprException(null, 0, "'" + name + "' is tied and also given as a parameter or variable");
            }
        }
        Node value = Parser.parse(text, ps, vs, tied, f);
        List<Node> derivatives = new ArrayList<>();
        for (int k = 0; k < parameters.size(); k++) {
            derivatives.add(new Derivative(f, k).of(value));
        }
        return new Parsed(value, derivatives, f.size());
    }

    /** Each penalty's node over {@code parameters}, with the ties substituted (own factory: evaluated, not compiled). */
    private static List<Node> penalties(List<String> texts, List<String> parameters, List<String> variables, Ties ties) {
        List<Node> nodes = new ArrayList<>();
        NodeFactory f = new NodeFactory();
        Map<String, Node> tied = ties.isEmpty() ? Map.of() : ties.nodesIn(f, parameters);
        Map<String, Integer> ps = new LinkedHashMap<>();
        for (String p : parameters) {
            ps.put(p, ps.size());
        }
        for (int i = 0; i < texts.size(); i++) {
            String subject = "penalty " + (i + 1) + " (" + texts.get(i).trim() + ")";
            try {
                for (String n : Parser.names(texts.get(i))) {
                    if (variables.contains(n)) {
                        throw new ExprException(subject, null, 0, "uses '" + n + "', a data variable of the model: a"
                                + " penalty is an expression of parameters (and tied names) only");
                    }
                }
                nodes.add(Parser.parse(texts.get(i), ps, Map.of(), tied, f));
            } catch (ExprException e) {
                throw e.getMessage().startsWith(subject) ? e : e.about(subject);
            }
        }
        return nodes;
    }

    /** The names an expression uses, in order of first appearance (functions and pi, e excluded). */
    public static List<String> names(String text) {
        return Parser.names(text);
    }

    /** {@link #names(String)} of a text that is not the model (a penalty, say): errors begin with {@code subject}. */
    public static List<String> names(String subject, String text) {
        try {
            return Parser.names(text);
        } catch (ExprException e) {
            throw e.about(subject);
        }
    }

    /** Number of Janino compilations so far in this JVM (tests check that refused input compiles nothing). */
    public static int compilations() {
        return COMPILATIONS.get();
    }

    /** Whether {@code name} is a function or a constant of the model language (pi, e). */
    public static boolean isReserved(String name) {
        return RESERVED.contains(name) || Fn.named(name) != null;
    }

    private static Map<String, Integer> index(String what, List<String> names, String text) {
        Map<String, Integer> m = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!n.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ExprException(null, 0, what + " name '" + n + "' is not a name (letters, digits and _, "
                        + "not starting with a digit)");
            }
            if (RESERVED.contains(n) || Fn.named(n) != null) {
                throw new ExprException(null, 0, what + " name '" + n + "' is reserved (a function or the constant pi or e)");
            }
            if (!seen.add(n)) {
                throw new ExprException(null, 0, what + " name '" + n + "' is given twice");
            }
            m.put(n, m.size());
        }
        return m;
    }

    /** A parsed expression: the value, one derivative per parameter, all in one DAG. */
    public record Parsed(Node value, List<Node> derivatives, int nodes) {
    }
}
