package io.streamlsq.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Columns held in {@code double[]} arrays, served as chunks of {@code chunkRows} rows that are views of
 * the arrays (no copy). Random access; the arrays must not change while the source is in use.
 */
public final class InMemoryDataSource implements DataSource {
    private final Map<String, double[]> columns;
    private final List<String> names;
    private final int rows;
    private final int chunkRows;
    private String fingerprint;

    /**
     * @param columns column name to values, all of the same length; iteration order is kept
     * @param chunkRows rows per chunk, &ge; 1
     */
    public InMemoryDataSource(Map<String, double[]> columns, int chunkRows) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("an in-memory data source needs at least one column");
        }
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows = " + chunkRows + " must be >= 1");
        }
        this.columns = new LinkedHashMap<>(columns);
        this.names = List.copyOf(this.columns.keySet());
        int n = -1;
        for (Map.Entry<String, double[]> e : this.columns.entrySet()) {
            int len = e.getValue().length;
            if (n >= 0 && len != n) {
                throw new IllegalArgumentException("column '" + e.getKey() + "' has " + len
                        + " rows but column '" + names.get(0) + "' has " + n + "; all columns must have the same length");
            }
            n = len;
        }
        this.rows = n;
        this.chunkRows = chunkRows;
    }

    /** Convenience: two columns {@code x} and {@code y}. */
    public static InMemoryDataSource ofXY(double[] x, double[] y, int chunkRows) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("x", x);
        m.put("y", y);
        return new InMemoryDataSource(m, chunkRows);
    }

    @Override
    public List<String> columnNames() {
        return names;
    }

    @Override
    public long chunkCount() {
        return (rows + (long) chunkRows - 1) / chunkRows;
    }

    @Override
    public long rowCount() {
        return rows;
    }

    @Override
    public int maxChunkRows() {
        return Math.min(chunkRows, Math.max(rows, 1));
    }

    @Override
    public boolean isRandomAccess() {
        return true;
    }

    @Override
    public ChunkCursor open(List<String> wanted, long firstChunk) {
        List<double[]> arrays = new ArrayList<>(wanted.size());
        for (String name : wanted) {
            DataSource.requireColumn(this, name);
            arrays.add(columns.get(name));
        }
        return new Cursor(arrays, firstChunk);
    }

    @Override
    public synchronized String fingerprint() {
        if (fingerprint == null) {
            long h = 0xcbf29ce484222325L;
            for (String name : names) {
                h = Fnv.mix(h, name.hashCode());
                for (double v : columns.get(name)) {
                    h = Fnv.mix(h, Double.doubleToLongBits(v));
                }
            }
            fingerprint = "memory:rows=" + rows + ":chunk=" + chunkRows + ":fnv=" + Long.toHexString(h);
        }
        return fingerprint;
    }

    @Override
    public String describe() {
        return "in-memory data (" + rows + " rows, columns " + String.join(", ", names) + ")";
    }

    private final class Cursor implements ChunkCursor {
        private final Chunk chunk;
        private long next;

        Cursor(List<double[]> arrays, long firstChunk) {
            chunk = new Chunk(arrays.size());
            for (int c = 0; c < arrays.size(); c++) {
                chunk.setColumn(c, arrays.get(c));
            }
            next = firstChunk;
        }

        @Override
        public Chunk next() {
            long start = next * chunkRows;
            if (start >= rows) {
                return null;
            }
            int len = (int) Math.min(chunkRows, rows - start);
            chunk.set(next, start, (int) start, len);
            next++;
            return chunk;
        }

        @Override
        public void seek(long chunkIndex) {
            next = chunkIndex;
        }

        @Override
        public void close() {
        }
    }
}
