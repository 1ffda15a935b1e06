package io.streamlsq.expr;

import java.util.List;

/**
 * A node of an expression DAG. Nodes are made only by {@link NodeFactory}, which interns them: two
 * structurally equal nodes of one factory are the same object, so common subexpressions are shared and
 * identity is equality. Immutable.
 */
public final class Node {
    /** What a node is. */
    public enum Kind { NUMBER, PARAMETER, VARIABLE, NEG, ADD, SUB, MUL, DIV, POW, CALL }

    final Kind kind;
    final double value;
    final int index;
    final String name;
    final Fn fn;
    final Node[] args;
    final int id;
    /** Whether the value depends on a data variable (else it is the same for every row). */
    final boolean perRow;
    final int depth;

    Node(Kind kind, double value, int index, String name, Fn fn, Node[] args, int id) {
        this.kind = kind;
        this.value = value;
        this.index = index;
        this.name = name;
        this.fn = fn;
        this.args = args;
        this.id = id;
        boolean row = kind == Kind.VARIABLE;
        int d = 0;
        for (Node a : args) {
            row |= a.perRow;
            d = Math.max(d, a.depth + 1);
        }
        this.perRow = row;
        this.depth = d;
    }

    public Kind kind() {
        return kind;
    }

    /** The number of a NUMBER node. */
    public double value() {
        return value;
    }

    /** Parameter or variable index. */
    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public Fn fn() {
        return fn;
    }

    public List<Node> args() {
        return List.of(args);
    }

    public Node arg(int i) {
        return args[i];
    }

    public boolean isNumber(double v) {
        return kind == Kind.NUMBER && Double.compare(value, v) == 0;
    }

    public boolean isNumber() {
        return kind == Kind.NUMBER;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
