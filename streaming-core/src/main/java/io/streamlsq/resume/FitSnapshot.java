package io.streamlsq.resume;

import io.streamlsq.result.PhaseTiming;
import java.util.List;
import java.util.Map;

/**
 * A fit at a resume point: the phase about to continue and everything it needs to continue with the same
 * bits. Resume points are the start of each phase after setup, the start of each warmup iteration and
 * each Levenberg-Marquardt trial; {@link #pending} adds the pass running at the time of writing.
 *
 * @param phase {@code warmup}, {@code gauss_newton} or {@code finalize}
 * @param completed timings of the phases finished before this one
 * @param phaseSeconds time already spent in {@code phase}
 * @param phasePasses0 the pass counter when {@code phase} started
 * @param phaseIterations iterations of {@code phase} so far
 * @param elapsedSeconds time since the fit started
 * @param theta parameters, user units
 * @param q internal coordinates of the free parameters the Gauss-Newton phase steps from, or null
 * @param current {@code NormalEquations.toArray()} at θ, or null
 * @param radius trust radius Δ (NaN before the first Gauss-Newton iteration)
 * @param damping Levenberg-Marquardt μ of the last step
 * @param termination why the fit ended, once it has (at {@code finalize}), else null
 * @param warmup the warmup's state when {@code phase} is {@code warmup} and an iteration has begun, else null
 * @param pending the pass in progress, or null
 * @param dataDigests {@link io.streamlsq.data.ContentDigests} of the chunks read so far (0 for a chunk not read;
 *     may be shorter than the chunk count)
 * @param solver {@code normal} or {@code qr}: the form of {@code current} and of a pending NORMAL pass's partial sums
 *     ({@link io.streamlsq.accumulate.NormalEquations.Form#solverName()}); null is read as {@code normal}
 * @param solverNote why the solver changed (AUTO), or null
 * @param presolveStage the presolve stage to run next (at phase {@code presolve}); its count once done
 * @param presolveOutcome what the presolve did, for the report
 * @param presolveStart θ when the presolve began, or null
 * @param global the global search's state, or null when the fit has none
 */
public record FitSnapshot(String phase, List<PhaseTiming> completed, double phaseSeconds, long phasePasses0,
        int phaseIterations, double elapsedSeconds, double[] theta, double[] q, String scalingStrategy,
        double[] scales, double[] offsets, String fingerprint, double[] current, long passes, long rowsEvaluated,
        double[] diag, double radius, double damping, int gaussNewtonIterations, int invalidSteps,
        Map<String, Long> guards, String warmupOutcome, List<String> warnings, TerminationRecord termination,
        WarmupSnapshot warmup, PendingPass pending, long[] dataDigests, String solver, String solverNote, int presolveStage,
        String presolveOutcome, double[] presolveStart, GlobalSnapshot global) {

    public FitSnapshot {
        dataDigests = dataDigests == null ? new long[0] : dataDigests;
        solver = solver == null ? "normal" : solver;
        presolveOutcome = presolveOutcome == null ? "not run" : presolveOutcome;
        completed = List.copyOf(completed);
        guards = Map.copyOf(guards);
        warnings = List.copyOf(warnings);
    }

    /** This snapshot with other data digests. */
    public FitSnapshot withDataDigests(long[] d) {
        return new FitSnapshot(phase, completed, phaseSeconds, phasePasses0, phaseIterations, elapsedSeconds, theta, q,
                scalingStrategy, scales, offsets, fingerprint, current, passes, rowsEvaluated, diag, radius, damping,
                gaussNewtonIterations, invalidSteps, guards, warmupOutcome, warnings, termination, warmup, pending, d, solver, solverNote, presolveStage, presolveOutcome, presolveStart, global);
    }

    /** This snapshot with a pass in progress. */
    public FitSnapshot withPending(PendingPass p) {
        return new FitSnapshot(phase, completed, phaseSeconds, phasePasses0, phaseIterations, elapsedSeconds, theta, q,
                scalingStrategy, scales, offsets, fingerprint, current, passes, rowsEvaluated, diag, radius, damping,
                gaussNewtonIterations, invalidSteps, guards, warmupOutcome, warnings, termination, warmup, p, dataDigests, solver, solverNote, presolveStage, presolveOutcome, presolveStart, global);
    }
}
