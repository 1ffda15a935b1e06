package io.streamlsq.resume;

import java.time.Duration;
import java.util.Objects;

/**
 * When to write: every {@code interval} of wall time (checked at chunk merges and resume points), every
 * {@code everyChunks} merged chunks inside a pass (0 = off), and at each phase change.
 */
public record CheckpointPolicy(Duration interval, long everyChunks, boolean atPhaseChange) {

    public CheckpointPolicy {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("checkpoint interval = " + interval + " must be > 0");
        }
        if (everyChunks < 0) {
            throw new IllegalArgumentException("checkpoint everyChunks = " + everyChunks + " must be >= 0 (0 = off)");
        }
    }

    /** Every 60 s and at phase changes. */
    public static CheckpointPolicy defaults() {
        return new CheckpointPolicy(Duration.ofSeconds(60), 0, true);
    }
}
