package io.streamlsq.app.plot;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import io.streamlsq.problem.FitProblem;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The rows the plots show: at most {@link #MAX_ROWS} rows of a fit's data, with the model's values and the
 * residuals {@code y − f(x; θ)} at the fitted parameters. Reading it costs at most one read of each row, and usually
 * far less:
 *
 * <ul>
 *   <li>a random-access source (CSV, Arrow IPC file, Parquet, HDF5, synthetic) is read in at most
 *       {@link #MAX_CHUNKS} evenly spaced chunks (all of them when it has fewer), each chunk once, and from each
 *       chunk the same number of evenly spaced rows;
 *   <li>a sequential source (an Arrow IPC stream) is read once from the start, every k-th row kept, k chosen from
 *       the rows the fit used so that at most {@link #MAX_ROWS} are kept; when that count is unknown, the first
 *       {@link #MAX_ROWS} rows.
 * </ul>
 *
 * <p>Holds at most {@code (2 × variables + 4) × MAX_ROWS} doubles (the read buffers and the sample's arrays), whatever
 * the size of the data.
 */
public final class PlotSample {
    /** Most rows a sample holds. */
    public static final int MAX_ROWS = 10_000;
    /** Most chunks a sample of a random-access source reads. */
    public static final int MAX_CHUNKS = 100;

    private final List<String> variables;
    private final double[][] x;
    private final double[] y;
    private final double[] values;
    private final double[] residuals;
    private final int rows;
    private final long rowsRead;

    private PlotSample(List<String> variables, double[][] x, double[] y, double[] values, int rows, long rowsRead) {
        this.variables = variables;
        this.x = x;
        this.y = y;
        this.values = values;
        this.rows = rows;
        this.rowsRead = rowsRead;
        this.residuals = new double[rows];
        for (int i = 0; i < rows; i++) {
            residuals[i] = y[i] - values[i];
        }
    }

    /**
     * Reads the sample of {@code problem}'s data and evaluates the model at {@code theta} on it.
     *
     * @param theta parameter values in the model's order (the fit's result); not modified
     * @param fitRows the rows the fit used, which sets the stride of a sequential source whose row count is unknown
     *     before reading (-1: unknown)
     * @throws IOException if the data cannot be read
     */
    public static PlotSample read(FitProblem problem, double[] theta, long fitRows) throws IOException {
        return read(problem, theta, fitRows, MAX_ROWS, MAX_CHUNKS);
    }

    static PlotSample read(FitProblem problem, double[] theta, long fitRows, int maxRows, int maxChunks)
            throws IOException {
        Model model = problem.model();
        int nv = model.variableNames().size();
        List<String> columns = problem.columns().subList(0, nv + 1); // the variables' columns, then y
        double[][] buf = new double[nv + 1][maxRows];
        DataSource source = problem.source();
        long chunks = source.chunkCount();
        long rowsRead = 0;
        int n = 0;
        try (ChunkCursor cursor = source.open(columns, 0)) {
            if (source.isRandomAccess() && chunks > 0) {
                int m = (int) Math.min(chunks, maxChunks);
                int quota = Math.max(1, maxRows / m);
                for (int i = 0; i < m && n < maxRows; i++) {
                    cursor.seek((long) ((double) i * chunks / m)); // distinct, increasing chunks: m <= chunks
                    Chunk c = cursor.next();
                    if (c == null) {
                        break;
                    }
                    rowsRead += c.rows();
                    int k = Math.min(Math.min(quota, c.rows()), maxRows - n);
                    for (int j = 0; j < k; j++) {
                        copyRow(c, (int) ((long) j * c.rows() / k), buf, n++);
                    }
                }
            } else {
                long total = source.rowCount() >= 0 ? source.rowCount() : fitRows;
                long stride = total > 0 ? Math.max(1, (total + maxRows - 1) / maxRows) : 1;
                long seen = 0;
                Chunk c;
                while (n < maxRows && (c = cursor.next()) != null) { // no chunk is read once the sample is full
                    rowsRead += c.rows();
                    for (int i = 0; i < c.rows() && n < maxRows; i++, seen++) {
                        if (seen % stride == 0) {
                            copyRow(c, i, buf, n++);
                        }
                    }
                }
            }
        }
        double[][] x = new double[nv][];
        for (int v = 0; v < nv; v++) {
            x[v] = Arrays.copyOf(buf[v], n);
        }
        double[] y = Arrays.copyOf(buf[nv], n);
        return new PlotSample(model.variableNames(), x, y, evaluate(model, x, n, theta), n, rowsRead);
    }

    private static void copyRow(Chunk c, int row, double[][] buf, int at) {
        for (int k = 0; k < buf.length; k++) {
            buf[k][at] = c.column(k)[c.offset() + row];
        }
    }

    /** The model at {@code theta} on {@code rows} rows of the variables {@code x}; NaN where it gives nothing. */
    static double[] evaluate(Model model, double[][] x, int rows, double[] theta) {
        double[] values = new double[rows];
        Arrays.fill(values, Double.NaN); // a model that leaves an entry unset shows as a gap, not as 0
        if (rows == 0) {
            return values;
        }
        Chunk chunk = new Chunk(x.length);
        for (int v = 0; v < x.length; v++) {
            chunk.setColumn(v, x[v]);
        }
        chunk.set(0, 0, 0, rows);
        model.evaluate(chunk, theta, EvalLevel.COST, values, null);
        return values;
    }

    /** The model's variable names; {@link #x(int)} has their values. */
    public List<String> variables() {
        return variables;
    }

    /** Values of variable {@code v} on the sampled rows (the caller must not modify the array). */
    public double[] x(int v) {
        return x[v];
    }

    /** The response column on the sampled rows. */
    public double[] y() {
        return y;
    }

    /** The model at the fitted parameters on the sampled rows. */
    public double[] values() {
        return values;
    }

    /** {@code y − f(x; θ)} on the sampled rows. */
    public double[] residuals() {
        return residuals;
    }

    /** Rows in the sample. */
    public int rows() {
        return rows;
    }

    /** Rows the sample's cursor delivered (each at most once). */
    public long rowsRead() {
        return rowsRead;
    }
}
