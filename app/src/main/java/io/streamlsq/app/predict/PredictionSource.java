package io.streamlsq.app.predict;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A source's rows with the model's values added, chunk by chunk: the columns {@code passThrough} of the base source,
 * then {@value #MODEL}, with a response column {@value #RESIDUAL} ({@code y − f}), and with a band
 * {@value #STDERR} (the delta-method standard error of the model's value, {@code √(gᵀ C g)} with {@code g} the gradient
 * of the model with respect to the parameters at the fitted values and {@code C} their covariance), {@value #LOWER}
 * and {@value #UPPER} ({@code f ∓ q · stderr}). Written by the project's writers (CSV, Arrow IPC, Parquet) as any
 * source is; nothing is held but one chunk's buffers per cursor, whatever the rows.
 *
 * <p>Chunks are those of the base source (same count, same rows); a cursor's buffers are allocated when it is opened
 * and reused for every chunk. The model is evaluated with NaN pre-filled, so a row it does not set stays NaN.
 */
public final class PredictionSource implements DataSource {
    public static final String MODEL = "model";
    public static final String RESIDUAL = "residual";
    public static final String STDERR = "model_stderr";
    public static final String LOWER = "lower";
    public static final String UPPER = "upper";

    private final DataSource base;
    private final Model model;
    private final double[] theta;
    private final List<String> variableColumns;
    private final String yColumn;
    private final List<String> passThrough;
    private final double[][] covariance;
    private final double quantile;
    private final List<String> names;
    /** The base columns a cursor reads: the variables' columns, then y and the pass-through ones not among them. */
    private final List<String> baseColumns;
    /** Index in {@link #baseColumns} of y (-1 without) and of each pass-through column. */
    private final int yAt;
    private final int[] passAt;

    /**
     * @param base the data; its column names must include {@code variableColumns}, {@code yColumn} and
     *     {@code passThrough}
     * @param model the fitted model; its variables read {@code variableColumns}, in order
     * @param theta the fitted values in the model's parameter order; not modified
     * @param yColumn the response column, or null: no {@value #RESIDUAL} column
     * @param passThrough base columns copied into the output, in this order
     * @param covariance p×p covariance of the parameters for the band, or null: no band columns; not modified
     * @param quantile the band's multiplier q (e.g. the Student t quantile of the confidence level)
     * @throws IllegalArgumentException naming a column the base does not have, or an output name taken twice
     */
    public PredictionSource(DataSource base, Model model, double[] theta, List<String> variableColumns, String yColumn,
            List<String> passThrough, double[][] covariance, double quantile) {
        this.base = base;
        this.model = model;
        this.theta = theta.clone();
        this.variableColumns = List.copyOf(variableColumns);
        this.yColumn = yColumn;
        this.passThrough = List.copyOf(passThrough);
        this.covariance = covariance == null ? null : deepCopy(covariance);
        this.quantile = quantile;
        if (model.variableNames().size() != variableColumns.size()) {
            throw new IllegalArgumentException("the model has " + model.variableNames().size() + " variables ("
                    + String.join(", ", model.variableNames()) + ") but " + variableColumns.size() + " columns are bound");
        }
        List<String> n = new ArrayList<>(passThrough);
        n.add(MODEL);
        if (yColumn != null) {
            n.add(RESIDUAL);
        }
        if (covariance != null) {
            n.addAll(List.of(STDERR, LOWER, UPPER));
        }
        for (int i = 0; i < n.size(); i++) {
            if (n.indexOf(n.get(i)) != i) {
                throw new IllegalArgumentException("the output would have two columns named '" + n.get(i) + "' (a data"
                        + " column of that name and the one predict adds); rename the data column");
            }
        }
        this.names = List.copyOf(n);
        List<String> read = new ArrayList<>(variableColumns);
        this.yAt = yColumn == null ? -1 : indexOrAdd(read, yColumn);
        this.passAt = new int[passThrough.size()];
        for (int k = 0; k < passAt.length; k++) {
            passAt[k] = indexOrAdd(read, passThrough.get(k));
        }
        this.baseColumns = List.copyOf(read);
        for (String c : baseColumns) {
            DataSource.requireColumn(base, c);
        }
    }

    private static int indexOrAdd(List<String> list, String name) {
        int i = list.indexOf(name);
        if (i < 0) {
            list.add(name);
            i = list.size() - 1;
        }
        return i;
    }

    @Override
    public List<String> columnNames() {
        return names;
    }

    @Override
    public long chunkCount() {
        return base.chunkCount();
    }

    @Override
    public long rowCount() {
        return base.rowCount();
    }

    @Override
    public int maxChunkRows() {
        return base.maxChunkRows();
    }

    @Override
    public boolean isRandomAccess() {
        return base.isRandomAccess();
    }

    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
        int[] source = new int[columns.size()]; // output column → index in the cursor's table of arrays
        for (int i = 0; i < columns.size(); i++) {
            source[i] = names.indexOf(columns.get(i));
            if (source[i] < 0) {
                throw new IllegalArgumentException("column '" + columns.get(i) + "' not found in " + describe()
                        + "; available columns: " + String.join(", ", names));
            }
        }
        return new Cursor(base.open(baseColumns, firstChunk), source);
    }

    @Override
    public String fingerprint() throws IOException {
        return "predict(" + model.describe() + ", " + Arrays.toString(theta) + ") of " + base.fingerprint();
    }

    @Override
    public long skippedRows() {
        return base.skippedRows();
    }

    @Override
    public String describe() {
        return "the predictions of " + model.describe() + " on " + base.describe();
    }

    private final class Cursor implements ChunkCursor {
        private final ChunkCursor in;
        private final int[] source;
        private final Chunk out;
        /** One array per output name, in the order of {@link #names}. */
        private final double[][] arrays;
        private final double[] values;
        private final double[][] jacobian;

        Cursor(ChunkCursor in, int[] source) {
            this.in = in;
            this.source = source;
            int rows = Math.max(1, base.maxChunkRows());
            this.arrays = new double[names.size()][];
            this.values = new double[rows];
            for (int k = 0; k < names.size(); k++) {
                arrays[k] = names.get(k).equals(MODEL) ? values : new double[rows];
            }
            this.jacobian = covariance == null ? null : new double[theta.length][rows];
            this.out = new Chunk(source.length);
            for (int i = 0; i < source.length; i++) {
                out.setColumn(i, arrays[source[i]]);
            }
        }

        @Override
        public Chunk next() throws IOException {
            Chunk c = in.next();
            if (c == null) {
                return null;
            }
            int n = c.rows();
            Arrays.fill(values, 0, n, Double.NaN);
            if (jacobian != null) {
                for (double[] g : jacobian) {
                    Arrays.fill(g, 0, n, Double.NaN);
                }
            }
            model.evaluate(c, theta, jacobian == null ? EvalLevel.COST : EvalLevel.NORMAL, values, jacobian);
            int at = passThrough.size() + 1; // the columns after the model's values
            if (yAt >= 0) {
                double[] y = c.column(yAt);
                double[] r = arrays[at++];
                for (int i = 0; i < n; i++) {
                    r[i] = y[c.offset() + i] - values[i];
                }
            }
            for (int k = 0; k < passAt.length; k++) {
                System.arraycopy(c.column(passAt[k]), c.offset(), arrays[k], 0, n);
            }
            if (jacobian != null) {
                band(n, arrays[at], arrays[at + 1], arrays[at + 2]);
            }
            out.set(c.index(), c.firstRow(), 0, n);
            return out;
        }

        /** {@code se = √(gᵀ C g)} row by row, and {@code f ∓ q·se}. */
        private void band(int n, double[] se, double[] lower, double[] upper) {
            int p = theta.length;
            for (int i = 0; i < n; i++) {
                double v = 0;
                for (int j = 0; j < p; j++) {
                    double gj = jacobian[j][i];
                    double[] cj = covariance[j];
                    double s = 0;
                    for (int k = 0; k < p; k++) {
                        s += cj[k] * jacobian[k][i];
                    }
                    v += gj * s;
                }
                double e = Math.sqrt(Math.max(0, v));
                se[i] = Double.isNaN(v) ? Double.NaN : e;
                lower[i] = values[i] - quantile * se[i];
                upper[i] = values[i] + quantile * se[i];
            }
        }

        @Override
        public void seek(long chunkIndex) throws IOException {
            in.seek(chunkIndex);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
