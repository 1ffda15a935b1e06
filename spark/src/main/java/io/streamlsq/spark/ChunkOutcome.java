package io.streamlsq.spark;

import io.streamlsq.accumulate.NonFinite;
import java.io.Serializable;

/**
 * One chunk's result on an executor, sent to the driver: its contribution as {@code NormalEquations.toArray()}
 * (null when a number was not finite) and its residual-series halo ({@code seriesToArray()}, null when none), the first non-finite row, the chunk's content digest (0 when not asked for),
 * the rows the source's SKIP policy dropped from it, and for a Dataset's chunk the digest its block was built with.
 *
 * @param chunk the chunk index in the pass's own numbering (a sample's index for a sample pass)
 */
record ChunkOutcome(long chunk, double[] sums, double[] series, long badRow, String badKind, String badName, double badValue,
        long digest, long skipped, long blockDigest) implements Serializable {

    static ChunkOutcome of(long chunk, double[] sums, double[] series, NonFinite bad, long digest, long skipped,
            long blockDigest) {
        return bad == null
                ? new ChunkOutcome(chunk, sums, series, -1, null, null, 0, digest, skipped, blockDigest)
                : new ChunkOutcome(chunk, null, null, bad.row(), bad.kind().name(), bad.name(), bad.value(), digest, skipped,
                        blockDigest);
    }

    /** The first non-finite row, or null. */
    NonFinite nonFinite() {
        return badKind == null ? null : new NonFinite(badRow, NonFinite.Kind.valueOf(badKind), badName, badValue);
    }
}
