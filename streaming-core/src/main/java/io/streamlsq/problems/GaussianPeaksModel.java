package io.streamlsq.problems;

import io.streamlsq.data.Chunk;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import java.util.List;

/**
 * Three Gaussians on a linear baseline, 11 parameters:
 * {@code y = Σ_q A_q·exp(−(x − μ_q)² / (2 s_q²)) + c0 + c1·x}, parameters
 * (A1, mu1, s1, A2, mu2, s2, A3, mu3, s3, c0, c1), variable x; analytic Jacobian.
 */
public final class GaussianPeaksModel implements Model {
    private static final List<String> PARAMS =
            List.of("A1", "mu1", "s1", "A2", "mu2", "s2", "A3", "mu3", "s3", "c0", "c1");
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
        return "A1*exp(-(x-mu1)^2/(2*s1^2))+A2*exp(-(x-mu2)^2/(2*s2^2))+A3*exp(-(x-mu3)^2/(2*s3^2))+c0+c1*x";
    }

    @Override
    public void evaluate(Chunk chunk, double[] t, EvalLevel level, double[] values, double[][] jac) {
        final double a1 = t[0], m1 = t[1], is21 = 1.0 / (t[2] * t[2]), is31 = is21 / t[2], h1 = -0.5 * is21;
        final double a2 = t[3], m2 = t[4], is22 = 1.0 / (t[5] * t[5]), is32 = is22 / t[5], h2 = -0.5 * is22;
        final double a3 = t[6], m3 = t[7], is23 = 1.0 / (t[8] * t[8]), is33 = is23 / t[8], h3 = -0.5 * is23;
        final double c0 = t[9], c1 = t[10];
        final double[] x = chunk.column(0);
        final int off = chunk.offset();
        final int n = chunk.rows();
        if (!level.needsJacobian()) {
            for (int i = 0; i < n; i++) {
                double xi = x[off + i];
                double d1 = xi - m1, d2 = xi - m2, d3 = xi - m3;
                values[i] = a1 * Math.exp(h1 * d1 * d1) + a2 * Math.exp(h2 * d2 * d2)
                        + a3 * Math.exp(h3 * d3 * d3) + c0 + c1 * xi;
            }
            return;
        }
        final double[] jA1 = jac[0], jm1 = jac[1], js1 = jac[2];
        final double[] jA2 = jac[3], jm2 = jac[4], js2 = jac[5];
        final double[] jA3 = jac[6], jm3 = jac[7], js3 = jac[8];
        final double[] jc0 = jac[9], jc1 = jac[10];
        for (int i = 0; i < n; i++) {
            double xi = x[off + i];
            double d1 = xi - m1, d2 = xi - m2, d3 = xi - m3;
            double g1 = Math.exp(h1 * d1 * d1), g2 = Math.exp(h2 * d2 * d2), g3 = Math.exp(h3 * d3 * d3);
            double ag1 = a1 * g1, ag2 = a2 * g2, ag3 = a3 * g3;
            values[i] = ag1 + ag2 + ag3 + c0 + c1 * xi;
            jA1[i] = g1;
            jm1[i] = ag1 * d1 * is21;
            js1[i] = ag1 * d1 * d1 * is31;
            jA2[i] = g2;
            jm2[i] = ag2 * d2 * is22;
            js2[i] = ag2 * d2 * d2 * is32;
            jA3[i] = g3;
            jm3[i] = ag3 * d3 * is23;
            js3[i] = ag3 * d3 * d3 * is33;
            jc0[i] = 1.0;
            jc1[i] = xi;
        }
    }
}
