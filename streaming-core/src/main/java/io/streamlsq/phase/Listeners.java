package io.streamlsq.phase;

import io.streamlsq.model.EvalLevel;
import io.streamlsq.result.PhaseTiming;
import java.util.List;

/** Fans events out to several listeners; STOP from any of them wins. */
final class Listeners implements FitListener {
    private final List<FitListener> all;

    Listeners(List<FitListener> all) {
        this.all = List.copyOf(all);
    }

    @Override
    public void onPhaseStart(String phase) {
        all.forEach(l -> l.onPhaseStart(phase));
    }

    @Override
    public void onGlobalProgress(int trials, int budget, double best, double seconds) {
        all.forEach(l -> l.onGlobalProgress(trials, budget, best, seconds));
    }

    @Override
    public void onPhaseEnd(PhaseTiming timing) {
        all.forEach(l -> l.onPhaseEnd(timing));
    }

    @Override
    public void onPassStart(String phase, long pass, EvalLevel level, long chunks, long rows) {
        all.forEach(l -> l.onPassStart(phase, pass, level, chunks, rows));
    }

    @Override
    public void onPassProgress(long chunksDone, long rowsDone) {
        for (FitListener l : all) {
            l.onPassProgress(chunksDone, rowsDone);
        }
    }

    @Override
    public void onPassEnd(String phase, long pass) {
        all.forEach(l -> l.onPassEnd(phase, pass));
    }

    @Override
    public Decision onIteration(IterationSummary summary) {
        Decision d = Decision.CONTINUE;
        for (FitListener l : all) {
            if (l.onIteration(summary) == Decision.STOP) {
                d = Decision.STOP;
            }
        }
        return d;
    }

    @Override
    public void onGuard(String guard, String detail) {
        all.forEach(l -> l.onGuard(guard, detail));
    }

    @Override
    public void onWarning(String message) {
        all.forEach(l -> l.onWarning(message));
    }
}
