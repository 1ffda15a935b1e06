package io.streamlsq.expr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tied parameters: names defined by expressions of other parameters ({@code m2 = m1 + 1.2}, lmfit's {@code expr},
 * sheap's ties). A tie may use parameters and other tied names, never data variables; chains resolve by
 * substitution ({@code c = b + 3}, {@code b = 2*a} give {@code c = 2*a + 3}, exactly, whatever the operators), and
 * {@link ExpressionCompiler#compile(String, List, List, Ties)} substitutes them into the model before it takes
 * derivatives, so the Jacobian is exact and a tied name is not a parameter of the model. A tie whose name the model
 * does not use is a derived quantity, reported like the others.
 *
 * <p>Immutable. {@link #value} evaluates a tie and its gradient with respect to the parameters (for the
 * delta-method standard error {@code √(gᵀ C g)}).
 */
public final class Ties {
    private static final Ties NONE = new Ties(Map.of(), List.of(), List.of(), Map.of());

    private final Map<String, String> definitions;
    private final List<String> parameters;
    /** Tied names, each after the tied names its expression uses. */
    private final List<String> order;
    /** The ties' expressions over the parameters, in a factory of their own. */
    private final Map<String, Node> nodes;

    private Ties(Map<String, String> definitions, List<String> parameters, List<String> order, Map<String, Node> nodes) {
        this.definitions = definitions;
        this.parameters = parameters;
        this.order = order;
        this.nodes = nodes;
    }

    /** No ties. */
    public static Ties none() {
        return NONE;
    }

    /**
     * Checks and resolves {@code definitions} (tied name → expression text, in the user's order) against the
     * model's parameters and data variables.
     *
     * @throws ExprException naming the tie and the name at fault: a syntax error, a tied name that is not a name or
     *     is reserved, also a parameter or a variable; an expression using a data variable or a name that is neither a
     *     parameter nor tied; a cycle (listing it)
     */
    public static Ties resolve(Map<String, String> definitions, List<String> parameters, List<String> variables) {
        if (definitions.isEmpty()) {
            return NONE;
        }
        Map<String, List<String>> uses = new LinkedHashMap<>();
        for (Map.Entry<String, String> d : definitions.entrySet()) {
            String name = d.getKey();
            checkName(name, parameters, variables);
            List<String> used = uses(name, d.getValue());
            for (String u : used) {
                if (variables.contains(u)) {
                    throw new ExprException(subject(name, d.getValue()), null, 0, "uses '" + u + "', a data variable of"
                            + " the model: a tie is an expression of parameters (and other tied names) only");
                }
                if (!parameters.contains(u) && !definitions.containsKey(u)) {
                    throw new ExprException(subject(name, d.getValue()), null, 0, "uses '" + u + "', which is neither a"
                            + " parameter (" + String.join(", ", parameters) + ") nor a tied name ("
                            + String.join(", ", definitions.keySet()) + ")");
                }
            }
            uses.put(name, used);
        }
        List<String> order = order(definitions, uses);
        Map<String, Node> nodes = nodes(definitions, order, parameters, new NodeFactory());
        return new Ties(Collections.unmodifiableMap(new LinkedHashMap<>(definitions)), List.copyOf(parameters),
                List.copyOf(order), nodes);
    }

    /**
     * The names the expression of tie {@code name} uses, in order of first appearance (checks its syntax).
     *
     * @throws ExprException about that tie, for a syntax error
     */
    public static List<String> uses(String name, String text) {
        try {
            return Parser.names(text);
        } catch (ExprException e) {
            throw e.about(subject(name, text));
        }
    }

    private static void checkName(String name, List<String> parameters, List<String> variables) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ExprException("tie '" + name + "'", null, 0, "'" + name + "' is not a name (letters, digits and _,"
                    + " not starting with a digit)");
        }
        if (ExpressionCompiler.isReserved(name)) {
            throw new ExprException("tie " + name, null, 0, "'" + name + "' is reserved (a function or the constant pi"
                    + " or e)");
        }
        if (parameters.contains(name)) {
            throw new ExprException("tie " + name, null, 0, "'" + name + "' is also a free parameter; a tied parameter is"
                    + " defined by its tie only");
        }
        if (variables.contains(name)) {
            throw new ExprException("tie " + name, null, 0, "'" + name + "' is also a data variable");
        }
    }

    private static String subject(String name, String text) {
        return "tie " + name + " = " + text;
    }

    /** Depth-first order in which every tie comes after the ties it uses; a cycle is an error that lists it. */
    private static List<String> order(Map<String, String> definitions, Map<String, List<String>> uses) {
        List<String> order = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>(); // 1 on the current path, 2 done
        for (String name : definitions.keySet()) {
            visit(name, uses, state, new ArrayList<>(), order, definitions);
        }
        return order;
    }

    private static void visit(String name, Map<String, List<String>> uses, Map<String, Integer> state, List<String> path,
            List<String> order, Map<String, String> definitions) {
        Integer s = state.get(name);
        if (s != null && s == 2) {
            return;
        }
        path.add(name);
        if (s != null) {
            List<String> cycle = path.subList(path.indexOf(name), path.size());
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cycle.size() - 1; i++) {
                b.append(i == 0 ? "" : ", ").append(cycle.get(i)).append(" = ").append(definitions.get(cycle.get(i)));
            }
            throw new ExprException("ties", null, 0, "they form a cycle " + String.join(" -> ", cycle) + " (" + b
                    + "): a tied name cannot depend on itself");
        }
        state.put(name, 1);
        for (String u : uses.get(name)) {
            if (uses.containsKey(u)) {
                visit(u, uses, state, path, order, definitions);
            }
        }
        path.remove(path.size() - 1);
        state.put(name, 2);
        order.add(name);
    }

    /** The nodes of the ties in {@code f}, over {@code parameters}, each with the ties it uses substituted. */
    private static Map<String, Node> nodes(Map<String, String> definitions, List<String> order, List<String> parameters,
            NodeFactory f) {
        Map<String, Integer> ps = new LinkedHashMap<>();
        for (String p : parameters) {
            ps.put(p, ps.size());
        }
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (String name : order) {
            try {
                nodes.put(name, Parser.parse(definitions.get(name), ps, Map.of(), nodes, f));
            } catch (ExprException e) {
                throw e.about(subject(name, definitions.get(name)));
            }
        }
        return nodes;
    }

    /** The ties' nodes made by {@code f} (the model's factory) over the same parameters, for substitution. */
    Map<String, Node> nodesIn(NodeFactory f, List<String> modelParameters) {
        if (!modelParameters.equals(parameters)) {
            throw new IllegalArgumentException("ties resolved for parameters " + parameters + " used with " + modelParameters);
        }
        return nodes(definitions, order, parameters, f);
    }

    public boolean isEmpty() {
        return definitions.isEmpty();
    }

    /** The tied names, in the order given. */
    public List<String> names() {
        return List.copyOf(definitions.keySet());
    }

    /** The parameters the ties were resolved over (the model's, in order). */
    public List<String> parameters() {
        return parameters;
    }

    /** The expression of {@code name} as given. */
    public String definition(String name) {
        String d = definitions.get(name);
        if (d == null) {
            throw new IllegalArgumentException("no tie '" + name + "'; tied: " + String.join(", ", definitions.keySet()));
        }
        return d;
    }

    /** The expression of {@code name} in parameters only (chains substituted), as the model language prints it. */
    public String resolved(String name) {
        definition(name);
        return Printer.print(nodes.get(name));
    }

    /**
     * The value of tie {@code name} at parameters {@code theta} (the model's order); its gradient with respect to them
     * goes into {@code gradient} (length = parameters). Exact derivatives (forward mode), not differences.
     */
    public double value(String name, double[] theta, double[] gradient) {
        definition(name);
        return new Interpreter(parameters.size()).evaluate(nodes.get(name), theta, new double[0], gradient);
    }

    /** The ties as text, sorted by name, e.g. {@code m2 = m1 + 1.2; w2 = w1}: equal for equal ties. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> d : new TreeMap<>(definitions).entrySet()) {
            b.append(b.length() == 0 ? "" : "; ").append(d.getKey()).append(" = ").append(d.getValue().trim());
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
