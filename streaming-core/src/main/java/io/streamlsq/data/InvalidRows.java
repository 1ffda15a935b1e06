package io.streamlsq.data;

/**
 * What a file source does with a row whose used columns hold a null, NaN or ±∞ (the same policy for
 * every format).
 */
public enum InvalidRows {
    /** Refuse: the fit stops with an error naming the row and the column (the default). */
    REFUSE,
    /** Skip the row and count it ({@link DataSource#skippedRows()}, and {@code skipped_rows} in the result JSON). */
    SKIP
}
