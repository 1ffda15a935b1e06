package io.streamlsq.resume;

import java.io.IOException;
import java.util.Optional;

/**
 * Where checkpoints go. {@link #save} must be atomic: after a crash at any moment, {@link #latest} returns
 * either the new checkpoint or the previous good one, never a torn one.
 */
public interface CheckpointStore {

    /** Persists {@code checkpoint} as the newest. */
    void save(Checkpoint checkpoint) throws IOException;

    /**
     * The newest checkpoint that reads back whole, falling back to older kept ones (each fallback is
     * reported through {@link #warnings()}); empty when the store holds none.
     *
     * @throws CorruptCheckpointException if checkpoints exist but none is readable
     * @throws CheckpointMismatchException if the newest readable one has an unknown major version
     */
    Optional<Checkpoint> latest() throws IOException;

    /** Messages about checkpoints skipped by {@link #latest} (damaged files), oldest first. */
    java.util.List<String> warnings();

    /** Human-readable location, for messages. */
    String describe();
}
