package io.streamlsq.model;

import io.streamlsq.data.Chunk;
import java.util.List;
import java.util.Objects;

/**
 * Decorates a model that only computes values with a central-difference Jacobian:
 * {@code ∂f/∂θ_k ≈ (f(θ + h_k e_k) − f(θ − h_k e_k)) / (2 h_k)}, {@code h_k = ε^{1/3} · max(|θ_k|, 1)}.
 * Costs two extra model evaluations per parameter at {@link EvalLevel#GRADIENT} and
 * {@link EvalLevel#NORMAL}; at {@link EvalLevel#COST} it costs nothing extra.
 */
public final class NumericJacobianModel implements Model {
    private static final double STEP = Math.cbrt(Math.ulp(1.0));

    private final Model delegate;
    private final ThreadLocal<double[][]> scratch = new ThreadLocal<>();

    /** Wraps {@code delegate}, whose {@code evaluate} is only ever called at {@link EvalLevel#COST}. */
    public NumericJacobianModel(Model delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public List<String> parameterNames() {
        return delegate.parameterNames();
    }

    @Override
    public List<String> variableNames() {
        return delegate.variableNames();
    }

    @Override
    public String describe() {
        return delegate.describe() + " (numeric Jacobian)";
    }

    @Override
    public void evaluate(Chunk chunk, double[] theta, EvalLevel level, double[] values, double[][] jacobian) {
        delegate.evaluate(chunk, theta, EvalLevel.COST, values, null);
        if (!level.needsJacobian()) {
            return;
        }
        int n = chunk.rows();
        double[][] buf = buffers(n, theta.length);
        double[] plus = buf[0];
        double[] minus = buf[1];
        double[] shifted = buf[2];
        System.arraycopy(theta, 0, shifted, 0, theta.length);
        for (int k = 0; k < theta.length; k++) {
            double h = STEP * Math.max(Math.abs(theta[k]), 1.0);
            double up = theta[k] + h;
            double down = theta[k] - h;
            shifted[k] = up;
            delegate.evaluate(chunk, shifted, EvalLevel.COST, plus, null);
            shifted[k] = down;
            delegate.evaluate(chunk, shifted, EvalLevel.COST, minus, null);
            shifted[k] = theta[k];
            double inv = 1.0 / (up - down);
            double[] col = jacobian[k];
            for (int i = 0; i < n; i++) {
                col[i] = (plus[i] - minus[i]) * inv;
            }
        }
    }

    private double[][] buffers(int rows, int p) {
        double[][] buf = scratch.get();
        if (buf == null || buf[0].length < rows || buf[2].length != p) {
            buf = new double[][] {new double[rows], new double[rows], new double[p]};
            scratch.set(buf);
        }
        return buf;
    }
}
