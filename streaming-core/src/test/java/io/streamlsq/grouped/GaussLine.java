package io.streamlsq.grouped;

import io.streamlsq.data.Chunk;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import java.util.List;

/** A spectral line {@code A·exp(−½((x−mu)/w)²)}: sheap's 3-parameter test spectrum. */
class GaussLine implements Model {
    @Override
    public List<String> parameterNames() {
        return List.of("A", "mu", "w");
    }

    @Override
    public List<String> variableNames() {
        return List.of("x");
    }

    @Override
    public void evaluate(Chunk chunk, double[] t, EvalLevel level, double[] values, double[][] jac) {
        double[] x = chunk.column(0);
        int off = chunk.offset();
        for (int i = 0; i < chunk.rows(); i++) {
            double u = (x[off + i] - t[1]) / t[2];
            double e = Math.exp(-0.5 * u * u);
            values[i] = t[0] * e;
            if (level.needsJacobian()) {
                jac[0][i] = e;
                jac[1][i] = t[0] * e * u / t[2];
                jac[2][i] = t[0] * e * u * u / t[2];
            }
        }
    }
}
