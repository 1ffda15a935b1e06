package io.streamlsq.resume;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** A store that hands every call to another; subclasses override what they watch (e.g. {@link #save}). */
public abstract class ForwardingCheckpointStore implements CheckpointStore {
    private final CheckpointStore inner;

    protected ForwardingCheckpointStore(CheckpointStore inner) {
        this.inner = java.util.Objects.requireNonNull(inner, "inner");
    }

    @Override
    public void save(Checkpoint checkpoint) throws IOException {
        inner.save(checkpoint);
    }

    @Override
    public Optional<Checkpoint> latest() throws IOException {
        return inner.latest();
    }

    @Override
    public List<String> warnings() {
        return inner.warnings();
    }

    @Override
    public String describe() {
        return inner.describe();
    }
}
