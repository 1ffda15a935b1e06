package io.streamlsq.expr;

import io.streamlsq.data.Chunk;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import java.util.List;

/**
 * A {@link Model} compiled from an expression: value and exact derivatives, generated as Java and
 * compiled at run time. Thread-safe (scratch buffers are per thread).
 */
public final class ExpressionModel implements Model {
    private final String text;
    private final List<String> parameters;
    private final List<String> variables;
    private final Kernel kernel;
    private final int buffers;
    private final String source;
    private final ThreadLocal<double[][]> scratch = new ThreadLocal<>();

    ExpressionModel(String text, List<String> parameters, List<String> variables, Kernel kernel, int buffers,
            String source) {
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

    private double[][] buffers(int rows) {
        double[][] b = scratch.get();
        if (b == null || (buffers > 0 && b[0].length < rows)) {
            b = new double[buffers][Math.max(rows, 512)];
            scratch.set(b);
        }
        return b;
    }
}
