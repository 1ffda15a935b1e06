package io.streamlsq.expr;

import io.streamlsq.expr.Node.Kind;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Makes interned nodes, simplifying as it goes: constant folding, {@code x+0, x*1, x*0, x/1, x^1, x^0,
 * −(−x)}, and numbers moved to the left of products. Structurally equal nodes are returned as the same
 * object (hash-consing), which is the common-subexpression elimination the code generator relies on.
 */
public final class NodeFactory {
    /** Largest number of distinct nodes, so that an expression cannot exhaust memory. */
    public static final int MAX_NODES = 200_000;
    /** Longest chain of operations (e.g. terms of a sum), so that recursive passes cannot overflow the stack. */
    public static final int MAX_CHAIN = 2_000;

    private record Key(Kind kind, long bits, int index, Fn fn, int[] argIds) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.kind == kind && k.bits == bits && k.index == index && k.fn == fn
                    && Arrays.equals(k.argIds, argIds);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, bits, index, fn) * 31 + Arrays.hashCode(argIds);
        }
    }

    private final Map<Key, Node> interned = new HashMap<>();
    private int nextId;

    private Node intern(Kind kind, double value, int index, String name, Fn fn, Node... args) {
        int[] ids = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            ids[i] = args[i].id;
        }
        Key key = new Key(kind, Double.doubleToLongBits(value), index, fn, ids);
        Node n = interned.get(key);
        if (n == null) {
            if (interned.size() >= MAX_NODES) {
                throw new ExprException(null, 0, "more than " + MAX_NODES
                        + " distinct subexpressions (with derivatives); simplify the model");
            }
            n = new Node(kind, value, index, name, fn, args, nextId++);
            if (n.depth > MAX_CHAIN) {
                throw new ExprException(null, 0, "the expression chains more than " + MAX_CHAIN
                        + " operations (with derivatives); split it or simplify it");
            }
            interned.put(key, n);
        }
        return n;
    }

    /** Number of distinct nodes made so far. */
    public int size() {
        return interned.size();
    }

    public Node number(double v) {
        return intern(Kind.NUMBER, v == 0 ? 0.0 : v, -1, null, null);
    }

    public Node parameter(int index, String name) {
        return intern(Kind.PARAMETER, 0, index, name, null);
    }

    public Node variable(int index, String name) {
        return intern(Kind.VARIABLE, 0, index, name, null);
    }

    public Node neg(Node a) {
        if (a.isNumber()) {
            return number(-a.value);
        }
        if (a.kind == Kind.NEG) {
            return a.args[0];
        }
        return intern(Kind.NEG, 0, -1, null, null, a);
    }

    public Node add(Node a, Node b) {
        if (a.isNumber() && b.isNumber()) {
            return number(a.value + b.value);
        }
        if (a.isNumber(0)) {
            return b;
        }
        if (b.isNumber(0)) {
            return a;
        }
        if (b.kind == Kind.NEG) {
            return sub(a, b.args[0]);
        }
        return intern(Kind.ADD, 0, -1, null, null, a, b);
    }

    public Node sub(Node a, Node b) {
        if (a.isNumber() && b.isNumber()) {
            return number(a.value - b.value);
        }
        if (b.isNumber(0)) {
            return a;
        }
        if (a.isNumber(0)) {
            return neg(b);
        }
        if (a == b) {
            return number(0);
        }
        if (b.kind == Kind.NEG) {
            return add(a, b.args[0]);
        }
        return intern(Kind.SUB, 0, -1, null, null, a, b);
    }

    public Node mul(Node a, Node b) {
        if (a.isNumber() && b.isNumber()) {
            return number(a.value * b.value);
        }
        if (b.isNumber()) {
            Node t = a;
            a = b;
            b = t;
        }
        if (a.isNumber(0)) {
            return a;
        }
        if (a.isNumber(1)) {
            return b;
        }
        if (a.isNumber(-1)) {
            return neg(b);
        }
        if (a.kind == Kind.NEG && b.kind == Kind.NEG) {
            return mul(a.args[0], b.args[0]);
        }
        if (b.kind == Kind.NEG) {
            return neg(mul(a, b.args[0]));
        }
        if (a.kind == Kind.NEG) {
            return neg(mul(a.args[0], b));
        }
        return gatherInvariants(a, b);
    }

    /**
     * Products are kept as {@code invariant · (row-dependent product)}, with all row-invariant factors
     * multiplied together, so that they are computed once per block instead of once per row.
     */
    private Node gatherInvariants(Node a, Node b) {
        if (a.perRow && !b.perRow) {
            Node t = a;
            a = b;
            b = t;
        }
        if (!a.perRow && b.perRow) {
            if (b.kind == Kind.MUL && !b.args[0].perRow) {
                return mul(mul(a, b.args[0]), b.args[1]);
            }
        } else if (a.perRow) {
            if (a.kind == Kind.MUL && !a.args[0].perRow) {
                return mul(a.args[0], mul(a.args[1], b));
            }
            if (b.kind == Kind.MUL && !b.args[0].perRow) {
                return mul(b.args[0], mul(a, b.args[1]));
            }
        }
        return intern(Kind.MUL, 0, -1, null, null, a, b);
    }

    public Node div(Node a, Node b) {
        if (a.isNumber() && b.isNumber() && b.value != 0) {
            return number(a.value / b.value);
        }
        if (b.isNumber(1)) {
            return a;
        }
        if (a.isNumber(0) && !(b.isNumber(0))) {
            return a;
        }
        if (b.kind == Kind.NEG) {
            return neg(div(a, b.args[0]));
        }
        if (a.kind == Kind.NEG) {
            return neg(div(a.args[0], b));
        }
        if (a.perRow && !b.perRow) {
            // by a row-invariant divisor: multiply by its reciprocal, computed once per block
            return mul(intern(Kind.DIV, 0, -1, null, null, number(1), b), a);
        }
        return intern(Kind.DIV, 0, -1, null, null, a, b);
    }

    public Node pow(Node a, Node b) {
        if (a.isNumber() && b.isNumber()) {
            return number(Math.pow(a.value, b.value));
        }
        if (b.isNumber(1)) {
            return a;
        }
        if (b.isNumber(0)) {
            return number(1);
        }
        return intern(Kind.POW, 0, -1, null, null, a, b);
    }

    public Node call(Fn fn, Node... args) {
        boolean constant = true;
        for (Node a : args) {
            constant &= a.isNumber();
        }
        if (constant && fn != Fn.SELECT_LT) {
            double[] v = new double[args.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = args[i].value;
            }
            return number(Functions.apply(fn, v));
        }
        if (fn == Fn.SELECT_LT && args[2] == args[3]) {
            return args[2];
        }
        return intern(Kind.CALL, 0, -1, null, fn, args);
    }
}
