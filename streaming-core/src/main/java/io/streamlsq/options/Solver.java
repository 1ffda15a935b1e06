package io.streamlsq.options;

/**
 * How the Gauss-Newton phase solves its steps and the finalize phase its covariance.
 */
public enum Solver {
    /**
     * The normal equations while they keep the digits, QR from the first pass whose condition estimate says they
     * do not (κ² ε above {@link #NORMAL_PRECISION_LIMIT}, κ the condition number of the column-equilibrated J);
     * the switch re-runs that one pass and is reported.
     */
    AUTO,
    /** Always the normal equations {@code JᵀJ}: the fastest pass; loses 2·log10 κ digits. */
    NORMAL,
    /** Always the streaming QR factor of {@code [J r]}: about twice the arithmetic per row; loses log10 κ digits. */
    QR;

    /**
     * The relative error {@code κ²·ε} of a normal-equations solve above which AUTO changes to QR: 1e-8, i.e. the
     * normal equations must keep eight significant digits of the step and the covariance (κ up to about 6.7e3).
     */
    public static final double NORMAL_PRECISION_LIMIT = 1e-8;
}
