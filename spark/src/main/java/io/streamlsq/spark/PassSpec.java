package io.streamlsq.spark;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.accumulate.NonFinite;
import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.accumulate.internal.GramKernel;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ContentDigests;
import io.streamlsq.model.EvalLevel;
import java.io.Serializable;
import java.util.BitSet;
import java.util.List;

/**
 * What every task of one pass needs besides its chunks: the evaluator spec, the columns in the evaluator's layout,
 * θ, the level, the form and dimension of the sums, and the pass chunks whose content digest the driver wants. It
 * travels in the task binary, which Spark broadcasts once per stage and deserializes per task.
 */
record PassSpec(EvaluatorSpec evaluator, List<String> columns, double[] theta, EvalLevel level,
        NormalEquations.Form form, int dimension, BitSet digestChunks, String kernel) implements Serializable {

    PassSpec {
        columns = List.copyOf(columns);
        theta = theta.clone();
    }

    /** A pass summed with the driver JVM's Gram kernel. */
    PassSpec(EvaluatorSpec evaluator, List<String> columns, double[] theta, EvalLevel level, NormalEquations.Form form,
            int dimension, BitSet digestChunks) {
        this(evaluator, columns, theta, level, form, dimension, digestChunks, GramKernel.implementation());
    }

    /**
     * A task's evaluator and its one contribution buffer.
     *
     * @throws IllegalStateException if this JVM sums with another Gram kernel than the driver (the Vector API kernel
     *     needs {@code --add-modules=jdk.incubator.vector}): its sums would differ from the local engine's in the last
     *     bits
     */
    Evaluation start() {
        if (!kernel.equals(GramKernel.implementation())) {
            throw new IllegalStateException("this executor sums with the " + GramKernel.implementation()
                    + " Gram kernel, the driver with " + kernel + ": give executors and driver the same JVM options"
                    + " (--add-modules=jdk.incubator.vector in spark.executor.extraJavaOptions and the driver's)");
        }
        return new Evaluation(evaluator.create(), NormalEquations.empty(dimension, form));
    }

    /** Evaluates chunks as a local worker does: each into an emptied contribution. Not thread-safe. */
    final class Evaluation {
        private final ChunkEvaluator eval;
        private final NormalEquations slot;

        Evaluation(ChunkEvaluator eval, NormalEquations slot) {
            this.eval = eval;
            this.slot = slot;
        }

        /** Pass chunk {@code k}, read as {@code chunk}. */
        ChunkOutcome evaluate(long k, Chunk chunk, long skipped, long blockDigest) {
            slot.reset();
            NonFinite bad = eval.evaluate(chunk, theta, level, slot);
            long digest = digestChunks != null && k < Integer.MAX_VALUE && digestChunks.get((int) k)
                    ? ContentDigests.digest(chunk) : 0;
            return ChunkOutcome.of(k, bad == null ? slot.toArray() : null,
                    bad == null ? slot.seriesToArray() : null, bad, digest, skipped, blockDigest);
        }
    }
}
