package io.streamlsq.phase;

import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.PhaseTiming;
import io.streamlsq.result.Termination;
import io.streamlsq.scale.ParameterScaling;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a fit knows between passes: the point, the sums at that point, the step state and the
 * counters. Phases read and update it; a checkpoint is a snapshot of it. Mutable, single-threaded.
 */
final class FitState {
    final FitProblem problem;
    final FitOptions options;
    final int[] free;
    final double[] lower;
    final double[] upper;
    long startNanos;

    double[] theta;
    ParameterScaling scaling;
    String fingerprint;
    /** What the full passes have read, chunk by chunk (checked again after a resume). */
    io.streamlsq.data.ContentDigests digests = new io.streamlsq.data.ContentDigests();
    /** Sums at {@link #theta} at NORMAL level over the free parameters, or null before the first pass. */
    NormalEquations current;
    /** The form of the Gauss-Newton passes' sums: GRAM until the solver is QR or AUTO switches to QR (then for good). */
    NormalEquations.Form solver;
    /** Condition number of the column-equilibrated J at the last system the Gauss-Newton phase looked at (NaN before). */
    double conditionEstimate = Double.NaN;
    /** Why the solver is what it is, when AUTO changed it (for the report), else null. */
    String solverNote;
    /** The presolve stage to run next (the number of stages once it is done), and what it did. */
    int presolveStage;
    String presolveOutcome = "not run";
    /** θ when the presolve began (null before): its result must beat this point on the last sample. */
    double[] presolveStart;

    /** The global search (null when the fit has none). */
    GlobalState global;

    long passes;
    long rowsEvaluated;
    final List<String> warnings = new ArrayList<>();
    final List<PhaseTiming> phases = new ArrayList<>();
    Termination termination;

    /** Levenberg-Marquardt state: column scaling D (q-space), trust radius Δ, last damping μ. */
    double[] diag;
    double radius = Double.NaN;
    double damping;
    int gaussNewtonIterations;

    /** Internal coordinates of the free parameters Gauss-Newton steps from (exact across a resume), or null. */
    double[] q;
    /** The running phase: when it started, the pass counter then, its iterations and consecutive invalid trials. */
    long phaseStartNanos;
    long phasePasses0;
    int phaseIterations;
    int invalidSteps;

    /** Checkpoints (a no-op unless the caller asked for them) and what a resume hands to the phases. */
    Checkpointer checkpointer = Checkpointer.NONE;
    io.streamlsq.resume.WarmupSnapshot resumeWarmup;
    io.streamlsq.resume.PendingPass resumePending;
    boolean resumed;

    /** Times each warmup guard acted, by name; why the warmup ended. */
    final java.util.Map<String, Long> guards = new java.util.LinkedHashMap<>();
    String warmupOutcome = "not run";

    FitState(FitProblem problem, FitOptions options, long startNanos) {
        this.problem = problem;
        this.options = options;
        this.free = problem.freeIndices();
        this.lower = problem.lower();
        this.upper = problem.upper();
        this.theta = problem.initial();
        this.startNanos = startNanos;
        this.solver = options.solver() == io.streamlsq.options.Solver.QR ? NormalEquations.Form.QR
                : NormalEquations.Form.GRAM;
    }

    int freeCount() {
        return free.length;
    }
}
