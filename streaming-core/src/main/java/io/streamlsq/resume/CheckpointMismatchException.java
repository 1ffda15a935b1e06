package io.streamlsq.resume;

/** A checkpoint that is sound but belongs to another problem (names, model, data) or another program version. */
public class CheckpointMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CheckpointMismatchException(String message) {
        super(message);
    }
}
