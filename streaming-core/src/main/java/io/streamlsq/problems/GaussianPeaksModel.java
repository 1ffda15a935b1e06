package io.streamlsq.problems;

import io.streamlsq.data.Chunk;
import io.streamlsq.model.ArrayMath;
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
        final double[] x = chunk.column(0);
        final int off = chunk.offset();
        final int n = chunk.rows();
        final double c0 = t[9];
        final double c1 = t[10];
        final double[][] cost = level.needsJacobian() ? null : scratch(n);
        // the three Gaussians' exponentials over the block first (SIMD passes), into the A_q columns
        for (int q = 0; q < 3; q++) {
            final double[] gq = cost == null ? jac[3 * q] : cost[q];
            final double mu = t[3 * q + 1];
            final double h = -0.5 / (t[3 * q + 2] * t[3 * q + 2]);
            for (int i = 0; i < n; i++) {
                double d = x[off + i] - mu;
                gq[i] = h * d * d;
            }
            ArrayMath.exp(gq, gq, n);
        }
        final double a1 = t[0], a2 = t[3], a3 = t[6];
        final double[] g1 = cost == null ? jac[0] : cost[0];
        final double[] g2 = cost == null ? jac[3] : cost[1];
        final double[] g3 = cost == null ? jac[6] : cost[2];
        for (int i = 0; i < n; i++) {
            values[i] = a1 * g1[i] + a2 * g2[i] + a3 * g3[i] + c0 + c1 * x[off + i];
        }
        if (!level.needsJacobian()) {
            return;
        }
        for (int q = 0; q < 3; q++) {
            final double a = t[3 * q];
            final double mu = t[3 * q + 1];
            final double is2 = 1.0 / (t[3 * q + 2] * t[3 * q + 2]);
            final double is3 = is2 / t[3 * q + 2];
            final double[] gq = jac[3 * q];
            final double[] jm = jac[3 * q + 1];
            final double[] js = jac[3 * q + 2];
            for (int i = 0; i < n; i++) {
                double d = x[off + i] - mu;
                double ag = a * gq[i];
                jm[i] = ag * d * is2;
                js[i] = ag * d * d * is3;
            }
        }
        final double[] jc0 = jac[9];
        final double[] jc1 = jac[10];
        for (int i = 0; i < n; i++) {
            jc0[i] = 1.0;
            jc1[i] = x[off + i];
        }
    }

    private final ThreadLocal<double[][]> scratch = new ThreadLocal<>();

    /** Buffers for the exponentials at COST level, where there is no Jacobian to hold them. */
    private double[][] scratch(int n) {
        double[][] s = scratch.get();
        if (s == null || s[0].length < n) {
            s = new double[3][n];
            scratch.set(s);
        }
        return s;
    }
}
