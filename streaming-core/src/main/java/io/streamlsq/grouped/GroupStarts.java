package io.streamlsq.grouped;

import io.streamlsq.data.InvalidDataException;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problem.InvalidProblemException;
import io.streamlsq.problem.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where each group starts and which box it is fitted in: sheap's batch modes. {@link Mode#SHARED} (3): one start and
 * one box for every group (the problem's). {@link Mode#PER_GROUP_START} (4): a table keyed by the group's key gives
 * the starts. {@link Mode#PER_GROUP_START_AND_BOUNDS} (5): the table gives bounds too. Which parameters are fixed is
 * the same for every group. Thread-safe once built.
 */
public final class GroupStarts {
    /** sheap's {@code non_optimize_in_axis} modes. */
    public enum Mode {
        SHARED, PER_GROUP_START, PER_GROUP_START_AND_BOUNDS
    }

    private final Mode mode;
    private final List<String> names;
    private final double[] sharedInitial;
    private final double[] sharedLower;
    private final double[] sharedUpper;
    private final KeyIndex index;
    private final double[][] initial;
    private final double[][] lower;
    private final double[][] upper;
    private final String tableName;

    private GroupStarts(Mode mode, FitProblem problem, KeyIndex index, double[][] initial, double[][] lower,
            double[][] upper, String tableName) {
        this.mode = mode;
        this.names = problem.parameterNames();
        this.sharedInitial = problem.initial();
        this.sharedLower = problem.lower();
        this.sharedUpper = problem.upper();
        this.index = index;
        this.initial = initial;
        this.lower = lower;
        this.upper = upper;
        this.tableName = tableName;
    }

    /** Mode 3: every group starts at the problem's starts, within its bounds. */
    public static GroupStarts shared(FitProblem problem) {
        return new GroupStarts(Mode.SHARED, problem, null, null, null, null, null);
    }

    /**
     * Modes 4 and 5: a table of starts (and bounds) by key. A parameter without a start column starts at the problem's
     * start; a NaN start, or a NaN bound, means the problem's. Every violation (a repeated or NaN key, an unknown
     * parameter, a start outside its bounds, lower ≥ upper) is reported at once, naming the key and the parameter.
     *
     * @param problem the shared set-up (starts, bounds, fixed)
     * @param tableName the table's name for messages (a file path)
     * @param keys the key of each table row
     * @param starts parameter name → start per table row
     * @param lowerBounds parameter name → lower bound per table row (empty for mode 4)
     * @param upperBounds parameter name → upper bound per table row (empty for mode 4)
     * @throws InvalidProblemException listing every violation
     */
    public static GroupStarts table(FitProblem problem, String tableName, double[] keys, Map<String, double[]> starts,
            Map<String, double[]> lowerBounds, Map<String, double[]> upperBounds) {
        List<String> names = problem.parameterNames();
        List<String> v = new ArrayList<>();
        for (Map<String, double[]> m : List.of(starts, lowerBounds, upperBounds)) {
            for (Map.Entry<String, double[]> e : m.entrySet()) {
                if (!names.contains(e.getKey())) {
                    v.add(tableName + ": column for '" + e.getKey() + "' is not a parameter of the model (parameters: "
                            + String.join(", ", names) + ")");
                } else if (e.getValue().length != keys.length) {
                    v.add(tableName + ": column for '" + e.getKey() + "' has " + e.getValue().length + " rows, the keys "
                            + keys.length);
                }
            }
        }
        if (!v.isEmpty()) {
            throw new InvalidProblemException(v);
        }
        int p = names.size();
        int n = keys.length;
        double[][] ini = new double[n][p];
        double[][] lo = new double[n][p];
        double[][] hi = new double[n][p];
        KeyIndex index = new KeyIndex(n);
        List<Parameter> params = problem.parameters();
        for (int row = 0; row < n; row++) {
            double key = keys[row];
            if (Double.isNaN(key)) {
                v.add(tableName + ": the key is NaN at row " + row);
                continue;
            }
            long before = index.putIfAbsent(key, row, -1);
            if (before >= 0) {
                v.add(tableName + ": key " + GroupedFit.keyText(key) + " appears twice (rows " + before + " and " + row
                        + "); each group needs one row");
            }
            for (int k = 0; k < p; k++) {
                String name = names.get(k);
                Parameter q = params.get(k);
                ini[row][k] = pick(starts.get(name), row, q.initial());
                lo[row][k] = pick(lowerBounds.get(name), row, q.lower());
                hi[row][k] = pick(upperBounds.get(name), row, q.upper());
                if (!(lo[row][k] < hi[row][k])) {
                    v.add(tableName + ": key " + GroupedFit.keyText(key) + ": bounds of '" + name + "' = [" + lo[row][k]
                            + ", " + hi[row][k] + "]; the lower bound must be < the upper bound");
                } else if (!Double.isFinite(ini[row][k]) || ini[row][k] < lo[row][k] || ini[row][k] > hi[row][k]) {
                    v.add(tableName + ": key " + GroupedFit.keyText(key) + ": start of '" + name + "' = " + ini[row][k]
                            + " must be finite and within its bounds [" + lo[row][k] + ", " + hi[row][k] + "]");
                }
            }
            if (v.size() > 50) {
                v.add("(more violations not listed)");
                break;
            }
        }
        if (!v.isEmpty()) {
            throw new InvalidProblemException(v);
        }
        Mode mode = lowerBounds.isEmpty() && upperBounds.isEmpty() ? Mode.PER_GROUP_START : Mode.PER_GROUP_START_AND_BOUNDS;
        return new GroupStarts(mode, problem, index, ini, lo, hi, tableName);
    }

    private static double pick(double[] column, int row, double fallback) {
        if (column == null) {
            return fallback;
        }
        double v = column[row];
        return Double.isNaN(v) ? fallback : v;
    }

    public Mode mode() {
        return mode;
    }

    /** Groups the table has starts for, or -1 in the shared mode. */
    public int tableRows() {
        return index == null ? -1 : index.size();
    }

    /**
     * The start and box of group {@code key}.
     *
     * @param initial output, model order. Modified.
     * @param lower output. Modified.
     * @param upper output. Modified.
     * @throws InvalidDataException when the table has no row for {@code key}, naming it and the table
     */
    public void fill(double key, double[] initial, double[] lower, double[] upper) {
        if (index == null) {
            System.arraycopy(sharedInitial, 0, initial, 0, initial.length);
            System.arraycopy(sharedLower, 0, lower, 0, lower.length);
            System.arraycopy(sharedUpper, 0, upper, 0, upper.length);
            return;
        }
        int row = (int) index.get(key, -1);
        if (row < 0) {
            throw new InvalidDataException("group key " + GroupedFit.keyText(key) + " has no row in the start table "
                    + tableName + " (" + index.size() + " keys); every group of the data needs one");
        }
        System.arraycopy(this.initial[row], 0, initial, 0, initial.length);
        System.arraycopy(this.lower[row], 0, lower, 0, lower.length);
        System.arraycopy(this.upper[row], 0, upper, 0, upper.length);
    }

    /** Parameter names in model order. */
    public List<String> parameterNames() {
        return names;
    }
}
