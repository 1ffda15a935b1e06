package io.streamlsq.app;

import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointStore;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A failpoint for the kill tests: with the system property {@value #PROPERTY} = N, the process halts (as
 * SIGKILL would end it: no shutdown hooks, no further write) right after its N-th checkpoint is durable. A
 * test can then stop a child JVM exactly after a chosen checkpoint (a warmup pass half done, a Gauss-Newton
 * trial, a phase change) instead of hoping a timed kill lands there. Inert unless the property is set.
 */
final class HaltAfterCheckpoint implements CheckpointStore {
    static final String PROPERTY = "lsq.failpoint.halt-after-checkpoint";
    /** The exit status of the halt: 128 + 9, as for SIGKILL. */
    static final int STATUS = 137;

    private final CheckpointStore inner;
    private final long haltAfter;
    private long saved;

    private HaltAfterCheckpoint(CheckpointStore inner, long haltAfter) {
        this.inner = inner;
        this.haltAfter = haltAfter;
    }

    /** {@code store}, or a halting wrapper of it when the property is set. */
    static CheckpointStore wrap(CheckpointStore store) {
        String n = System.getProperty(PROPERTY);
        return n == null ? store : new HaltAfterCheckpoint(store, Long.parseLong(n.trim()));
    }

    @Override
    public void save(Checkpoint c) throws IOException {
        inner.save(c);
        if (++saved == haltAfter) {
            Runtime.getRuntime().halt(STATUS);
        }
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
