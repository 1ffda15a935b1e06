package io.streamlsq.phase;

import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.result.PhaseTiming;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Runs a fit through its phases: setup (0) → warmup (1, when enabled) → Gauss-Newton (2) → finalize (3). Holds no data and no
 * per-fit state between calls; the executor, the clock and the listeners come from the caller.
 *
 * <pre>{@code
 * FitResult r = new PhaseOrchestrator(FitOptions.defaults(), PassExecutor.sequential(), Ticker.system(), List.of())
 *         .fit(problem);
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
        return fit(problem, options, true, true);
    }

    /** Setup, then the warmup and/or Gauss-Newton as asked, then finalize (the schedule runs one phase at a time). */
    FitResult fit(FitProblem problem, FitOptions opts, boolean warmup, boolean gaussNewton) throws IOException {
        long start = ticker.nanos();
        FitState state = new FitState(problem, opts, start);
        PassRunner passes = new PassRunner(state, executor, listeners);
        List<Phase> phases = new java.util.ArrayList<>(List.of(new SetupPhase(listeners)));
        if (warmup) {
            phases.add(new WarmupPhase(passes, listeners));
        }
        if (gaussNewton) {
            phases.add(new GaussNewtonPhase(passes, listeners, ticker));
        }
        for (Phase phase : phases) {
            runPhase(phase, state);
            if (state.termination != null) {
                break;
            }
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
        FitResult result = new FinalizePhase().finish(state, ticker, false);
        listeners.onPhaseEnd(result.phases().get(result.phases().size() - 1));
        result.warnings().stream().filter(w -> !state.warnings.contains(w)).forEach(listeners::onWarning);
        return result;
    }

    private void runPhase(Phase phase, FitState state) throws IOException {
        long t0 = ticker.nanos();
        long passes0 = state.passes;
        listeners.onPhaseStart(phase.name());
        int iterations = phase.run(state);
        PhaseTiming timing = new PhaseTiming(phase.name(), (ticker.nanos() - t0) * 1e-9, iterations,
                (int) (state.passes - passes0));
        state.phases.add(timing);
        listeners.onPhaseEnd(timing);
    }

}
