package io.streamlsq.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.model.EvalLevel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Values and derivatives of compiled expressions against the dual-number interpreter (1e-12 relative) and
 * against central differences, for a corpus that uses every function, including points at domain edges.
 */
class CorpusTest {
    record Case(String text, double[] theta, double[] xs) {
    }

    static final List<String> P = List.of("a", "b", "c");
    static final List<String> V = List.of("x", "w");

    static Case c(String text, double[] theta, double... xs) {
        return new Case(text, theta, xs);
    }

    static double[] t(double... v) {
        return v;
    }

    static final List<Case> CORPUS = List.of(
            c("a*exp(-b*x)+c", t(2.5, 1.3, 0.5), 0, 0.1, 1, 5, 10, 700),
            c("a + b*x + c*x^2", t(1, -2, 3), -3, 0, 2.5, 1e8),
            c("a*x^b", t(2, 1.7, 0), 1e-8, 0.5, 3, 1e10),
            c("a*x**b + c", t(2, -0.5, 1), 0.01, 2, 50),
            c("a^b^c", t(1.5, 2, 0.5), 0),
            c("-a^2 + b*x", t(3, 2, 0), 1, 2),
            c("(a + b)*(a - b)/c", t(3, 2, 5), 0),
            c("a/(1 + exp(b - c*x))", t(2, 1, 0.5), -50, 0, 3, 50),
            c("a/((1+exp(b-c*x))^(1/ 2.5))", t(700, 5, 0.75), 1, 9, 15),
            c("exp(a*x)", t(0.5, 0, 0), -1400, -1, 0, 1, 1400),
            c("exp(exp(a*x))", t(0.3, 0, 0), -2, 0, 2),
            c("exp(-(x-b)^2/(2*c^2))*a", t(3, 20, 4), 0, 18, 20, 21, 100),
            c("log(a*x)", t(2, 0, 0), 1e-300, 1e-5, 1, 1e300),
            c("log10(a*x + b)", t(3, 1, 0), 0, 5, 1e6),
            c("log1p(a*x)", t(0.999, 0, 0), -0.999999, -0.5, 1e-12, 3),
            c("expm1(a*x)", t(1, 0, 0), -30, -1e-10, 1e-12, 0.5, 20),
            c("sqrt(a*x + b)", t(2, 1e-12, 0), 0, 1e-10, 4, 1e12),
            c("cbrt(a*x - b)", t(1, 2, 0), -8, 1, 3, 27),
            c("abs(a*x - b)", t(1, 2, 0), -3, 1.5, 2.5, 10),
            c("sin(a*x + b)", t(2, 0.3, 0), -10, 0, 1, 100),
            c("cos(a*x)*b", t(1.5, 2, 0), -1, 0.001, 3.14),
            c("tan(a*x)", t(1, 0, 0), -1.5, -0.5, 0, 1.2, 1.5),
            c("asin(a*x)", t(1, 0, 0), -0.999999, -0.5, 0, 0.5, 0.999999),
            c("acos(a*x)", t(1, 0, 0), -0.999999, 0, 0.7, 0.999999),
            c("atan(a*x + b)", t(3, -1, 0), -1e6, -1, 0, 0.33, 1e6),
            c("atan2(a*x, b)", t(1, 2, 0), -3, -1e-9, 0.5, 4),
            c("atan2(b, a*x)", t(1, 2, 0), -3, -0.5, 1e-9, 4),
            c("atan2(a*x - 1, b*x + 1)", t(1, -1, 0), 0.25, 3, 50),
            c("sinh(a*x)", t(1, 0, 0), -700, -1e-9, 0.5, 700),
            c("cosh(a*x)", t(1, 0, 0), -700, 0, 0.5, 700),
            c("tanh(a*x + b)", t(1, 0.1, 0), -20, -0.1, 0, 3, 20),
            c("erf(a*x)", t(1, 0, 0), -6, -1, 0, 1e-8, 0.5, 2, 6),
            c("erfc(a*x)", t(1, 0, 0), -6, 0, 0.5, 3, 10),
            c("pow(a, x)", t(2, 0, 0), -1074, -3, 0, 0.5, 1000),
            c("pow(a*x, b)", t(1, 3, 0), -2, 0.5, 2),
            c("pow(x, b)*a", t(2, -2, 0), -3, -1, 0.25, 7),
            c("min(a*x, b)", t(1, 2, 0), -1, 1.999, 2.001, 5),
            c("max(a*x, b) + min(x, c)", t(1, 2, 3), -1, 1, 2.5, 4),
            c("hypot(a*x, b)", t(1e200, 1e200, 0), 0.5, 1, 3),
            c("hypot(a, x)", t(3, 0, 0), -4, 0, 4),
            c("a*sin(2*pi*x/b) + c*cos(2*pi*x/b)", t(1.5, 12, -0.5), 0, 3, 6, 11.5),
            c("a*e^(-b*x)", t(2, 1, 0), 0, 1, 2),
            c("a*x + b*w + c*x*w", t(1, 2, 3), -1, 0.5, 3),
            c("exp(-a*x)*cos(b*w)", t(0.5, 3, 0), 0, 1, 2),
            c("(a*x + b)/(1 + c*x)", t(1, 2, 0.5), -1.5, 0, 10),
            c("(b1x + a)/(x^2+ x*b + c)", t(0.2, 0.19, 0.12), 0.0625, 4),
            c("a*(1-exp(-b*x))", t(238.9, 5.5e-4, 0), 77.6, 790),
            c("exp(-a*x)/(b+c*x)", t(0.19, 6.1e-3, 1.05e-2), 0.5, 6),
            c("a*(1-(1+b*x/2)^(-2))", t(337, 3.9e-4, 0), 77, 700),
            c("a*(1-(1+2*b*x)^(-0.5))", t(636, 2.1e-4, 0), 77, 700),
            c("a*b*x*((1+b*x)^(-1))", t(437, 3e-4, 0), 77, 700),
            c("a - b*x - atan(c/(x-w))/pi", t(0.2, -6e-6, 1200), -4868, 100),
            c("a*exp(b/(x+c))", t(5.6e-3, 6181, 345), 50, 125),
            c("(a/b)*exp(-0.5*((x-c)/b)^2)", t(1.55, 4.09, 451), 400, 451, 500),
            c("a*(b+x)^(-1/c)", t(-2523, 46.7, 0.93), 7.4, 11.8),
            c("a - b*x*exp(-c*w)", t(2.5, 5.6e-9, -0.057), 1, 16),
            c("-(-(-a))*x", t(2, 0, 0), 1, -3),
            c("a*x/(x*x + b) - log(c + x^4)", t(1, 2, 3), -2, 0, 2),
            c("sqrt(abs(a*x)) + cbrt(b*x)", t(2, 3, 0), -4, 0.5, 9),
            c("a*exp(-b*x) + a*exp(-b*x)^2", t(1.2, 0.7, 0), 0, 1, 3),
            c("log(exp(a*x) + exp(b*x))", t(0.5, -0.5, 0), -30, 0, 30),
            c("1/(1 + (x/a)^b)", t(5, 3, 0), 0.1, 5, 50),
            c("c + (a - c)/(1 + exp(-b*(x - w)))", t(10, 1.5, 2), -3, 0, 4),
            c("a*x - a*x + b", t(1, 2, 0), 3, 4),
            c("2e-3*a + 1.5E+2*b + .25*c", t(1, 2, 3), 0),
            c("tanh(a)*x + sinh(b)*cosh(c)", t(0.3, 0.2, 0.1), 1, 2));

