package io.streamlsq.grouped;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the results table of a grouped fit, one row per group in the order given, into a temporary file that
 * {@link #commit()} moves over the target (a run that fails or is killed leaves no table, or the previous one).
 * Implementations (CSV, Arrow IPC, Parquet) live in the format modules; every one has the columns
 * {@link #columnNames}: the key (float64, named as the key column), then per parameter its value and
 * {@code NAME_stderr} (float64), {@code cost}, {@code ssr} (float64), {@code rows}, {@code iterations},
 * {@code evaluations} (int64), {@code status}, {@code message} (UTF-8 text).
 */
public interface GroupTableWriter extends AutoCloseable {

    /** Appends {@code r}'s row. */
    void add(GroupResult r) throws IOException;

    /** Completes the table and moves it over the target atomically; returns the rows written. */
    long commit() throws IOException;

    /** Releases resources; without a commit, deletes the temporary file. */
    @Override
    void close() throws IOException;

    /** The table's columns for key column {@code key} and parameters {@code parameters}. */
    static List<String> columnNames(String key, List<String> parameters) {
        List<String> c = new ArrayList<>();
        c.add(key);
        for (String p : parameters) {
            c.add(p);
            c.add(p + "_stderr");
        }
        c.addAll(List.of("cost", "ssr", "rows", "iterations", "evaluations", "status", "message"));
        return c;
    }

    /**
     * Refuses parameter names whose columns would collide with the key or the fixed columns.
     *
     * @throws IllegalArgumentException naming the column that appears twice
     */
    static void checkNames(String key, List<String> parameters) {
        List<String> c = columnNames(key, parameters);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String n : c) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException("the results table would have two columns named '" + n + "' (key column '"
                        + key + "', parameters " + String.join(", ", parameters) + "); rename the parameter or the column");
            }
        }
    }
}
