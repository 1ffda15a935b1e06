package io.streamlsq.resume;

/**
 * The fit stopped because its caller asked it to (a signal), after writing a checkpoint it can resume from.
 * Not a numerical outcome: there is no result.
 */
public class FitInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FitInterruptedException(String message) {
        super(message);
    }
}
