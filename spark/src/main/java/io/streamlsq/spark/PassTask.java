package io.streamlsq.spark;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import scala.runtime.AbstractFunction1;

/**
 * One Spark task of a pass over a {@link SourceSpec}: opens the source on the executor, builds its own
 * {@link io.streamlsq.accumulate.ChunkEvaluator} from the driver's spec (the local engine's code) and evaluates the
 * chunks of its ranges, each into an empty contribution, exactly as a local worker does. Recomputing a chunk (a
 * retry, a lost executor, a speculative copy) gives the same bits.
 */
final class PassTask extends AbstractFunction1<scala.collection.Iterator<long[]>, ArrayList<ChunkOutcome>>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    private final SourceSpec source;
    private final PassSpec pass;
    /** Chunk of the source read for pass chunk k ({@code chunkMap[k]}), or null when they are the same. */
    private final long[] chunkMap;

    PassTask(SourceSpec source, PassSpec pass, long[] chunkMap) {
        this.source = source;
        this.pass = pass;
        this.chunkMap = chunkMap;
    }

    /** Evaluates the ranges {@code [from, to)} of pass chunks given by the partition's elements, in order. */
    @Override
    public ArrayList<ChunkOutcome> apply(scala.collection.Iterator<long[]> ranges) {
        ArrayList<ChunkOutcome> out = new ArrayList<>();
        PassSpec.Evaluation eval = pass.start();
        // a source per task, so that the skipped-row count read after each chunk is this chunk's alone
        try (DataSource src = source.open(); ChunkCursor cursor = src.open(pass.columns(), 0)) {
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
                    ChunkOutcome o = eval.evaluate(k, chunk, src.skippedRows() - skippedBefore, 0);
                    out.add(o);
                    if (o.sums() == null) {
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
