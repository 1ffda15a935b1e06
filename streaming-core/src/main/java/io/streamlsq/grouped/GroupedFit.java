package io.streamlsq.grouped;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problem.Parameter;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Many small independent fits from one source: one per run of consecutive rows with the same value in the key
 * column (sheap's batch mode, the {@code vmap} analogue). The source is read once, in order, chunk by chunk; a group's
 * rows are copied into a buffer of their own, and groups are fitted by {@link GroupFitter}s, up to
 * {@code threads × groupsPerTask} at a time, then handed to the listener in input order.
 *
 * <p>Contract: the rows of a group are contiguous. A key that reappears after another group is refused with an
 * {@link InvalidDataException} naming the key and both rows, before the listener hears of any later group. A key
 * missing from a start table is refused the same way. A group that cannot be fitted (too few rows, non-finite data or
 * model output) is a result with status {@link GroupStatus#FAILED} and a message, and the run goes on.
 *
 * <p>With several threads the caller reads the next wave of {@code threads × groupsPerTask} groups while the workers
 * fit the previous one. Determinism: a group's result depends only on its rows, its start and box and the options, so
 * the results do not depend on the thread count. Memory: the buffers of {@code 2 × threads × groupsPerTask + 1} groups
 * (each as large as the largest group seen) and 16–32 bytes per distinct key for the contiguity check.
 */
public final class GroupedFit {
    private final FitProblem problem;
    private final String keyColumn;
    private final GroupStarts starts;
    private final GroupedOptions options;

    /**
     * @param problem model, data, columns, loss, weights, shared starts, bounds and fixed parameters
     * @param keyColumn the column whose value names the group
     * @param starts where each group starts ({@link GroupStarts#shared} for mode 3)
     * @param options tolerances and budgets per group
     * @throws IllegalArgumentException if the source has no column {@code keyColumn} (naming the columns it has)
     * @throws io.streamlsq.problem.InvalidProblemException if the problem has curvature or smoothness terms, which the
     *     per-group fit does not have
     */
    public GroupedFit(FitProblem problem, String keyColumn, GroupStarts starts, GroupedOptions options) {
        this.problem = Objects.requireNonNull(problem, "problem");
        this.keyColumn = Objects.requireNonNull(keyColumn, "keyColumn");
        this.starts = Objects.requireNonNull(starts, "starts");
        this.options = Objects.requireNonNull(options, "options");
        DataSource.requireColumn(problem.source(), keyColumn);
        if (problem.hasSeriesTerms()) {
            throw new io.streamlsq.problem.InvalidProblemException(List.of("curvature = " + problem.curvature()
                    + ", smoothness = " + problem.smoothness() + ": grouped fits do not have the series terms; give a"
                    + " problem without them"));
        }
    }

    /** What a run did. */
    public record Summary(long groups, long converged, long singular, long maxEvaluations, long failed, long rows,
            long skippedGroups, boolean stopped) {
    }

    /** The key as the results table writes it: a whole number without ".0", otherwise Java's shortest decimal. */
    public static String keyText(double key) {
        if (key == Math.rint(key) && Math.abs(key) < 0x1p53) {
            return Long.toString((long) key);
        }
        return Double.toString(key);
    }

    /**
     * Fits every group, or those after the first {@code skipGroups} (a resume: the skipped groups are read and checked
     * but not fitted or reported).
     *
     * @param executor runs the fits when {@code threads > 1}; may be null for {@code threads == 1}
     * @param threads fitters working at once, &ge; 1
     * @param skipGroups groups at the start not to fit, &ge; 0
     * @param listener told of each fitted group in input order
     * @throws InvalidDataException for a key that reappears, a NaN key, a key missing from the start table
     * @throws IOException if the data cannot be read, or the listener's
     */
    public Summary run(ExecutorService executor, int threads, long skipGroups, GroupListener listener) throws IOException {
        if (threads < 1 || (threads > 1 && executor == null)) {
            throw new IllegalArgumentException("threads = " + threads + " must be >= 1, and > 1 needs an executor");
        }
        return new Run(executor, threads, skipGroups, listener).read();
    }

    /** One group's rows and its start, reused. */
    private final class Buffer {
        final double[][] columns;
        final Chunk chunk;
        final GroupResult result;
        final double[] initial;
        final double[] lower;
        final double[] upper;
        int rows;

        Buffer(int columnCount, int p) {
            columns = new double[columnCount][16];
            chunk = new Chunk(columnCount);
            result = new GroupResult(p);
            initial = new double[p];
            lower = new double[p];
            upper = new double[p];
        }

        void start(double key, long index, long firstRow) {
            result.key = key;
            result.index = index;
            result.firstRow = firstRow;
            rows = 0;
        }

        void append(Chunk c, int from, int len) {
            if (rows + len > columns[0].length) {
                int cap = Math.max(rows + len, columns[0].length + (columns[0].length >> 1));
                for (int k = 0; k < columns.length; k++) {
                    columns[k] = java.util.Arrays.copyOf(columns[k], cap);
                }
            }
            for (int k = 0; k < columns.length; k++) {
                System.arraycopy(c.column(k), c.offset() + from, columns[k], rows, len);
            }
            rows += len;
        }

        Chunk rows() {
            for (int k = 0; k < columns.length; k++) {
                chunk.setColumn(k, columns[k]);
            }
            return chunk.set(result.index, result.firstRow, 0, rows);
        }
    }

    /** Up to threads × groupsPerTask groups fitted together. */
    private static final class Wave {
        final Buffer[] items;
        int size;
        List<Future<Void>> futures;

        Wave(int capacity) {
            items = new Buffer[capacity];
        }
    }

    private final class Run {
        final ExecutorService executor;
        final int threads;
        final long skip;
        final GroupListener listener;
        final int nc;
        final int p;
        final GroupFitter[] fitters;
        final ArrayDeque<Buffer> free = new ArrayDeque<>();
        final KeyIndex seen = new KeyIndex(1024);
        /** The wave being read, the wave being fitted (null when none), the other one. */
        Wave filling;
        Wave inFlight;
        Wave spare;
        long groups;
        long converged;
        long singular;
        long maxEvaluations;
        long failed;
        long rows;
        boolean stopped;

        Run(ExecutorService executor, int threads, long skip, GroupListener listener) {
            this.executor = executor;
            this.threads = threads;
            this.skip = skip;
            this.listener = Objects.requireNonNull(listener, "listener");
            List<String> columns = problem.columns();
            this.nc = columns.size();
            this.p = problem.parameterNames().size();
            boolean[] fixed = new boolean[p];
            List<Parameter> params = problem.parameters();
            for (int k = 0; k < p; k++) {
                fixed[k] = params.get(k).fixed();
            }
            fitters = new GroupFitter[threads];
            for (int t = 0; t < threads; t++) {
                fitters[t] = new GroupFitter(problem.model(), problem.isWeighted(), problem.loss(), fixed, columns, options);
            }
            filling = new Wave(threads * options.groupsPerTask());
            spare = new Wave(threads * options.groupsPerTask());
        }

        Buffer take() {
            Buffer b = free.poll();
            return b != null ? b : new Buffer(nc, p);
        }

        Summary read() throws IOException {
            List<String> columns = new ArrayList<>(problem.columns());
            columns.add(keyColumn);
            Buffer current = null;
            long index = 0;
            try (ChunkCursor cursor = problem.source().open(columns, 0)) {
                for (Chunk c = cursor.next(); c != null && !stopped; c = cursor.next()) {
                    double[] keys = c.column(nc);
                    int off = c.offset();
                    int n = c.rows();
                    int i = 0;
                    while (i < n && !stopped) {
                        double k = keys[off + i];
                        if (current == null || !(k == current.result.key)) {
                            long row = c.firstRow() + i;
                            if (Double.isNaN(k)) {
                                throw new InvalidDataException("key column '" + keyColumn + "' is NaN at row " + row
                                        + " of " + problem.source().describe() + "; every row needs a group key", row, keyColumn);
                            }
                            if (current != null) {
                                complete(current);
                            }
                            long before = seen.putIfAbsent(k, row, -1);
                            if (before >= 0) {
                                throw new InvalidDataException("group key " + keyText(k) + " (column '" + keyColumn
                                        + "') reappears at row " + row + " after other groups; its first rows start at row "
                                        + before + ". The rows of a group must be contiguous: sort " + problem.source().describe()
                                        + " by " + keyColumn, row, keyColumn);
                            }
                            current = take();
                            current.start(k, index++, row);
                        }
                        int j = i + 1;
                        while (j < n && keys[off + j] == k) {
                            j++;
                        }
                        current.append(c, i, j - i);
                        i = j;
                    }
                }
            }
            if (current != null && !stopped) {
                complete(current);
            }
            if (!stopped) {
                dispatch();
            }
            if (!stopped && inFlight != null) {
                await(inFlight);
                deliver(inFlight);
                inFlight = null;
            }
            return new Summary(groups, converged, singular, maxEvaluations, failed, rows, Math.min(skip, index), stopped);
        }

        void complete(Buffer b) throws IOException {
            if (b.result.index < skip) {
                free.push(b);
                return;
            }
            filling.items[filling.size++] = b;
            if (filling.size == filling.items.length) {
                dispatch();
            }
        }

        /**
         * Hands the wave just read to the fitters. On one thread it is fitted and delivered at once; on several, the
         * wave in flight is awaited and delivered first (input order), then this one is submitted and the caller goes
         * on reading the next wave while the workers fit it.
         */
        void dispatch() throws IOException {
            Wave w = filling;
            if (w.size == 0) {
                return;
            }
            for (int i = 0; i < w.size; i++) {
                Buffer b = w.items[i];
                starts.fill(b.result.key, b.initial, b.lower, b.upper);
            }
            if (threads == 1) {
                for (int i = 0; i < w.size; i++) {
                    fit(fitters[0], w.items[i]);
                }
                deliver(w);
                return;
            }
            if (inFlight != null) {
                await(inFlight);
                deliver(inFlight);
                spare = inFlight;
                inFlight = null;
                if (stopped) {
                    release(w);
                    return;
                }
            }
            List<Future<Void>> futures = new ArrayList<>(threads);
            for (int t = 0; t < Math.min(threads, w.size); t++) {
                final int first = t;
                futures.add(executor.submit((Callable<Void>) () -> {
                    for (int i = first; i < w.size; i += threads) {
                        fit(fitters[first], w.items[i]);
                    }
                    return null;
                }));
            }
            w.futures = futures;
            inFlight = w;
            filling = spare;
            spare = null;
        }

        void await(Wave w) throws IOException {
            try {
                for (Future<Void> f : w.futures) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while fitting groups");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IOException(cause);
            }
        }

        /** The wave's results to the listener in input order (none once it asked to stop); its buffers back. */
        void deliver(Wave w) throws IOException {
            for (int i = 0; i < w.size; i++) {
                Buffer b = w.items[i];
                if (!stopped) {
                    GroupResult r = b.result;
                    groups++;
                    rows += r.rows;
                    switch (r.status) {
                        case CONVERGED -> converged++;
                        case SINGULAR -> singular++;
                        case MAX_EVALUATIONS -> maxEvaluations++;
                        case FAILED -> failed++;
                        default -> throw new AssertionError(r.status);
                    }
                    if (listener.onGroup(r) == GroupListener.Decision.STOP) {
                        stopped = true;
                    }
                }
            }
            release(w);
        }

        void release(Wave w) {
            for (int i = 0; i < w.size; i++) {
                free.push(w.items[i]);
                w.items[i] = null;
            }
            w.size = 0;
            w.futures = null;
        }

        private void fit(GroupFitter f, Buffer b) {
            f.fit(b.rows(), b.initial, b.lower, b.upper, b.result);
        }
    }
}
