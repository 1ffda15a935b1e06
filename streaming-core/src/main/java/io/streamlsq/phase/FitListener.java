package io.streamlsq.phase;

import io.streamlsq.model.EvalLevel;
import io.streamlsq.result.PhaseTiming;

/**
 * Observes a fit. Every method has an empty default. Called on the fitting thread, except
 * {@link #onPassProgress}, which is called on whichever thread merged the chunk: keep it short.
 */
public interface FitListener {

    /** What a listener wants after an iteration. */
    enum Decision { CONTINUE, STOP }

    default void onPhaseStart(String phase) {
    }

    default void onPhaseEnd(PhaseTiming timing) {
    }

    /** A pass starts. {@code chunks} and {@code rows} are -1 when unknown. */
    default void onPassStart(String phase, long pass, EvalLevel level, long chunks, long rows) {
    }

    /** Chunks merged so far in this pass. */
    default void onPassProgress(long chunksDone, long rowsDone) {
    }

    default void onPassEnd(String phase, long pass) {
    }

    /** After each trial point; return {@link Decision#STOP} to end the fit cleanly (status "stopped"). */
    default Decision onIteration(IterationSummary summary) {
        return Decision.CONTINUE;
    }

    /**
     * A divergence guard of the warmup acted: {@code guard} is warm_start, step_refinement, step_careful,
     * step_exploration, step_fixed, cost_increase or step_clip; {@code detail} says why.
     */
    /**
     * The global search told a batch of trials: {@code trials} of {@code budget} done, the best sample cost so far
     * (+∞ before a trial finished) and the elapsed seconds of the search (docs/global-search.md).
     */
    default void onGlobalProgress(int trials, int budget, double best, double seconds) {
    }

    default void onGuard(String guard, String detail) {
    }

    /** A warning was recorded. */
    default void onWarning(String message) {
    }
}
