package io.streamlsq.problems;

import io.streamlsq.data.Chunk;
import io.streamlsq.model.ArrayMath;
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
        // e = exp(-b x) over the block first (one SIMD pass), into the first output that needs it
        final double[] e = level.needsJacobian() ? jacobian[0] : values;
        for (int i = 0; i < n; i++) {
            e[i] = -b * x[off + i];
        }
        ArrayMath.exp(e, e, n);
        if (!level.needsJacobian()) {
            for (int i = 0; i < n; i++) {
                values[i] = a * e[i] + c;
            }
            return;
        }
        final double[] jb = jacobian[1];
        final double[] jc = jacobian[2];
        for (int i = 0; i < n; i++) {
            double ei = e[i];
            values[i] = a * ei + c;
            jb[i] = -a * x[off + i] * ei;
            jc[i] = 1.0;
        }
    }
}
