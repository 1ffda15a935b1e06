package io.streamlsq.problems;

import io.streamlsq.data.Chunk;
import io.streamlsq.model.ArrayMath;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import java.util.List;

/**
 * A 2-D Gaussian spot on a constant background, {@code y = A·exp(−((x−x0)² + (w−y0)²) / (2s²)) + c}, parameters
 * (A, x0, y0, s, c), variables x and w; analytic Jacobian.
 */
public final class Gaussian2DModel implements Model {
    private static final List<String> PARAMS = List.of("A", "x0", "y0", "s", "c");
    private static final List<String> VARS = List.of("x", "w");

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
        return "A*exp(-((x-x0)^2+(w-y0)^2)/(2*s^2))+c";
    }

    @Override
    public void evaluate(Chunk chunk, double[] t, EvalLevel level, double[] values, double[][] jac) {
        final double a = t[0], x0 = t[1], y0 = t[2], s = t[3], c = t[4];
        final double h = -0.5 / (s * s);
        final double[] x = chunk.column(0);
        final double[] w = chunk.column(1);
        final int off = chunk.offset();
        final int n = chunk.rows();
        final double[] g = level.needsJacobian() ? jac[0] : values;
        for (int i = 0; i < n; i++) {
            double dx = x[off + i] - x0;
            double dw = w[off + i] - y0;
            g[i] = h * (dx * dx + dw * dw);
        }
        ArrayMath.exp(g, g, n);
        if (!level.needsJacobian()) {
            for (int i = 0; i < n; i++) {
                values[i] = a * g[i] + c;
            }
            return;
        }
        final double is2 = 1.0 / (s * s);
        final double is3 = is2 / s;
        final double[] jx = jac[1], jy = jac[2], js = jac[3], jc = jac[4];
        for (int i = 0; i < n; i++) {
            double dx = x[off + i] - x0;
            double dw = w[off + i] - y0;
            double ag = a * g[i];
            values[i] = ag + c;
            jx[i] = ag * dx * is2;
            jy[i] = ag * dw * is2;
            js[i] = ag * (dx * dx + dw * dw) * is3;
            jc[i] = 1.0;
        }
    }
}
