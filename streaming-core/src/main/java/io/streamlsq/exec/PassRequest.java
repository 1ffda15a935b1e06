package io.streamlsq.exec;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ContentDigests;
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
 * @param digests checks every chunk read against what was read before ({@link ContentDigests#check}), or null
 *     (a sample pass, whose chunk indices are not the source's)
 */
public record PassRequest(DataSource source, List<String> columns, List<ChunkEvaluator> evaluators, double[] theta,
        EvalLevel level, long firstChunk, NormalEquations initial, PassObserver observer, ContentDigests digests) {

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

    /** A pass without content digests. */
    public PassRequest(DataSource source, List<String> columns, List<ChunkEvaluator> evaluators, double[] theta,
            EvalLevel level, long firstChunk, NormalEquations initial, PassObserver observer) {
        this(source, columns, evaluators, theta, level, firstChunk, initial, observer, null);
    }

    /** This request with {@code d} checking the chunks it reads. */
    public PassRequest withDigests(ContentDigests d) {
        return new PassRequest(source, columns, evaluators, theta, level, firstChunk, initial, observer, d);
    }

    /** Checks {@code chunk} against the digests, if this request has them. */
    void checkContent(Chunk chunk) {
        if (digests != null) {
            digests.check(source, chunk);
        }
    }

    /** A full pass from chunk 0 summing the Gram form. */
    public static PassRequest full(DataSource source, List<String> columns, List<ChunkEvaluator> evaluators,
            double[] theta, EvalLevel level, PassObserver observer) {
        return full(source, columns, evaluators, theta, level, NormalEquations.Form.GRAM, observer);
    }

    /** A full pass from chunk 0 summing the given form (QR only at NORMAL level). */
    public static PassRequest full(DataSource source, List<String> columns, List<ChunkEvaluator> evaluators,
            double[] theta, EvalLevel level, NormalEquations.Form form, PassObserver observer) {
        return new PassRequest(source, columns, evaluators, theta, level, 0,
                NormalEquations.empty(evaluators.get(0).dimension(), form), observer);
    }
}
