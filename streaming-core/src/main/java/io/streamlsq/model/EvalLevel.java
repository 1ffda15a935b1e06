package io.streamlsq.model;

/**
 * What a pass asks for. One evaluation path serves all three; a model computes its Jacobian only when
 * {@link #needsJacobian()}.
 */
public enum EvalLevel {
    /** Residuals and cost only: trial points, line searches. */
    COST,
    /** Cost and Jᵀr: first-order methods (L-BFGS). */
    GRADIENT,
    /** Cost, Jᵀr and JᵀJ: Gauss-Newton / Levenberg-Marquardt. */
    NORMAL;

    /** Whether the model must fill the Jacobian at this level. */
    public boolean needsJacobian() {
        return this != COST;
    }
}
