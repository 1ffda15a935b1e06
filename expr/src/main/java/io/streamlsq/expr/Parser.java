package io.streamlsq.expr;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recursive-descent parser of the model language:
 * <pre>
 * expr    := term (('+' | '-') term)*
 * term    := unary (('*' | '/') unary)*
 * unary   := ('-' | '+') unary | power
 * power   := primary (('^' | '**') unary)?          right-associative; -x^2 = -(x^2); 2^-1 allowed
 * primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 * number  := digits ['.' digits] [('e'|'E') ['+'|'-'] digits]  |  '.' digits [...]
 * name    := [A-Za-z_][A-Za-z0-9_]*
 * </pre>
 * Limits, each an {@link ExprException} with the column: {@value #MAX_LENGTH} characters,
 * {@value #MAX_DEPTH} levels of nesting, numbers that overflow a double.
 */
public final class Parser {
    public static final int MAX_LENGTH = 1_000_000;
    public static final int MAX_DEPTH = 200;

    private final String text;
    private final Map<String, Integer> parameters;
    private final Map<String, Integer> variables;
    private final NodeFactory f;
    /** Names that stand for an expression of parameters (ties): parsed as that expression's node. */
    private Map<String, Node> substitutions = Map.of();
    private int pos;
    private int depth;

    private Parser(String text, Map<String, Integer> parameters, Map<String, Integer> variables, NodeFactory f) {
        this.text = text;
        this.parameters = parameters;
        this.variables = variables;
        this.f = f;
    }

    /**
     * Parses {@code text} with the given names. Every other name is an error (functions and the
     * constants {@code pi} and {@code e} aside).
     */
    public static Node parse(String text, Map<String, Integer> parameters, Map<String, Integer> variables,
            NodeFactory factory) {
        return parse(text, parameters, variables, Map.of(), factory);
    }

    /**
     * Parses {@code text} with the given names, each name of {@code substitutions} standing for its node (made by
     * {@code factory}): a tied parameter becomes the expression that defines it, so that the derivatives taken
     * afterwards are those of the substituted expression.
     */
    public static Node parse(String text, Map<String, Integer> parameters, Map<String, Integer> variables,
            Map<String, Node> substitutions, NodeFactory factory) {
        checkLength(text);
        Parser p = new Parser(text, parameters, variables, factory);
        p.substitutions = substitutions;
        p.skipSpace();
        if (p.pos >= text.length()) {
            throw new ExprException(text, 0, "the expression is empty");
        }
        Node n = p.expr();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after a complete expression");
        }
        return n;
    }

    /**
     * The names an expression uses that are neither functions nor constants, in order of first
     * appearance; the caller decides which are parameters and which are variables. Also checks the
     * syntax.
     */
    public static List<String> names(String text) {
        checkLength(text);
        Set<String> found = new LinkedHashSet<>();
        Parser p = new Parser(text, null, null, new NodeFactory()).collecting(found);
        p.skipSpace();
        if (p.pos >= text.length()) {
            throw new ExprException(text, 0, "the expression is empty");
        }
        p.expr();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after a complete expression");
        }
        return new ArrayList<>(found);
    }

    private Set<String> collect;

    private Parser collecting(Set<String> found) {
        this.collect = found;
        return this;
    }

    private static void checkLength(String text) {
        if (text == null) {
            throw new ExprException(null, 0, "no expression given");
        }
        if (text.length() > MAX_LENGTH) {
            throw new ExprException(null, 0, "the expression has " + text.length() + " characters; at most "
                    + MAX_LENGTH + " are accepted");
        }
    }

    private Node expr() {
        enter();
        Node left = term();
        while (true) {
            skipSpace();
            if (peek('+')) {
                pos++;
                left = f.add(left, term());
            } else if (peek('-')) {
                pos++;
                left = f.sub(left, term());
            } else {
                leave();
                return left;
            }
        }
    }

    private Node term() {
        Node left = unary();
        while (true) {
            skipSpace();
            if (peek('*') && !peekAt(pos + 1, '*')) {
                pos++;
                left = f.mul(left, unary());
            } else if (peek('/')) {
                pos++;
                left = f.div(left, unary());
            } else {
                return left;
            }
        }
    }

    private Node unary() {
        skipSpace();
        if (peek('-')) {
            pos++;
            enter();
            Node n = f.neg(unary());
            leave();
            return n;
        }
        if (peek('+')) {
            pos++;
            enter();
            Node n = unary();
            leave();
            return n;
        }
        return power();
    }

    private Node power() {
        Node base = primary();
        skipSpace();
        if (peek('^') || (peek('*') && peekAt(pos + 1, '*'))) {
            pos += peek('^') ? 1 : 2;
            enter();
            Node exponent = unary();
            leave();
            return f.pow(base, exponent);
        }
        return base;
    }

    private Node primary() {
        skipSpace();
        if (pos >= text.length()) {
            throw error("the expression ends where a number, a name or '(' was expected");
        }
        char c = text.charAt(pos);
        if (c == '(') {
            int open = pos;
            pos++;
            Node n = expr();
            skipSpace();
            if (!peek(')')) {
                throw new ExprException(text, pos + 1, pos >= text.length()
                        ? "missing ')' for the '(' at column " + (open + 1)
                        : "expected ')' (for the '(' at column " + (open + 1) + ") but found " + describeHere());
            }
            pos++;
            return n;
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
            return number();
        }
        if (isNameStart(c)) {
            return name();
        }
        throw error("unexpected " + describeHere() + "; expected a number, a name or '('");
    }

    private Node number() {
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (peek('.')) {
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        if (peek('e') || peek('E')) {
            int save = pos;
            pos++;
            if (peek('+') || peek('-')) {
                pos++;
            }
            if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save; // "2e" followed by something else: the number ends before the e
            }
        }
        String lit = text.substring(start, pos);
        double v = Double.parseDouble(lit);
        if (Double.isInfinite(v)) {
            throw new ExprException(text, start + 1, "the number " + lit + " is too large for a double");
        }
        if (pos < text.length() && isNameStart(text.charAt(pos))) {
            throw error("a name cannot follow the number " + lit + " directly; write " + lit + "*"
                    + text.charAt(pos) + "... for a product");
        }
        return f.number(v);
    }

    private Node name() {
        int start = pos;
        while (pos < text.length() && isNamePart(text.charAt(pos))) {
            pos++;
        }
        String name = text.substring(start, pos);
        skipSpace();
        if (peek('(')) {
            Fn fn = Fn.named(name);
            if (fn == null) {
                throw new ExprException(text, start + 1, "unknown function '" + name + "'; functions: "
                        + functionList());
            }
            int open = pos;
            pos++;
            enter();
            List<Node> args = new ArrayList<>();
            skipSpace();
            if (!peek(')')) {
                args.add(expr());
                skipSpace();
                while (peek(',')) {
                    pos++;
                    args.add(expr());
                    skipSpace();
                }
            }
            if (!peek(')')) {
                throw new ExprException(text, pos + 1, pos >= text.length()
                        ? "missing ')' for the call of " + name + " at column " + (open + 1)
                        : "expected ',' or ')' in the call of " + name + " but found " + describeHere());
            }
            pos++;
            leave();
            if (args.size() != fn.arity) {
                throw new ExprException(text, start + 1, name + " takes " + fn.arity + " argument"
                        + (fn.arity == 1 ? "" : "s") + " but " + args.size() + (args.size() == 1 ? " was" : " were") + " given");
            }
            return f.call(fn, args.toArray(new Node[0]));
        }
        if (collect != null) {
            if (!name.equals("pi") && !name.equals("e")) {
                collect.add(name);
            }
            return f.number(1);
        }
        Node tied = substitutions.get(name);
        if (tied != null) {
            return tied;
        }
        Integer p = parameters.get(name);
        if (p != null) {
            return f.parameter(p, name);
        }
        Integer v = variables.get(name);
        if (v != null) {
            return f.variable(v, name);
        }
        if (name.equals("pi")) {
            return f.number(Math.PI);
        }
        if (name.equals("e")) {
            return f.number(Math.E);
        }
        if (Fn.named(name) != null) {
            throw new ExprException(text, start + 1, "'" + name + "' is a function; call it as " + name + "(...)");
        }
        throw new ExprException(text, start + 1, "unknown name '" + name + "': it is neither a parameter ("
                + String.join(", ", parameters.keySet()) + ") nor a variable (" + String.join(", ", variables.keySet())
                + ")");
    }

    private static String functionList() {
        StringBuilder b = new StringBuilder();
        for (Fn fn : Fn.values()) {
            if (fn.visible) {
                b.append(b.length() > 0 ? ", " : "").append(fn.text());
            }
        }
        return b.toString();
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("the expression nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void leave() {
        depth--;
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private boolean peekAt(int at, char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void skipSpace() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private String describeHere() {
        if (pos >= text.length()) {
            return "end of expression";
        }
        char c = text.charAt(pos);
        if (c >= 32 && c < 127) {
            return "'" + c + "'";
        }
        return String.format("character U+%04X", (int) c);
    }

    private ExprException error(String problem) {
        return new ExprException(text, pos + 1, problem);
    }
}
