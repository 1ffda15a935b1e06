package io.streamlsq.accumulate;

import io.streamlsq.model.Model;

/**
 * Residual rows that come from θ alone, not from the data: penalties such as a Gaussian prior
 * {@code (b − 1.3)/0.1}. A {@link Model} that also implements this interface has these rows added once to the sums
 * of every pass (after its chunks; warmup, presolve and Gauss-Newton passes alike, full or sampled), with the linear
 * loss and weight 1 whatever the problem's loss and sigma: the sums become those of the data with these rows
 * appended (JᵀJ, Jᵀr, Σr², the cost ½Σr², the row count; on QR sums the rows are absorbed into R).
 */
public interface ExtraRows {
    /** Number of rows, fixed for the model. */
    int extraRowCount();

    /**
     * Writes the rows at {@code theta}: {@code residuals[i]} and {@code jacobian[k][i]}, the derivative of row i with
     * respect to parameter k, for every parameter of the model (columns by parameter, as {@link Model#evaluate}).
     * {@code theta} is not modified; the outputs are filled entirely (NaN where not defined).
     */
    void evaluateExtraRows(double[] theta, double[] residuals, double[][] jacobian);

    /**
     * Adds {@code model}'s extra rows at {@code theta} to {@code sums} (the free parameters {@code active}, increasing,
     * as the pass's evaluators sum them); nothing when the model has none.
     *
     * @return {@code null}, or the first row that is not finite (row = its index, after the data's {@code dataRows});
     *     then {@code sums} is left without the rows
     */
    static NonFinite addTo(Model model, double[] theta, int[] active, long dataRows, NormalEquations sums) {
        if (!(model instanceof ExtraRows extra) || extra.extraRowCount() == 0) {
            return null;
        }
        int n = extra.extraRowCount();
        double[] r = new double[n];
        double[][] all = new double[model.parameterNames().size()][n];
        extra.evaluateExtraRows(theta, r, all);
        double[][] jac = new double[active.length][];
        for (int k = 0; k < active.length; k++) {
            jac[k] = all[active[k]];
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(r[i])) {
                return new NonFinite(dataRows + i, NonFinite.Kind.VALUE, "penalty " + (i + 1), r[i]);
            }
            for (int k = 0; k < active.length; k++) {
                if (!Double.isFinite(jac[k][i])) {
                    return new NonFinite(dataRows + i, NonFinite.Kind.DERIVATIVE, model.parameterNames().get(active[k]),
                            jac[k][i]);
                }
            }
        }
        sums.add(jac, r, n, n);
        return null;
    }
}
