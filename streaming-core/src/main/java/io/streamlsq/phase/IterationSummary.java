package io.streamlsq.phase;

/**
 * One iteration (one trial point) of a phase, as listeners see it.
 *
 * @param phase phase name
 * @param iteration accepted iterations so far in the phase
 * @param passes full passes so far in the fit
 * @param cost cost at the current (accepted) point
 * @param trialCost cost at the trial point (NaN when not finite)
 * @param ratio actual / predicted reduction
 * @param accepted whether the trial point became the current point
 * @param trustRadius trust region radius Δ after the update (scaled units)
 * @param damping Levenberg-Marquardt μ used for the step
 * @param gradientCosine the gtol measure at the current point
 * @param stepNorm {@code ‖Dδ‖} of the trial step
 */
public record IterationSummary(String phase, int iteration, long passes, double cost, double trialCost,
        double ratio, boolean accepted, double trustRadius, double damping, double gradientCosine,
        double stepNorm) {
}
