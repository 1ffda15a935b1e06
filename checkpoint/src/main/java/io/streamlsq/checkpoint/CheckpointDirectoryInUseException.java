package io.streamlsq.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Another store holds the checkpoint directory's lock: a running {@code lsq fit} or {@code lsq resume}, in this
 * process or another. The message names the holder as its lock file records it:
 * {@code checkpoint directory ck is in use by process 1234 on host h since 2026-12-03T10:00:00Z}.
 */
public final class CheckpointDirectoryInUseException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path directory;

    CheckpointDirectoryInUseException(Path directory, String holder) {
        super("checkpoint directory " + directory + " is in use by " + holder
                + " (one fit or resume per directory; wait for it to end, or use another directory)");
        this.directory = directory;
    }

    /** The directory asked for. */
    public Path directory() {
        return directory;
    }
}
