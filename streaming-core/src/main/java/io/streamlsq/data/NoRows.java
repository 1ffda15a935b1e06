package io.streamlsq.data;

/** The message for a source that left no row to fit: empty, or every row skipped as invalid. */
public final class NoRows {
    private NoRows() {
    }

    /** "FILE has no rows", or "FILE: all N rows were skipped as invalid (--skip-invalid) ..." when the policy dropped them. */
    public static String message(DataSource source) {
        long skipped = source.skippedRows();
        if (skipped > 0) {
            return source.describe() + ": all " + skipped + " rows read were skipped as invalid (null, NaN or infinite"
                    + " in a used column, --skip-invalid): no rows are left to fit";
        }
        return source.describe() + " has no rows";
    }
}
