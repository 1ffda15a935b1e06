package io.streamlsq.resume;

import java.io.IOException;

/** A checkpoint file that cannot be trusted: truncated, damaged, not a checkpoint, or missing a part. */
public class CorruptCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptCheckpointException(String message) {
        super(message);
    }

    public CorruptCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
