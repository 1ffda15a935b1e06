package io.streamlsq.exec;

import io.streamlsq.accumulate.NormalEquations;

/**
 * Told, in chunk order, each time a chunk's contribution has been merged. Called on whichever thread did
 * the merge, while the pass waits: keep it short. {@code partial} is the running total (read only, valid
 * during the call).
 */
@FunctionalInterface
public interface PassObserver {
    PassObserver NONE = (nextChunk, rowsDone, partial) -> { };

    /**
     * @param nextChunk index of the next chunk to merge (all chunks before it are in {@code partial})
     * @param rowsDone rows merged so far in this pass, including those of {@code PassRequest.initial}
     */
    void onChunkMerged(long nextChunk, long rowsDone, NormalEquations partial);
}
