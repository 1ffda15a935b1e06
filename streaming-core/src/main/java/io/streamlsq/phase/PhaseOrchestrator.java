package io.streamlsq.phase;

import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.result.PhaseTiming;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointMismatchException;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.resume.CorruptCheckpointException;
import io.streamlsq.resume.FitSnapshot;
import io.streamlsq.resume.ProblemRecord;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Runs a fit through its phases: setup (0) → warmup (1, when enabled) → presolve (4, on samples, when enabled) →
 * Gauss-Newton (2) → finalize (3). Holds no data and no
 * per-fit state between calls; the executor, the clock and the listeners come from the caller.
 *
 * <pre>{@code
 * FitResult r = new PhaseOrchestrator(FitOptions.defaults(), PassExecutor.sequential(), Ticker.system(), List.of())
 *         .fit(problem);
 * // with checkpoints, and after a crash:
 * orchestrator.fit(problem, Checkpointing.to(store, CheckpointPolicy.defaults()));
 * orchestrator.resume(problem, Checkpointing.to(store, CheckpointPolicy.defaults()));
 * }</pre>
 */
public final class PhaseOrchestrator {
    private final FitOptions options;
    private final PassExecutor executor;
    private final Ticker ticker;
    private final Listeners listeners;

    public PhaseOrchestrator(FitOptions options, PassExecutor executor, Ticker ticker, List<FitListener> listeners) {
        this.options = Objects.requireNonNull(options, "options");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.listeners = new Listeners(listeners);
    }

    /**
     * Fits {@code problem}.
     *
     * @return the result; numerical failure and limits are a {@link io.streamlsq.result.Termination}, not
     *     an exception
     * @throws io.streamlsq.data.InvalidDataException for non-finite data, no rows, too few rows
     * @throws IOException if the data cannot be read
     */
    public FitResult fit(FitProblem problem) throws IOException {
        return fit(problem, options, true, true, null, null);
    }

    /**
     * Fits {@code problem}, writing checkpoints to {@code checkpointing.store()} by its policy.
     *
     * @throws io.streamlsq.resume.FitInterruptedException when the stop request turned true (after a checkpoint)
     * @throws IOException if the data cannot be read or a checkpoint cannot be written
     */
    public FitResult fit(FitProblem problem, Checkpointing checkpointing) throws IOException {
        return fit(problem, options, true, true, Objects.requireNonNull(checkpointing, "checkpointing"), null);
    }

    /**
     * Continues the fit of {@code problem} from the newest good checkpoint in {@code checkpointing.store()}
     * and goes on writing checkpoints there. The answer has the same bits as an uninterrupted run with the
     * same options, whatever the thread counts of either run.
     *
     * @throws CheckpointMismatchException if the checkpoint belongs to other parameters, another model or other
     *     data, or holds no fit (a schedule's checkpoint between phases: resume it with {@link PhaseSchedule})
     * @throws CorruptCheckpointException if the store holds no readable checkpoint
     */
    public FitResult resume(FitProblem problem, Checkpointing checkpointing) throws IOException {
        Checkpoint c = checkpointing.store().latest().orElseThrow(() -> new CorruptCheckpointException(
                checkpointing.store().describe() + " holds no checkpoint to resume from"));
        if (c.schedule() != null) {
            throw new CheckpointMismatchException(checkpointing.store().describe()
                    + " holds a schedule's checkpoint: resume it with PhaseSchedule.restore");
        }
        c.problem().requireCompatible(ProblemRecord.of(problem, c.problem().options(), problem.source().fingerprint()),
                checkpointing.store().describe());
        return fit(problem, options, true, true, checkpointing, c.fit());
    }

    /**
     * Setup, then the warmup and/or Gauss-Newton as asked, then finalize (the schedule runs one phase at a
     * time). With {@code from}, the fit continues from that snapshot instead of starting.
     */
    FitResult fit(FitProblem problem, FitOptions opts, boolean warmup, boolean gaussNewton, Checkpointing ck,
            FitSnapshot from) throws IOException {
        ProblemRecord record = ck == null ? null : ProblemRecord.of(problem, ck.options() == null ? opts.toString()
                : ck.options(), problem.source().fingerprint());
        return fit(problem, opts, warmup, gaussNewton, ck, from,
                ck == null ? null : f -> new Checkpoint(record, f, null, ck.attributes()));
    }

