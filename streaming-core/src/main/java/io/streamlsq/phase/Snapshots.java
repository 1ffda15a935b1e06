package io.streamlsq.phase;

import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.resume.CheckpointMismatchException;
import io.streamlsq.resume.FitSnapshot;
import io.streamlsq.resume.TerminationRecord;
import io.streamlsq.resume.WarmupSnapshot;
import io.streamlsq.scale.ParameterScaling;
import io.streamlsq.scale.ScalingStrategy;

/** {@link FitState} to {@link FitSnapshot} and back. */
final class Snapshots {
    private Snapshots() {
    }

    static FitSnapshot of(FitState s, String phase, WarmupSnapshot warmup, long now) {
        return new FitSnapshot(phase, s.phases, (now - s.phaseStartNanos) * 1e-9, s.phasePasses0, s.phaseIterations,
                (now - s.startNanos) * 1e-9, s.theta.clone(), s.q == null ? null : s.q.clone(),
                s.scaling.strategy().name(), s.scaling.scales(), s.scaling.offsets(), s.fingerprint,
                s.current == null ? null : s.current.toArray(), s.passes, s.rowsEvaluated,
                s.diag == null ? null : s.diag.clone(), s.radius, s.damping, s.gaussNewtonIterations, s.invalidSteps,
                s.guards, s.warmupOutcome, s.warnings, TerminationRecord.of(s.termination), warmup, null,
                s.digests.toArray(), s.solver.solverName(), s.solverNote, s.presolveStage,
                s.presolveOutcome, s.presolveStart == null ? null : s.presolveStart.clone(),
                s.global == null ? null : s.global.snapshot());
    }

    /**
     * Puts {@code f} into a fresh state.
     *
     * @throws CheckpointMismatchException if a length does not fit the problem
     */
    static void restore(FitState s, FitSnapshot f, long now) {
        int n = s.problem.parameterNames().size();
        int p = s.freeCount();
        length("theta", f.theta(), n);
        length("normalizer_state/scales", f.scales(), n);
        length("normalizer_state/offsets", f.offsets(), n);
        if (f.q() != null) {
            length("normalized_params", f.q(), p);
        }
        if (f.diag() != null) {
            length("lm_state/diag", f.diag(), p);
        }
        s.theta = f.theta().clone();
        s.q = f.q() == null ? null : f.q().clone();
        s.scaling = ParameterScaling.of(ScalingStrategy.valueOf(f.scalingStrategy()), f.scales(), f.offsets());
        s.fingerprint = f.fingerprint();
        s.digests = new io.streamlsq.data.ContentDigests(f.dataDigests());
        try {
            s.solver = NormalEquations.Form.ofSolverName(f.solver());
        } catch (IllegalArgumentException e) {
            throw new CheckpointMismatchException("checkpoint solver: " + e.getMessage());
        }
        s.solverNote = f.solverNote();
        s.presolveStage = f.presolveStage();
        s.presolveOutcome = f.presolveOutcome();
        if (f.presolveStart() != null) {
            length("presolve/start", f.presolveStart(), n);
            s.presolveStart = f.presolveStart().clone();
        }
        if ((f.global() == null) != (s.global == null)) {
            throw new CheckpointMismatchException(f.global() == null ? "the checkpoint holds a fit without a global search,"
                    + " and this fit has one (--global)" : "the checkpoint holds a fit with a global search ("
                    + f.global().method() + "), and this fit has none");
        }
        if (f.global() != null) {
            if (!f.global().method().equals(s.global.method)) {
                throw new CheckpointMismatchException("the checkpoint's global search is '" + f.global().method()
                        + "', this fit's is '" + s.global.method + "'");
            }
            for (double[] t : f.global().finalists()) {
                length("global/finalists", t, n);
            }
            s.global = GlobalState.of(f.global());
        }
        s.current = f.current() == null ? null : sums(p, f.current(), s.solver, "phase2 accumulators");
        s.passes = f.passes();
        s.rowsEvaluated = f.rowsEvaluated();
        s.diag = f.diag() == null ? null : f.diag().clone();
        s.radius = f.radius();
        s.damping = f.damping();
        s.gaussNewtonIterations = f.gaussNewtonIterations();
        s.invalidSteps = f.invalidSteps();
        s.phaseIterations = f.phaseIterations();
        s.phasePasses0 = f.phasePasses0();
        s.phaseStartNanos = now - (long) (f.phaseSeconds() * 1e9);
        s.startNanos = now - (long) (f.elapsedSeconds() * 1e9);
        s.phases.addAll(f.completed());
        s.guards.putAll(f.guards());
        s.warnings.addAll(f.warnings());
        s.warmupOutcome = f.warmupOutcome();
        s.termination = f.termination() == null ? null : f.termination().toTermination();
        s.resumeWarmup = f.warmup();
        if (f.warmup() != null) {
            WarmupSnapshot w = f.warmup();
            length("warmup x", w.xq(), p);
            length("warmup best", w.bestQ(), p);
        }
        s.resumePending = f.pending();
        if (f.pending() != null) {
            length("pass_cursor/theta", f.pending().theta(), n);
            sums(p, f.pending().sums(), s.solver, "pass_cursor partial sums");
        }
        s.resumed = true;
    }

    private static NormalEquations sums(int p, double[] a, NormalEquations.Form form, String what) {
        try {
            return NormalEquations.fromArray(p, a, form);
        } catch (IllegalArgumentException e) {
            throw new CheckpointMismatchException("checkpoint " + what + ": " + e.getMessage());
        }
    }

    private static void length(String what, double[] a, int n) {
        if (a.length != n) {
            throw new CheckpointMismatchException("checkpoint " + what + " has " + a.length + " values but this fit needs " + n);
        }
    }
}
