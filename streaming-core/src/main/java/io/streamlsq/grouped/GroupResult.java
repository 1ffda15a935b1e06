package io.streamlsq.grouped;

import java.util.Arrays;

/**
 * One group's fit. Instances are reused: a {@link GroupListener} gets a borrowed result, valid during the call
 * ({@link #copy()} keeps one). Parameters are in the model's order, in user units.
 */
public final class GroupResult {
    double key;
    long index;
    long firstRow;
    long rows;
    final double[] values;
    final double[] stderr;
    double cost;
    double ssr;
    int iterations;
    int evaluations;
    GroupStatus status;
    String message;

    public GroupResult(int parameters) {
        values = new double[parameters];
        stderr = new double[parameters];
    }

    /** The group's key: the value of the key column on its rows. */
    public double key() {
        return key;
    }

    /** Zero-based place of the group in the input. */
    public long index() {
        return index;
    }

    /** Zero-based row of the source where the group starts. */
    public long firstRow() {
        return firstRow;
    }

    /** Rows of the group. */
    public long rows() {
        return rows;
    }

    /** Fitted values (the start where the fit failed before a step). Not to be modified. */
    public double[] values() {
        return values;
    }

    /** Standard errors: 0 for fixed parameters, NaN where JᵀJ is singular or the group failed. Not to be modified. */
    public double[] stderr() {
        return stderr;
    }

    /** {@code ½ Σ ρ((f − y)²/σ²)} (plus penalty rows) at {@link #values()}; NaN when the group failed. */
    public double cost() {
        return cost;
    }

    /** {@code Σ (f − y)²/σ²} (plus penalty rows) at {@link #values()}; NaN when the group failed. */
    public double ssr() {
        return ssr;
    }

    /** Accepted Levenberg-Marquardt steps. */
    public int iterations() {
        return iterations;
    }

    /** Model evaluations (with Jacobian), warmup steps included. */
    public int evaluations() {
        return evaluations;
    }

    public GroupStatus status() {
        return status;
    }

    /** Why the fit ended, in words. */
    public String message() {
        return message;
    }

    /** A copy that the caller owns. */
    public GroupResult copy() {
        GroupResult c = new GroupResult(values.length);
        c.copyFrom(this);
        return c;
    }

    /** Makes this result equal to {@code o} (same parameter count). */
    public void copyFrom(GroupResult o) {
        key = o.key;
        index = o.index;
        firstRow = o.firstRow;
        rows = o.rows;
        System.arraycopy(o.values, 0, values, 0, values.length);
        System.arraycopy(o.stderr, 0, stderr, 0, stderr.length);
        cost = o.cost;
        ssr = o.ssr;
        iterations = o.iterations;
        evaluations = o.evaluations;
        status = o.status;
        message = o.message;
    }

    /**
     * A result restored from a record (a checkpoint): the same fields as a fit gives.
     */
    public static GroupResult of(double key, long index, long firstRow, long rows, double[] values, double[] stderr,
            double cost, double ssr, int iterations, int evaluations, GroupStatus status, String message) {
        GroupResult r = new GroupResult(values.length);
        r.key = key;
        r.index = index;
        r.firstRow = firstRow;
        r.rows = rows;
        System.arraycopy(values, 0, r.values, 0, values.length);
        System.arraycopy(stderr, 0, r.stderr, 0, stderr.length);
        r.cost = cost;
        r.ssr = ssr;
        r.iterations = iterations;
        r.evaluations = evaluations;
        r.status = status;
        r.message = message;
        return r;
    }

    /** Same fields, bit for bit (NaN equal to NaN of the same bits). */
    public boolean sameBits(GroupResult o) {
        return Double.doubleToRawLongBits(key) == Double.doubleToRawLongBits(o.key) && index == o.index
                && firstRow == o.firstRow && rows == o.rows && bits(values, o.values) && bits(stderr, o.stderr)
                && Double.doubleToRawLongBits(cost) == Double.doubleToRawLongBits(o.cost)
                && Double.doubleToRawLongBits(ssr) == Double.doubleToRawLongBits(o.ssr) && iterations == o.iterations
                && evaluations == o.evaluations && status == o.status && message.equals(o.message);
    }

    private static boolean bits(double[] a, double[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "group " + key + " (#" + index + ", rows " + firstRow + "+" + rows + "): " + status.word() + " ("
                + message + "), values " + Arrays.toString(values) + ", stderr " + Arrays.toString(stderr) + ", cost "
                + cost + ", iterations " + iterations;
    }
}
