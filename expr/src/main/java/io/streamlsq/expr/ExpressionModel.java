package io.streamlsq.expr;

import io.streamlsq.accumulate.ExtraRows;
import io.streamlsq.data.Chunk;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import java.util.List;

/**
 * A {@link Model} compiled from an expression: value and exact derivatives, generated as Java and
 * compiled at run time. Thread-safe (scratch buffers are per thread). Penalties, when compiled with some, are its
 * {@link ExtraRows}: one residual row each, an expression of the parameters, with exact derivatives.
 */
public final class ExpressionModel implements Model, ExtraRows {
    private final String text;
    private final List<String> parameters;
    private final List<String> variables;
    private final Kernel kernel;
    private final int buffers;
    private final String source;
    private final ThreadLocal<double[][]> scratch = new ThreadLocal<>();
    /** The penalty rows' expressions over the parameters (ties substituted); empty without penalties. */
    private final List<Node> penalties;

    ExpressionModel(String text, List<String> parameters, List<String> variables, Kernel kernel, int buffers,
            String source) {
        this(text, parameters, variables, kernel, buffers, source, List.of());
    }

    ExpressionModel(String text, List<String> parameters, List<String> variables, Kernel kernel, int buffers,
            String source, List<Node> penalties) {
        this.penalties = List.copyOf(penalties);
        this.text = text;
        this.parameters = List.copyOf(parameters);
        this.variables = List.copyOf(variables);
        this.kernel = kernel;
        this.buffers = buffers;
        this.source = source;
    }

    @Override
    public List<String> parameterNames() {
        return parameters;
    }

    @Override
    public List<String> variableNames() {
        return variables;
    }

    /** The expression as the user wrote it; with ties, followed by {@code " with ties: "} and {@link Ties#describe()}. */
    @Override
    public String describe() {
        return text;
    }

    /** The generated Java source (for inspection and tests). */
    public String generatedSource() {
        return source;
    }

    @Override
    public void evaluate(Chunk chunk, double[] theta, EvalLevel level, double[] values, double[][] jacobian) {
        kernel.evaluate(chunk, theta, level.needsJacobian(), values, jacobian, buffers(chunk.rows()));
    }

    @Override
    public int extraRowCount() {
        return penalties.size();
    }

    /** The penalties' values and exact gradients at θ (forward mode over the expression graph: one row each). */
    @Override
    public void evaluateExtraRows(double[] theta, double[] residuals, double[][] jacobian) {
        double[] g = new double[parameters.size()];
        Interpreter in = new Interpreter(parameters.size());
        for (int i = 0; i < penalties.size(); i++) {
            residuals[i] = in.evaluate(penalties.get(i), theta, new double[0], g);
            for (int k = 0; k < g.length; k++) {
                jacobian[k][i] = g[k];
            }
        }
    }

    private double[][] buffers(int rows) {
        double[][] b = scratch.get();
        if (b == null || (buffers > 0 && b[0].length < rows)) {
            b = new double[buffers][Math.max(rows, 512)];
            scratch.set(b);
        }
        return b;
    }
}
