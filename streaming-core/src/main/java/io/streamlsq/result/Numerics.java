package io.streamlsq.result;

import java.util.Arrays;

/**
 * How far the numbers of a result can be trusted as computed in double precision (not statistically: that is
 * the standard error's job).
 *
 * @param solver {@code normal} (steps and covariance from the normal equations JᵀJ) or {@code qr} (from the
 *     streaming triangular factor R of J)
 * @param note why the solver is what it is when {@code --solver auto} changed it, else null
 * @param kappa condition number of the column-equilibrated J of the free parameters (NaN when unknown)
 * @param reliableValues per parameter (model order): whether its value has at least six correct significant digits
 *     by the rounding-error estimate of docs/accuracy.md; true for fixed parameters
 * @param reliableStderr per parameter: the same for its standard error
 */
public record Numerics(String solver, String note, double kappa, boolean[] reliableValues, boolean[] reliableStderr) {
    /** Relative rounding error up to which a number is called reliable: six significant digits. */
    public static final double RELIABLE_RELATIVE_ERROR = 1e-6;

    public Numerics {
        reliableValues = reliableValues.clone();
        reliableStderr = reliableStderr.clone();
    }

    /** Nothing known: the normal-equation solver, every number reliable (results read from before this field). */
    public static Numerics unknown(int parameters, String solver) {
        boolean[] t = new boolean[parameters];
        Arrays.fill(t, true);
        return new Numerics(solver, null, Double.NaN, t, t);
    }

    /** Whether every number is reliable. */
    public boolean allReliable() {
        for (int i = 0; i < reliableValues.length; i++) {
            if (!reliableValues[i] || !reliableStderr[i]) {
                return false;
            }
        }
        return true;
    }
}
