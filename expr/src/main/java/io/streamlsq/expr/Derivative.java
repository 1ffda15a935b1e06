package io.streamlsq.expr;

import java.util.HashMap;
import java.util.Map;

/**
 * Symbolic derivative of a node with respect to one parameter, built with the same {@link NodeFactory}
 * so that it shares subexpressions with the value (e.g. the {@code exp(−b·x)} of {@code a·exp(−b·x)+c}
 * appears once for the value and both derivatives). Memoized per node.
 */
final class Derivative {
    private final NodeFactory f;
    private final int param;
    private final Map<Node, Node> memo = new HashMap<>();

    Derivative(NodeFactory f, int param) {
        this.f = f;
        this.param = param;
    }

    Node of(Node n) {
        Node d = memo.get(n);
        if (d == null) {
            d = compute(n);
            memo.put(n, d);
        }
        return d;
    }

    private Node compute(Node n) {
        return switch (n.kind) {
            case NUMBER, VARIABLE -> f.number(0);
            case PARAMETER -> f.number(n.index == param ? 1 : 0);
            case NEG -> f.neg(of(n.args[0]));
            case ADD -> f.add(of(n.args[0]), of(n.args[1]));
            case SUB -> f.sub(of(n.args[0]), of(n.args[1]));
            case MUL -> f.add(f.mul(of(n.args[0]), n.args[1]), f.mul(n.args[0], of(n.args[1])));
            case DIV -> quotient(n);
            case POW -> power(n, n.args[0], n.args[1]);
            case CALL -> call(n);
        };
    }

    private Node quotient(Node n) {
        Node u = n.args[0];
        Node v = n.args[1];
        Node du = of(u);
        Node dv = of(v);
        // (u/v)' = u'/v − (u/v)·v'/v, which reuses u/v
        return f.sub(f.div(du, v), f.div(f.mul(n, dv), v));
    }

    private Node power(Node n, Node u, Node v) {
        Node du = of(u);
        Node dv = of(v);
        Node result = f.number(0);
        if (!du.isNumber(0)) {
            // v·u^(v−1)·u'
            Node pw = f.pow(u, v.isNumber() ? f.number(v.value - 1) : f.sub(v, f.number(1)));
            result = f.mul(f.mul(v, pw), du);
        }
        if (!dv.isNumber(0)) {
            result = f.add(result, f.mul(f.mul(n, f.call(Fn.LOG, u)), dv));
        }
        return result;
    }

    private Node call(Node n) {
        Node[] a = n.args;
        Node u = a[0];
        Node du = of(u);
        return switch (n.fn) {
            case EXP -> f.mul(n, du);
            case LOG -> f.div(du, u);
            case LOG10 -> f.div(du, f.mul(u, f.number(Math.log(10))));
            case LOG1P -> f.div(du, f.add(f.number(1), u));
            case EXPM1 -> f.mul(f.call(Fn.EXP, u), du);
            case SQRT -> f.div(du, f.mul(f.number(2), n));
            case CBRT -> f.div(du, f.mul(f.number(3), f.mul(n, n)));
            case ABS -> f.mul(f.call(Fn.SIGN, u), du);
            case SIN -> f.mul(f.call(Fn.COS, u), du);
            case COS -> f.neg(f.mul(f.call(Fn.SIN, u), du));
            case TAN -> f.mul(f.add(f.number(1), f.mul(n, n)), du);
            case ASIN -> f.div(du, f.call(Fn.SQRT, f.sub(f.number(1), f.mul(u, u))));
            case ACOS -> f.neg(f.div(du, f.call(Fn.SQRT, f.sub(f.number(1), f.mul(u, u)))));
            case ATAN -> f.div(du, f.add(f.number(1), f.mul(u, u)));
            case ATAN2 -> {
                Node x = a[1];
                Node dx = of(x);
                yield f.div(f.sub(f.mul(x, du), f.mul(u, dx)), f.add(f.mul(x, x), f.mul(u, u)));
            }
            case SINH -> f.mul(f.call(Fn.COSH, u), du);
            case COSH -> f.mul(f.call(Fn.SINH, u), du);
            case TANH -> f.div(du, f.mul(f.call(Fn.COSH, u), f.call(Fn.COSH, u)));
            case ERF -> f.mul(f.mul(f.number(Functions.TWO_OVER_SQRT_PI), f.call(Fn.EXP, f.neg(f.mul(u, u)))), du);
            case ERFC -> f.neg(f.mul(f.mul(f.number(Functions.TWO_OVER_SQRT_PI), f.call(Fn.EXP, f.neg(f.mul(u, u)))), du));
            case POW -> power(n, a[0], a[1]);
            case MIN -> f.call(Fn.SELECT_LT, a[0], a[1], du, of(a[1]));
            case MAX -> f.call(Fn.SELECT_LT, a[0], a[1], of(a[1]), du);
            case HYPOT -> f.div(f.add(f.mul(a[0], du), f.mul(a[1], of(a[1]))), n);
            case SIGN -> f.number(0);
            case SELECT_LT -> f.call(Fn.SELECT_LT, a[0], a[1], of(a[2]), of(a[3]));
        };
    }
}