    FitResult fit(FitProblem problem, FitOptions opts, boolean warmup, boolean gaussNewton, Checkpointing ck,
            FitSnapshot from, Function<FitSnapshot, Checkpoint> assemble) throws IOException {
        long start = ticker.nanos();
        FitState state = new FitState(problem, opts, start);
        if (ck != null) {
            state.checkpointer = new Checkpointer(ck, ticker, assemble);
        }
        PassRunner passes = new PassRunner(state, executor, listeners);
        boolean global = opts.global() != null;
        if (global) {
            GlobalSearchSpace.of(problem, opts.global()); // a missing bound is refused before any data is read
            state.global = new GlobalState(opts.global().method().name());
        }
        List<Phase> head = new java.util.ArrayList<>(List.of(new SetupPhase(listeners)));
        if (global) {
            head.add(new GlobalPhase(executor, ticker, listeners));
        }
        List<Phase> local = new java.util.ArrayList<>();
        if (warmup) {
            local.add(new WarmupPhase(passes, listeners));
        }
        boolean presolve = gaussNewton && opts.presolve();
        if (presolve) {
            local.add(new PresolvePhase(executor, ticker));
        }
        if (gaussNewton) {
            local.add(new GaussNewtonPhase(passes, listeners, ticker));
        }
        String resumeAt = null;
        if (from != null) {
            resumeAt = from.phase();
            if (!List.of(GlobalPhase.NAME, WarmupPhase.NAME, PresolvePhase.NAME, GaussNewtonPhase.NAME, FinalizePhase.NAME)
                    .contains(resumeAt)
                    || (resumeAt.equals(GlobalPhase.NAME) && !global)
                    || (resumeAt.equals(WarmupPhase.NAME) && !warmup)
                    || (resumeAt.equals(PresolvePhase.NAME) && !presolve)
                    || (resumeAt.equals(GaussNewtonPhase.NAME) && !gaussNewton)) {
                List<String> names = new java.util.ArrayList<>();
                head.forEach(ph -> names.add(ph.name()));
                local.forEach(ph -> names.add(ph.name()));
                throw new CheckpointMismatchException("the checkpoint continues phase '" + resumeAt
                        + "', which this fit does not run (phases: " + names + ")");
            }
            Snapshots.restore(state, from, ticker.nanos());
            if (assemble != null) {
                state.checkpointer.resumedFrom(assemble.apply(from.withPending(null)));
            }
            if (FinalizePhase.NAME.equals(resumeAt) && gaussNewton && !global
                    && state.termination instanceof io.streamlsq.result.Termination.LimitReached
                    && withinBudget(state)) {
                // stopped by a pass or time budget that the resumed run raised: Gauss-Newton goes on from its point
                resumeAt = GaussNewtonPhase.NAME;
                state.termination = null;
            }
        }
        ResumeAt at = new ResumeAt(resumeAt);
        runPhases(head, state, at);
        if (state.termination == null) {
            if (global) {
                new Finalists(this, passes).run(state, local, at);
            } else {
                runPhases(local, state, at);
            }
        }
        if (!FinalizePhase.NAME.equals(resumeAt)) {
            state.phaseStartNanos = ticker.nanos();
            state.phasePasses0 = state.passes;
            state.phaseIterations = 0;
            state.checkpointer.boundary(state, FinalizePhase.NAME, null, true);
        }
        listeners.onPhaseStart(FinalizePhase.NAME);
        boolean stopped = state.termination instanceof io.streamlsq.result.Termination.Stopped;
        if (state.current == null && (stopped || (!gaussNewton && state.termination == null))) {
            // a warmup-only run, or one stopped in the warmup: the covariance needs the sums at its point
            var pass = passes.run(FinalizePhase.NAME, state.theta, io.streamlsq.model.EvalLevel.NORMAL);
            if (pass.isFinite()) {
                state.current = pass.sums();
            }
        }
        if (state.termination == null) {
            state.termination = new io.streamlsq.result.Termination.Stopped("the schedule's phase ended");
        }
        if (state.resumed) {
            passes.verifyEarlierReads();
        }
        FitResult result = new FinalizePhase().finish(state, ticker, state.resumed);
        listeners.onPhaseEnd(result.phases().get(result.phases().size() - 1));
        result.warnings().stream().filter(w -> !state.warnings.contains(w)).forEach(listeners::onWarning);
        return result;
    }

    private boolean withinBudget(FitState s) {
        return s.passes < s.options.maxPasses()
                && (s.options.maxTime() == null || ticker.nanos() - s.startNanos < s.options.maxTime().toNanos());
    }

    /** Which phase a resumed fit continues: the phases before it are skipped once, then all run. */
    static final class ResumeAt {
        private String phase;

        ResumeAt(String phase) {
            this.phase = phase;
        }

        /** Whether {@code name} is skipped; false from the resumed phase on. */
        boolean skip(String name) {
            return phase != null && !phase.equals(name);
        }

        /** Whether {@code name} is the phase being resumed (true once; afterwards nothing is resumed). */
        boolean resumes(String name) {
            if (phase != null && phase.equals(name)) {
                phase = null;
                return true;
            }
            return false;
        }

        /** Whether a phase is still to be found (the run is still skipping). */
        boolean pending() {
            return phase != null;
        }
    }

    /** Runs {@code phases} in order, from the resumed one, until one ends the fit. */
    void runPhases(List<Phase> phases, FitState state, ResumeAt at) throws IOException {
        for (Phase phase : phases) {
            if (at.skip(phase.name())) {
                continue; // finished before the checkpoint
            }
            runPhase(phase, state, at.resumes(phase.name()));
            if (state.termination != null) {
                break;
            }
        }
    }

    private void runPhase(Phase phase, FitState state, boolean resuming) throws IOException {
        if (!resuming) {
            state.phaseStartNanos = ticker.nanos();
            state.phasePasses0 = state.passes;
            state.phaseIterations = 0;
            state.invalidSteps = 0;
            if (!phase.name().equals(SetupPhase.NAME)) {
                state.checkpointer.boundary(state, phase.name(), null, true);
            }
        }
        listeners.onPhaseStart(phase.name());
        int iterations = phase.run(state);
        PhaseTiming timing = new PhaseTiming(phase.name(), (ticker.nanos() - state.phaseStartNanos) * 1e-9, iterations,
                (int) (state.passes - state.phasePasses0));
        state.phases.add(timing);
        listeners.onPhaseEnd(timing);
    }
}
