package io.streamlsq.expr;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Evaluates a node directly, with forward-mode derivatives (dual numbers with a gradient over all
 * parameters). Independent of {@link Derivative} and of the code generator: the tests use it as the
 * reference. Slow; not for the hot path.
 */
public final class Interpreter {
    private final int parameters;
    private final Map<Node, double[]> memo = new IdentityHashMap<>();
    private double[] theta;
    private double[] x;

    public Interpreter(int parameters) {
        this.parameters = parameters;
    }

    /**
     * Value of {@code root} at parameters {@code theta} and variables {@code x}; its gradient with respect
     * to the parameters goes into {@code gradient} (length = parameters).
     */
    public double evaluate(Node root, double[] theta, double[] x, double[] gradient) {
        this.theta = theta;
        this.x = x;
        memo.clear();
        double[] d = eval(root);
        System.arraycopy(d, 1, gradient, 0, parameters);
        return d[0];
    }

    /** Entry 0 is the value, entries 1..p the gradient. */
    private double[] eval(Node n) {
        double[] r = memo.get(n);
        if (r != null) {
            return r;
        }
        r = new double[parameters + 1];
        switch (n.kind) {
            case NUMBER -> r[0] = n.value;
            case PARAMETER -> {
                r[0] = theta[n.index];
                r[1 + n.index] = 1;
            }
            case VARIABLE -> r[0] = x[n.index];
            case NEG -> {
                double[] a = eval(n.args[0]);
                for (int i = 0; i <= parameters; i++) {
                    r[i] = -a[i];
                }
            }
            case ADD, SUB -> {
                double[] a = eval(n.args[0]);
                double[] b = eval(n.args[1]);
                double s = n.kind == Node.Kind.ADD ? 1 : -1;
                for (int i = 0; i <= parameters; i++) {
                    r[i] = a[i] + s * b[i];
                }
            }
            case MUL -> {
                double[] a = eval(n.args[0]);
                double[] b = eval(n.args[1]);
                r[0] = a[0] * b[0];
                for (int i = 1; i <= parameters; i++) {
                    r[i] = a[i] * b[0] + a[0] * b[i];
                }
            }
            case DIV -> {
                double[] a = eval(n.args[0]);
                double[] b = eval(n.args[1]);
                r[0] = a[0] / b[0];
                for (int i = 1; i <= parameters; i++) {
                    r[i] = (a[i] * b[0] - a[0] * b[i]) / (b[0] * b[0]);
                }
            }
            case POW -> pow(eval(n.args[0]), eval(n.args[1]), r);
            case CALL -> call(n, r);
            default -> throw new AssertionError(n.kind);
        }
        memo.put(n, r);
        return r;
    }

    private void pow(double[] a, double[] b, double[] r) {
        r[0] = Math.pow(a[0], b[0]);
        boolean constExp = true;
        for (int i = 1; i <= parameters; i++) {
            constExp &= b[i] == 0;
        }
        for (int i = 1; i <= parameters; i++) {
            double d = a[i] == 0 ? 0 : b[0] * Math.pow(a[0], b[0] - 1) * a[i];
            if (!constExp && b[i] != 0) {
                d += r[0] * Math.log(a[0]) * b[i];
            }
            r[i] = d;
        }
    }

    private void call(Node n, double[] r) {
        double[] a = eval(n.args[0]);
        double u = a[0];
        double[] b = n.args.length > 1 ? eval(n.args[1]) : null;
        double[] vals = new double[n.args.length];
        for (int i = 0; i < vals.length; i++) {
            vals[i] = eval(n.args[i])[0];
        }
        r[0] = Functions.apply(n.fn, vals);
        double v = r[0];
        for (int i = 1; i <= parameters; i++) {
            double du = a[i];
            r[i] = switch (n.fn) {
                case EXP -> v * du;
                case LOG -> du / u;
                case LOG10 -> du / (u * Math.log(10));
                case LOG1P -> du / (1 + u);
                case EXPM1 -> Math.exp(u) * du; // not (expm1(u) + 1): that cancels for u << 0
                case SQRT -> du / (2 * v);
                case CBRT -> du / (3 * v * v);
                case ABS -> Math.signum(u) * du;
                case SIN -> Math.cos(u) * du;
                case COS -> -Math.sin(u) * du;
                case TAN -> du / (Math.cos(u) * Math.cos(u));
                case ASIN -> du / Math.sqrt(1 - u * u);
                case ACOS -> -du / Math.sqrt(1 - u * u);
                case ATAN -> du / (1 + u * u);
                case ATAN2 -> (b[0] * du - u * b[i]) / (b[0] * b[0] + u * u);
                case SINH -> Math.cosh(u) * du;
                case COSH -> Math.sinh(u) * du;
                case TANH -> du / (Math.cosh(u) * Math.cosh(u));
                case ERF -> 2 / Math.sqrt(Math.PI) * Math.exp(-u * u) * du;
                case ERFC -> -2 / Math.sqrt(Math.PI) * Math.exp(-u * u) * du;
                case POW -> {
                    double[] t = new double[parameters + 1];
                    pow(a, b, t);
                    yield t[i];
                }
                case MIN -> u < b[0] ? du : b[i];
                case MAX -> u < b[0] ? b[i] : du;
                case HYPOT -> (u * du + b[0] * b[i]) / v;
                case SIGN -> 0;
                case SELECT_LT -> u < b[0] ? eval(n.args[2])[i] : eval(n.args[3])[i];
            };
        }
    }
}
