package io.streamlsq.accumulate;

/**
 * The first row of a pass where something was not finite, found by {@link ChunkEvaluator}.
 *
 * @param row zero-based row in the source
 * @param kind what was not finite
 * @param name the column (for data) or parameter (for a derivative) concerned; "value" for the model value
 * @param value the offending value
 */
public record NonFinite(long row, Kind kind, String name, double value) {

    /** Where the non-finite number came from. */
    public enum Kind {
        /** A data column used by the fit (a variable, y). */
        DATA,
        /** The sigma column: not finite or not &gt; 0. */
        SIGMA,
        /** The model's value. */
        VALUE,
        /** The model's derivative with respect to a parameter. */
        DERIVATIVE
    }

    /** Whether the input data (not the model at this θ) is at fault. */
    public boolean isDataProblem() {
        return kind == Kind.DATA || kind == Kind.SIGMA;
    }

    /** A one-line description naming the row and the column or parameter. */
    public String describe() {
        return switch (kind) {
            case DATA -> "column '" + name + "' is " + value + " at row " + row;
            case SIGMA -> "sigma column '" + name + "' is " + value + " at row " + row + " (sigma must be finite and > 0, and its weight 1/sigma^2 finite: sigma >= 1.5e-154)";
            case VALUE -> "the model value is " + value + " at row " + row;
            case DERIVATIVE -> "the model's derivative with respect to " + name + " is " + value + " at row " + row;
        };
    }
}
