package io.streamlsq.testkit;

import io.streamlsq.data.Chunk;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import java.util.List;

/** A model written one row at a time, for tests: value and gradient at x. */
public final class RowModel implements Model {

    /** f(x; b), writing ∂f/∂b into {@code grad} when it is not null. */
    @FunctionalInterface
    public interface Row {
        double value(double[] x, double[] b, double[] grad);
    }

    private final List<String> params;
    private final List<String> vars;
    private final Row row;
    private final String text;

    public RowModel(List<String> params, List<String> vars, String text, Row row) {
        this.params = List.copyOf(params);
        this.vars = List.copyOf(vars);
        this.row = row;
        this.text = text;
    }

    @Override
    public List<String> parameterNames() {
        return params;
    }

    @Override
    public List<String> variableNames() {
        return vars;
    }

    @Override
    public String describe() {
        return text;
    }

    @Override
    public void evaluate(Chunk chunk, double[] theta, EvalLevel level, double[] values, double[][] jacobian) {
        double[] x = new double[vars.size()];
        double[] grad = level.needsJacobian() ? new double[params.size()] : null;
        for (int i = 0; i < chunk.rows(); i++) {
            for (int v = 0; v < x.length; v++) {
                x[v] = chunk.get(v, i);
            }
            values[i] = row.value(x, theta, grad);
            if (grad != null) {
                for (int k = 0; k < grad.length; k++) {
                    jacobian[k][i] = grad[k];
                }
            }
        }
    }
}