    @Test
    void theCorpusIsLargeAndUsesEveryFunction() {
        assertTrue(CORPUS.size() >= 60, CORPUS.size() + " expressions");
        Set<Fn> used = EnumSet.noneOf(Fn.class);
        for (Case k : CORPUS) {
            for (Fn fn : Fn.values()) {
                if (k.text.contains(fn.text() + "(")) {
                    used.add(fn);
                }
            }
        }
        for (Fn fn : Fn.values()) {
            if (fn.visible) {
                assertTrue(used.contains(fn), fn.text() + " is not in the corpus");
            }
        }
    }

    @Test
    void compiledValuesAndDerivativesMatchTheInterpreter() {
        List<String> failures = new ArrayList<>();
        for (Case k : CORPUS) {
            List<String> params = k.text.contains("b1x") ? List.of("b1x", "a", "b", "c").subList(0, 4) : P;
            double[] theta = params.size() == 4 ? new double[] {k.theta[0], k.theta[0], k.theta[1], k.theta[2]} : k.theta;
            ExpressionModel m = ExpressionCompiler.compile(k.text, params, V);
            ExpressionCompiler.Parsed parsed = ExpressionCompiler.parse(k.text, params, V);
            Interpreter ref = new Interpreter(params.size());
            int n = k.xs.length;
            Chunk chunk = chunk(k.xs);
            double[] values = new double[n];
            double[][] jac = new double[params.size()][n];
            m.evaluate(chunk, theta, EvalLevel.NORMAL, values, jac);
            double[] costOnly = new double[n];
            m.evaluate(chunk, theta, EvalLevel.COST, costOnly, null);
            for (int i = 0; i < n; i++) {
                double[] g = new double[params.size()];
                double want = ref.evaluate(parsed.value(), theta, new double[] {k.xs[i], 0.5 * k.xs[i] + 1}, g);
                check(failures, k.text + " value at x=" + k.xs[i], values[i], want);
                check(failures, k.text + " value (COST level) at x=" + k.xs[i], costOnly[i], want);
                for (int p = 0; p < params.size(); p++) {
                    check(failures, k.text + " d/d" + params.get(p) + " at x=" + k.xs[i], jac[p][i], g[p]);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void derivativesAgreeWithCentralDifferences() {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Case k : CORPUS) {
            if (k.text.contains("b1x") || k.text.contains("min(") || k.text.contains("max(") || k.text.contains("abs(")) {
                continue; // kinks: covered against the interpreter above
            }
            ExpressionModel m = ExpressionCompiler.compile(k.text, P, V);
            int n = k.xs.length;
            Chunk chunk = chunk(k.xs);
            double[] values = new double[n];
            double[][] jac = new double[3][n];
            m.evaluate(chunk, k.theta, EvalLevel.NORMAL, values, jac);
            for (int p = 0; p < 3; p++) {
                double h = 1e-6 * Math.max(1e-3, Math.abs(k.theta[p]));
                double[] up = k.theta.clone();
                double[] down = k.theta.clone();
                up[p] += h;
                down[p] -= h;
                double[] fu = new double[n];
                double[] fd = new double[n];
                m.evaluate(chunk, up, EvalLevel.COST, fu, null);
                m.evaluate(chunk, down, EvalLevel.COST, fd, null);
                double[] fu4 = new double[n];
                double[] fd4 = new double[n];
                double[] up4 = k.theta.clone();
                double[] down4 = k.theta.clone();
                up4[p] += h / 4;
                down4[p] -= h / 4;
                m.evaluate(chunk, up4, EvalLevel.COST, fu4, null);
                m.evaluate(chunk, down4, EvalLevel.COST, fd4, null);
                for (int i = 0; i < n; i++) {
                    double num = (fu[i] - fd[i]) / (up[p] - down[p]);
                    double num4 = (fu4[i] - fd4[i]) / (up4[p] - down4[p]);
                    if (Math.abs(num - num4) > 1e-4 * Math.abs(num4) + 1e-9) {
                        continue; // differences are not converged here (next to a singularity): no verdict
                    }
                    if (!Double.isFinite(num) || !Double.isFinite(jac[p][i]) || !Double.isFinite(values[i])) {
                        continue; // overflowed at an edge point; exact values were checked above
                    }
                    checked++;
                    double tol = 1e-5 * Math.max(Math.abs(num), Math.abs(jac[p][i])) + 1e-7 * Math.abs(values[i]) / h * 1e-9 + 1e-9;
                    if (Math.abs(num - jac[p][i]) > tol) {
                        failures.add(k.text + " d/d" + P.get(p) + " at x=" + k.xs[i] + ": exact " + jac[p][i]
                                + ", differences " + num);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(checked > 400, "only " + checked + " derivatives compared with differences");
    }

    @Test
    void theExponentialOfTheDecayModelIsComputedOnceForValueAndDerivatives() {
        ExpressionModel m = ExpressionCompiler.compile("a*exp(-b*x)+c", List.of("a", "b", "c"), List.of("x"));
        String src = m.generatedSource();
        String jacBranch = src.substring(src.indexOf("return;"));
        assertEquals(1, count(jacBranch, "ArrayMath.exp("), src);
        assertEquals(0, count(src, "Math.exp(") - count(src, "ArrayMath.exp("), "no per-row exp left: " + src);
        ExpressionCompiler.Parsed p = ExpressionCompiler.parse("a*exp(-b*x)+c", List.of("a", "b", "c"), List.of("x"));
        long exps = CodeGen.reachable(List.of(p.value(), p.derivatives().get(0), p.derivatives().get(1),
                p.derivatives().get(2))).stream().filter(n -> n.fn == Fn.EXP).count();
        assertEquals(1, exps, "one exp node shared by the value and all derivatives");
    }

    private static int count(String s, String what) {
        int c = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            c++;
        }
        return c;
    }

    static Chunk chunk(double[] xs) {
        int n = xs.length;
        double[] w = new double[n + 3];
        double[] x = new double[n + 3];
        for (int i = 0; i < n; i++) {
            x[i + 3] = xs[i];
            w[i + 3] = 0.5 * xs[i] + 1;
        }
        Chunk c = new Chunk(2);
        c.setColumn(0, x);
        c.setColumn(1, w);
        c.set(0, 0, 3, n);
        return c;
    }

    private static void check(List<String> failures, String what, double got, double want) {
        if (Double.isNaN(got) && Double.isNaN(want)) {
            return;
        }
        if (got == want) {
            return;
        }
        double scale = Math.max(Math.abs(got), Math.abs(want));
        if (!(Math.abs(got - want) <= 1e-12 * scale + 1e-300)) {
            failures.add(what + ": compiled " + got + ", reference " + want);
        }
    }
}
