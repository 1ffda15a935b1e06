package io.streamlsq.data;

/**
 * Input data that breaks the contract of a fit: a non-finite value in a used column, a missing column,
 * too few rows. The message names the source, the row and the column where they are known.
 */
public class InvalidDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long row;
    private final String column;

    public InvalidDataException(String message, long row, String column) {
        super(message);
        this.row = row;
        this.column = column;
    }

    public InvalidDataException(String message) {
        this(message, -1, null);
    }

    /** Zero-based row in the source, or -1 when the problem is not tied to a row. */
    public long row() {
        return row;
    }

    /** The column concerned, or {@code null}. */
    public String column() {
        return column;
    }
}
