package io.streamlsq.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The file system ran out of space while a checkpoint was written: the run failed, the input is not at fault.
 * The partial file has been removed and the checkpoints written before are intact. Message:
 * {@code no space left on device while writing checkpoint DIR/ckpt-00000003.h5}.
 */
public final class CheckpointDiskFullException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    CheckpointDiskFullException(Path file, Throwable cause) {
        super("no space left on device while writing checkpoint " + file, cause);
        this.file = file;
    }

    /** The checkpoint that could not be written. */
    public Path file() {
        return file;
    }

    /** Whether {@code e} or one of its causes is the operating system's "No space left on device" (ENOSPC). */
    static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("ENOSPC") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
