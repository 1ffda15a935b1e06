package io.streamlsq.result;

import java.util.List;

/**
 * The outcome of a fit, in user units.
 *
 * @param parameterNames names in model order
 * @param initial starting values
 * @param values fitted values
 * @param stderr standard errors ({@code √diag(covariance)}); 0 for fixed parameters, NaN where the
 *     covariance could not be estimated
 * @param fixed which parameters were held
 * @param covariance p×p covariance of all parameters (rows and columns of fixed ones are 0); scipy's
 *     {@code absolute_sigma} semantics
 * @param correlation p×p correlation matrix (1 on the diagonal of free parameters)
 * @param termination why the fit ended
 * @param cost {@code ½ Σ w ρ(r²)} at {@code values}
 * @param ssr {@code Σ w r²} at {@code values}
 * @param rows rows used
 * @param dof rows − free parameters
 * @param reducedChi2 ssr / dof
 * @param passes full passes over the data
 * @param rowsEvaluated every row evaluation, including samples and trial points
 * @param iterations per phase
 * @param phases time and work per phase, in order
 * @param seconds total wall time
 * @param conditionNumber 2-norm condition number of the column-equilibrated JᵀJ of the free parameters
 * @param warnings things the user should know (unreliable covariance, Jacobian check, …)
 * @param resumed whether the fit continued from a checkpoint
 * @param guardTriggers times each warmup guard acted, by name (empty when the warmup did not run)
 * @param warmupOutcome why the warmup ended (plateau, gradient, max_iterations, warm start, cost increase, …)
 * @param numerics the solver path and which numbers rounding leaves trustworthy
 * @param presolveOutcome what the presolve on samples did ({@code not run}, the stages, or why it stopped)
 */
public record FitResult(List<String> parameterNames, double[] initial, double[] values, double[] stderr,
        boolean[] fixed, double[][] covariance, double[][] correlation, Termination termination, double cost,
        double ssr, long rows, long dof, double reducedChi2, long passes, long rowsEvaluated,
        List<PhaseTiming> phases, double seconds, double conditionNumber, List<String> warnings,
        boolean resumed, java.util.Map<String, Long> guardTriggers, String warmupOutcome, Numerics numerics,
        String presolveOutcome, GlobalSummary global) {

    public FitResult {
        guardTriggers = java.util.Map.copyOf(guardTriggers);
        parameterNames = List.copyOf(parameterNames);
        phases = List.copyOf(phases);
        warnings = List.copyOf(warnings);
        numerics = numerics == null ? Numerics.unknown(parameterNames.size(), "normal") : numerics;
        presolveOutcome = presolveOutcome == null ? "not run" : presolveOutcome;
    }

    /** Value of the named parameter. */
    public double value(String name) {
        return values[indexOf(name)];
    }

    /** Standard error of the named parameter. */
    public double stderr(String name) {
        return stderr[indexOf(name)];
    }

    private int indexOf(String name) {
        int i = parameterNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no parameter '" + name + "'; parameters: " + String.join(", ", parameterNames));
        }
        return i;
    }

    /** Iterations of the named phase (0 when it did not run). */
    public int iterations(String phase) {
        return phases.stream().filter(p -> p.name().equals(phase)).mapToInt(PhaseTiming::iterations).sum();
    }

    /** One line: status, reason, cost, passes, time. */
    public String briefReport() {
        return Reports.brief(this);
    }

    /** lmfit-like report: fit statistics, variables with errors, correlations above 0.1, warnings. */
    public String fullReport() {
        return Reports.full(this);
    }

    /** This result, marked as continued (or not) from a checkpoint. */
    public FitResult withResumed(boolean r) {
        return new FitResult(parameterNames, initial, values, stderr, fixed, covariance, correlation, termination, cost, ssr,
                rows, dof, reducedChi2, passes, rowsEvaluated, phases, seconds, conditionNumber, warnings, r,
                guardTriggers, warmupOutcome, numerics, presolveOutcome, global);
    }
}
