package io.streamlsq.testkit;

import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Keeps every checkpoint in memory; {@link #latest} returns the chosen one (the last saved, unless a test sets it). */
public final class MemoryCheckpointStore implements CheckpointStore {
    public final List<Checkpoint> all = new ArrayList<>();
    public Checkpoint chosen;

    @Override
    public void save(Checkpoint c) {
        all.add(c);
        chosen = c;
    }

    @Override
    public Optional<Checkpoint> latest() {
        return Optional.ofNullable(chosen);
    }

    @Override
    public List<String> warnings() {
        return List.of();
    }

    @Override
    public String describe() {
        return "memory store";
    }
}
