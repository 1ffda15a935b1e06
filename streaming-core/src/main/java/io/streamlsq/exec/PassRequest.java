package io.streamlsq.exec;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.data.DataSource;
import io.streamlsq.model.EvalLevel;
import java.util.List;
import java.util.Objects;

/**
 * One pass over a source at θ.
 *
 * @param source the data
 * @param columns columns to read, in the layout {@link ChunkEvaluator} expects
 * @param evaluators one evaluator per worker; worker w uses {@code evaluators.get(w)}
 * @param theta parameters (user units). Not modified.
 * @param level what to accumulate
 * @param firstChunk chunk to start at (0 for a full pass; later when resuming a pass)
 * @param initial sums of the chunks before {@code firstChunk} (empty for a full pass). Not modified.
 * @param observer told of every merged chunk
 */
public record PassRequest(DataSource source, List<String> columns, List<ChunkEvaluator> evaluators, double[] theta,
        EvalLevel level, long firstChunk, NormalEquations initial, PassObserver observer) {

    public PassRequest {
        Objects.requireNonNull(source, "source");
        columns = List.copyOf(columns);
        evaluators = List.copyOf(evaluators);
        if (evaluators.isEmpty()) {
            throw new IllegalArgumentException("a pass needs at least one evaluator");
        }
        theta = theta.clone();
        Objects.requireNonNull(level, "level");
        if (firstChunk < 0) {
            throw new IllegalArgumentException("firstChunk = " + firstChunk + " must be >= 0");
        }
        Objects.requireNonNull(initial, "initial");
        observer = observer == null ? PassObserver.NONE : observer;
    }

    /** A full pass from chunk 0. */
    public static PassRequest full(DataSource source, List<String> columns, List<ChunkEvaluator> evaluators,
            double[] theta, EvalLevel level, PassObserver observer) {
        return new PassRequest(source, columns, evaluators, theta, level, 0,
                NormalEquations.empty(evaluators.get(0).dimension()), observer);
    }
}
