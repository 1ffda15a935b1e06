package io.streamlsq.app;

import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointStore;
import java.io.IOException;

/**
 * A failpoint for the kill tests: with the system property {@value #PROPERTY} = N, the process halts (as
 * SIGKILL would end it: no shutdown hooks, no further write) right after its N-th checkpoint is durable. A
 * test can then stop a child JVM exactly after a chosen checkpoint (a warmup pass half done, a Gauss-Newton
 * trial, a phase change) instead of hoping a timed kill lands there. Inert unless the property is set.
 */
final class HaltAfterCheckpoint extends io.streamlsq.resume.ForwardingCheckpointStore {
    static final String PROPERTY = "lsq.failpoint.halt-after-checkpoint";
    /** The exit status of the halt: 128 + 9, as for SIGKILL. */
    static final int STATUS = 137;

    private final long haltAfter;
    private long saved;

    private HaltAfterCheckpoint(CheckpointStore inner, long haltAfter) {
        super(inner);
        this.haltAfter = haltAfter;
    }

    /** {@code store}, or a halting wrapper of it when the property is set. */
    static CheckpointStore wrap(CheckpointStore store) {
        String n = System.getProperty(PROPERTY);
        return n == null ? store : new HaltAfterCheckpoint(store, Long.parseLong(n.trim()));
    }

    @Override
    public void save(Checkpoint c) throws IOException {
        super.save(c);
        if (++saved == haltAfter) {
            Runtime.getRuntime().halt(STATUS);
        }
    }
}
