package io.streamlsq.spark;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.accumulate.NonFinite;
import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.ContentDigests;
import io.streamlsq.data.DataSource;
import io.streamlsq.model.EvalLevel;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import scala.runtime.AbstractFunction1;

/**
 * What one Spark task does with its chunk ranges: opens the source from its spec, builds its own
 * {@link ChunkEvaluator} from the evaluator spec (the local engine's code), and evaluates each chunk into an empty
 * contribution exactly as a local worker does. Everything here (θ included) travels in the task binary that Spark
 * broadcasts once per stage and deserializes per task, so each task has its own copy. Recomputing a chunk (a retry,
 * a lost executor, a speculative copy) gives the same bits.
 */
final class PassTask extends AbstractFunction1<scala.collection.Iterator<long[]>, ArrayList<ChunkOutcome>>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    private final SourceSpec source;
    private final EvaluatorSpec evaluator;
    private final List<String> columns;
    private final double[] theta;
    private final EvalLevel level;
    private final NormalEquations.Form form;
    private final int dimension;
    /** Chunk of the source read for pass chunk k ({@code chunkMap[k]}), or null when they are the same. */
    private final long[] chunkMap;
    /** Pass chunks whose content digest the driver wants, or null. */
    private final java.util.BitSet digestChunks;

    PassTask(SourceSpec source, EvaluatorSpec evaluator, List<String> columns, double[] theta, EvalLevel level,
            NormalEquations.Form form, int dimension, long[] chunkMap, java.util.BitSet digestChunks) {
        this.source = source;
        this.evaluator = evaluator;
        this.columns = List.copyOf(columns);
        this.theta = theta.clone();
        this.level = level;
        this.form = form;
        this.dimension = dimension;
        this.chunkMap = chunkMap;
        this.digestChunks = digestChunks;
    }

    /** Evaluates the ranges {@code [from, to)} of pass chunks given by the partition's elements, in order. */
    @Override
    public ArrayList<ChunkOutcome> apply(scala.collection.Iterator<long[]> ranges) {
        ArrayList<ChunkOutcome> out = new ArrayList<>();
        ChunkEvaluator eval = evaluator.create();
        NormalEquations slot = NormalEquations.empty(dimension, form);
        // a source per task, so that the skipped-row count read after each chunk is this chunk's alone
        try (DataSource src = source.open(); ChunkCursor cursor = src.open(columns, 0)) {
            while (ranges.hasNext()) {
                long[] r = ranges.next();
                for (long k = r[0]; k < r[1]; k++) {
                    long c = chunkMap == null ? k : chunkMap[(int) k];
                    long skippedBefore = src.skippedRows();
                    cursor.seek(c);
                    Chunk chunk = cursor.next();
                    if (chunk == null) {
                        throw new IOException(source.describe() + " ended before chunk " + c + " on this executor");
                    }
                    long skipped = src.skippedRows() - skippedBefore;
                    slot.reset();
                    NonFinite bad = eval.evaluate(chunk, theta, level, slot);
                    long digest = digestChunks != null && digestChunks.get((int) k) ? ContentDigests.digest(chunk) : 0;
                    out.add(ChunkOutcome.of(k, bad == null ? slot.toArray() : null, bad, digest, skipped));
                    if (bad != null) {
                        return out; // the driver stops at the first non-finite chunk in order: later ones are not used
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(source.describe() + ": " + e.getMessage(), e);
        }
        return out;
    }
}
