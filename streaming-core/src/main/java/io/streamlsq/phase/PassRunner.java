package io.streamlsq.phase;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.exec.PassRequest;
import io.streamlsq.exec.PassResult;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.problem.FitProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs full passes for the phases: one evaluator per worker (made once per fit), counts passes and row
 * evaluations, tells listeners, and turns bad data into an {@link InvalidDataException}.
 */
final class PassRunner {
    private final FitState state;
    private final PassExecutor executor;
    private final Listeners listeners;
    private final List<ChunkEvaluator> evaluators = new ArrayList<>();
    private final List<String> columns;

    PassRunner(FitState state, PassExecutor executor, Listeners listeners) {
        this.state = state;
        this.executor = executor;
        this.listeners = listeners;
        FitProblem problem = state.problem;
        this.columns = problem.columns();
        for (int w = 0; w < executor.workers(); w++) {
            evaluators.add(new ChunkEvaluator(problem.model(), state.free, columns, problem.isWeighted(),
                    problem.loss(), state.options.blockRows()));
        }
    }

    /**
     * One pass over a sample (the warmup's): counts row evaluations, not full passes, and tells no listener.
     */
    PassResult runSample(DataSource sample, double[] theta, EvalLevel level) throws IOException {
        PassResult result = executor.run(PassRequest.full(sample, columns, evaluators, theta, level, null));
        state.rowsEvaluated += result.sums().rows();
        if (result.nonFinite() != null && result.nonFinite().isDataProblem()) {
            throw new InvalidDataException(state.problem.source().describe() + ": " + result.nonFinite().describe(),
                    result.nonFinite().row(), result.nonFinite().name());
        }
        return result;
    }

    /**
     * One full pass at θ.
     *
     * @throws InvalidDataException if a data value (not the model) is not finite
     */
    PassResult run(String phase, double[] theta, EvalLevel level) throws IOException {
        DataSource source = state.problem.source();
        long pass = state.passes + 1;
        listeners.onPassStart(phase, pass, level, source.chunkCount(), source.rowCount());
        PassResult result = executor.run(PassRequest.full(source, columns, evaluators, theta, level,
                (next, rows, partial) -> listeners.onPassProgress(next, rows)));
        state.passes++;
        state.rowsEvaluated += result.sums().rows();
        listeners.onPassEnd(phase, pass);
        if (result.nonFinite() != null && result.nonFinite().isDataProblem()) {
            throw new InvalidDataException(source.describe() + ": " + result.nonFinite().describe(),
                    result.nonFinite().row(), result.nonFinite().name());
        }
        if (result.isFinite()) {
            long rows = result.sums().rows();
            if (rows == 0) {
                throw new InvalidDataException(source.describe() + " has no rows");
            }
            if (rows < state.freeCount()) {
                throw new InvalidDataException(source.describe() + " has " + rows + " rows but "
                        + state.freeCount() + " free parameters; a fit needs at least as many rows as free parameters");
            }
        }
        return result;
    }
}
