package io.streamlsq.problems;

import io.streamlsq.data.Chunk;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import java.util.List;

/** {@code y = a·exp(−b·x) + c}, parameters (a, b, c), variable x, with its analytic Jacobian. */
public final class DecayModel implements Model {
    private static final List<String> PARAMS = List.of("a", "b", "c");
    private static final List<String> VARS = List.of("x");

    @Override
    public List<String> parameterNames() {
        return PARAMS;
    }

    @Override
    public List<String> variableNames() {
        return VARS;
    }

    @Override
    public String describe() {
        return "a*exp(-b*x)+c";
    }

    @Override
    public void evaluate(Chunk chunk, double[] theta, EvalLevel level, double[] values, double[][] jacobian) {
        final double a = theta[0];
        final double b = theta[1];
        final double c = theta[2];
        final double[] x = chunk.column(0);
        final int off = chunk.offset();
        final int n = chunk.rows();
        if (!level.needsJacobian()) {
            for (int i = 0; i < n; i++) {
                values[i] = a * Math.exp(-b * x[off + i]) + c;
            }
            return;
        }
        final double[] ja = jacobian[0];
        final double[] jb = jacobian[1];
        final double[] jc = jacobian[2];
        for (int i = 0; i < n; i++) {
            double xi = x[off + i];
            double e = Math.exp(-b * xi);
            values[i] = a * e + c;
            ja[i] = e;
            jb[i] = -a * xi * e;
            jc[i] = 1.0;
        }
    }
}
