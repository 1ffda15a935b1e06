package io.streamlsq.app.plot;

import io.streamlsq.phase.FitListener;
import io.streamlsq.phase.IterationSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the cost of every accepted iteration of a fit, in order, for the cost plot of {@link FitPlots}. A fit
 * resumed from a checkpoint records from the resume on (the checkpoint does not keep the history). Thread-safe: the
 * fit adds on its thread while another (a service's web page) may read {@link #costs()}.
 */
public final class CostHistory implements FitListener {
    private final List<IterationCost> costs = new ArrayList<>();

    @Override
    public Decision onIteration(IterationSummary s) {
        if (s.accepted()) {
            synchronized (costs) {
                costs.add(new IterationCost(s.phase(), s.iteration(), s.cost()));
            }
        }
        return Decision.CONTINUE;
    }

    /** The accepted iterations so far, oldest first (a copy). */
    public List<IterationCost> costs() {
        synchronized (costs) {
            return List.copyOf(costs);
        }
    }
}
