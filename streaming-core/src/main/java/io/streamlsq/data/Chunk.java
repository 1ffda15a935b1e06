package io.streamlsq.data;

import java.util.Objects;

/**
 * A borrowed, read-only columnar view of consecutive rows of a data source.
 *
 * <p>Column {@code c}'s value for row {@code i} (0 &le; i &lt; {@link #rows()}) is
 * {@code column(c)[offset() + i]}. Columns are in the order the consumer asked for when it opened the
 * cursor. A chunk is valid until the cursor that produced it advances; consumers must not keep it or
 * write into its arrays. Producers (data sources) own the instance and refill it with {@link #set} and
 * {@link #setColumn}; consumers never call those.
 */
public final class Chunk {
    private final double[][] columns;
    private long index;
    private long firstRow;
    private int offset;
    private int rows;

    /** Creates an empty chunk with room for {@code columnCount} columns. */
    public Chunk(int columnCount) {
        if (columnCount < 0) {
            throw new IllegalArgumentException("columnCount = " + columnCount + " must be >= 0");
        }
        this.columns = new double[columnCount][];
    }

    /** Producer side: positions this view. Returns {@code this}. */
    public Chunk set(long index, long firstRow, int offset, int rows) {
        this.index = index;
        this.firstRow = firstRow;
        this.offset = offset;
        this.rows = rows;
        return this;
    }

    /** Producer side: binds column {@code c} to {@code values}. */
    public void setColumn(int c, double[] values) {
        columns[c] = Objects.requireNonNull(values, "values");
    }

    /**
     * Makes this chunk a view of rows {@code [start, start + length)} of {@code parent}, sharing its
     * arrays, with the first {@code columnCount()} columns of the parent.
     */
    public void sliceOf(Chunk parent, int start, int length) {
        for (int c = 0; c < columns.length; c++) {
            columns[c] = parent.columns[c];
        }
        this.index = parent.index;
        this.firstRow = parent.firstRow + start;
        this.offset = parent.offset + start;
        this.rows = length;
    }

    /** Number of columns in this view. */
    public int columnCount() {
        return columns.length;
    }

    /** The backing array of column {@code c}; read entries {@code [offset(), offset() + rows())}. */
    public double[] column(int c) {
        return columns[c];
    }

    /** Value of column {@code c} at row {@code i} of this chunk (convenience, not for hot loops). */
    public double get(int c, int i) {
        return columns[c][offset + i];
    }

    /** Index of the first array entry that belongs to this chunk. */
    public int offset() {
        return offset;
    }

    /** Number of rows in this chunk. */
    public int rows() {
        return rows;
    }

    /** Zero-based index of this chunk in its source. */
    public long index() {
        return index;
    }

    /** Zero-based row number, in the whole source, of this chunk's first row. */
    public long firstRow() {
        return firstRow;
    }
}
