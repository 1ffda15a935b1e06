package io.streamlsq.data;

/** The data a fit reads now differs from what it read before (a file rewritten between a kill and a resume). */
public final class DataChangedException extends InvalidDataException {
    private static final long serialVersionUID = 1L;

    public DataChangedException(String message, long row) {
        super(message, row, null);
    }
}
