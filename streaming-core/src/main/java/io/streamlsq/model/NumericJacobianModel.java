package io.streamlsq.model;

import io.streamlsq.data.Chunk;
import java.util.List;
import java.util.Objects;

/**
 * Decorates a model that only computes values with a central-difference Jacobian:
 * {@code ∂f/∂θ_k ≈ (f(θ + h_k e_k) − f(θ − h_k e_k)) / (2 h_k)}, {@code h_k = ε^{1/3} · max(|θ_k|, 1)}.
 * Costs two extra model evaluations per parameter at {@link EvalLevel#GRADIENT} and
 * {@link EvalLevel#NORMAL}; at {@link EvalLevel#COST} it costs nothing extra.
 *
 * <p>With bounds ({@link #withBounds}; {@code FitProblem} binds its parameters' bounds when it is built) the
 * steps stay inside the box, as the fit's own points do: a step that would cross a bound ends on it, so on a
 * bound the difference is one-sided, {@code (f(θ + h e_k) − f(θ)) / h}, and costs one evaluation instead of
 * two. A model undefined beyond a bound (√b for b &ge; 0) is then never evaluated there.
 */
public final class NumericJacobianModel implements Model {
    private static final double STEP = Math.cbrt(Math.ulp(1.0));

    private final Model delegate;
    private final double[] lower;
    private final double[] upper;
    private final ThreadLocal<double[][]> scratch = new ThreadLocal<>();

    /**
     * Wraps {@code delegate}, whose {@code evaluate} is only ever called at {@link EvalLevel#COST}; no bounds
     * until {@link #withBounds}.
     */
    public NumericJacobianModel(Model delegate) {
        this(delegate, null, null);
    }

    private NumericJacobianModel(Model delegate, double[] lower, double[] upper) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.lower = lower;
        this.upper = upper;
    }

    /**
     * The same wrapper with its steps held inside {@code [lower, upper]}, in parameter order, ±∞ for none
     * (replacing any bounds this one has). Not modified.
     *
     * @throws IllegalArgumentException when a length is not the parameter count or a lower bound is not
     *     below its upper bound
     */
    public NumericJacobianModel withBounds(double[] lower, double[] upper) {
        int p = parameterNames().size();
        if (lower.length != p || upper.length != p) {
            throw new IllegalArgumentException("bounds for " + lower.length + " and " + upper.length
                    + " parameters; the model has " + p);
        }
        for (int k = 0; k < p; k++) {
            if (!(lower[k] < upper[k])) {
                throw new IllegalArgumentException("bounds of " + parameterNames().get(k) + " = [" + lower[k] + ", "
                        + upper[k] + "]; the lower bound must be < the upper bound");
            }
        }
        return new NumericJacobianModel(delegate, lower.clone(), upper.clone());
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
            if (upper != null && up > upper[k]) {
                up = Math.max(upper[k], theta[k]); // θ beyond a bound is the caller's point: never step back past it
            }
            if (lower != null && down < lower[k]) {
                down = Math.min(lower[k], theta[k]);
            }
            double[] fUp = valuesAt(chunk, shifted, k, up, theta[k], values, plus);
            double[] fDown = valuesAt(chunk, shifted, k, down, theta[k], values, minus);
            double inv = 1.0 / (up - down);
            double[] col = jacobian[k];
            for (int i = 0; i < n; i++) {
                col[i] = (fUp[i] - fDown[i]) * inv;
            }
        }
    }

    /** f with θ_k moved to {@code at}: the values already computed when it did not move, else into {@code out}. */
    private double[] valuesAt(Chunk chunk, double[] shifted, int k, double at, double theta, double[] values,
            double[] out) {
        if (at == theta) {
            return values;
        }
        shifted[k] = at;
        delegate.evaluate(chunk, shifted, EvalLevel.COST, out, null);
        shifted[k] = theta;
        return out;
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
