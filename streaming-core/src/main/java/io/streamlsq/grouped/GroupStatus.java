package io.streamlsq.grouped;

import java.util.Locale;

/** How one group's fit ended; {@link #word()} is what the results table says. */
public enum GroupStatus {
    /** A convergence test held. */
    CONVERGED,
    /** The group's evaluation budget ran out first; the best point so far is reported. */
    MAX_EVALUATIONS,
    /** Converged, but JᵀJ is singular at the solution: some standard errors are NaN (the message names them). */
    SINGULAR,
    /** No fit: too few rows, non-finite data or model output; the message says which and where. */
    FAILED;

    /** Lower case, e.g. {@code max_evaluations}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status for {@code word} (as written by {@link #word()}). */
    public static GroupStatus ofWord(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
