package io.streamlsq.app;

/** Bad command-line input found after parsing (a value that does not make sense); exit code 2. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
