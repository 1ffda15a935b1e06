package io.streamlsq.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.Fnv;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * 1-D numeric datasets of an HDF5 file, named by path ({@code /data/x}), read in slices of
 * {@code chunkRows} rows (jhdf; chunked and compressed datasets included). Random access: each cursor
 * opens the file for itself, so workers read their own slices. The datasets used must have the same
 * length. A file whose superblock says it is longer than it is (truncated) is refused.
 */
public final class Hdf5DataSource implements DataSource {
    private final Path path;
    private final int chunkRows;
    private final InvalidRows policy;
    private final Map<String, Long> datasets;
    private final List<String> names;
    private final long rows;
    private final AtomicLongArray skipped;

    private Hdf5DataSource(Path path, int chunkRows, InvalidRows policy, Map<String, Long> datasets, long rows) {
        this.path = path;
        this.chunkRows = chunkRows;
        this.policy = policy;
        this.datasets = datasets;
        this.names = List.copyOf(datasets.keySet());
        this.rows = rows;
        this.skipped = new AtomicLongArray((int) Math.max(1, (rows + chunkRows - 1) / chunkRows));
    }

    /**
     * @param used the dataset paths the fit reads (a leading {@code /} is added when missing); they must
     *     exist, be 1-D and numeric, and have the same length
     */
    public static Hdf5DataSource open(Path path, List<String> used, int chunkRows, InvalidRows policy) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (Files.size(path) == 0) {
            throw new InvalidDataException(path + " is empty");
        }
        try (HdfFile file = openChecked(path)) {
            Map<String, Long> all = new LinkedHashMap<>();
            walk(file, all);
            Map<String, Long> chosen = new LinkedHashMap<>();
            long length = -1;
            for (String u : used) {
                String p = normalize(u);
                Long len = all.get(p);
                if (len == null) {
                    throw new IllegalArgumentException("dataset '" + p + "' not found in " + path
                            + " (or not a 1-D numeric dataset); 1-D numeric datasets: " + String.join(", ", all.keySet()));
                }
                if (length >= 0 && len != length) {
                    throw new InvalidDataException(path + ": dataset '" + p + "' has " + len + " rows but '"
                            + chosen.keySet().iterator().next() + "' has " + length + "; the datasets of a fit must have the same length");
                }
                length = len;
                chosen.put(p, len);
            }
            return new Hdf5DataSource(path, chunkRows, policy, chosen, Math.max(length, 0));
        } catch (io.jhdf.exceptions.HdfException e) {
            throw new InvalidDataException(path + " is not a readable HDF5 file (truncated or corrupt?): " + e.getMessage());
        }
    }

    /** The dataset path as this source names it: with a leading slash. */
    public static String normalize(String dataset) {
        return dataset.startsWith("/") ? dataset : "/" + dataset;
    }

    private static HdfFile openChecked(Path path) throws IOException {
        HdfFile file = new HdfFile(path);
        long eof = file.getHdfBackingStorage().getSuperblock().getEndOfFileAddress();
        if (eof > Files.size(path)) {
            file.close();
            throw new InvalidDataException(path + " is truncated: its superblock says it has " + eof + " bytes but it has "
                    + Files.size(path));
        }
        return file;
    }

    private static void walk(Group g, Map<String, Long> out) {
        for (Node n : g.getChildren().values()) {
            if (n instanceof Group child) {
                walk(child, out);
            } else if (n instanceof Dataset d && !d.isScalar() && d.getDimensions().length == 1 && numeric(d.getJavaType())) {
                out.put(d.getPath().startsWith("/") ? d.getPath() : "/" + d.getPath(), d.getDimensionsAsLong()[0]);
            }
        }
    }

    private static boolean numeric(Class<?> t) {
        return t == double.class || t == float.class || t == int.class || t == long.class || t == short.class
                || t == byte.class;
    }

    @Override
    public List<String> columnNames() {
        return names;
    }

    @Override
    public long chunkCount() {
        return (rows + chunkRows - 1) / chunkRows;
    }

    @Override
    public long rowCount() {
        return rows;
    }

    @Override
    public int maxChunkRows() {
        return (int) Math.min(chunkRows, Math.max(rows, 1));
    }

    @Override
    public boolean isRandomAccess() {
        return true;
    }

    @Override
    public long skippedRows() {
        long s = 0;
        for (int k = 0; k < skipped.length(); k++) {
            s += skipped.get(k);
        }
        return s;
    }

    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
        List<String> wanted = new ArrayList<>();
        for (String c : columns) {
            String p = normalize(c);
            if (!datasets.containsKey(p)) {
                throw new IllegalArgumentException("dataset '" + p + "' is not among the datasets opened from " + path
                        + ": " + String.join(", ", names));
            }
            wanted.add(p);
        }
        return new Cursor(wanted, firstChunk);
    }

    /** Size, modification time, the datasets and their lengths, and a hash of the first and last slice. */
    @Override
    public String fingerprint() throws IOException {
        long h = 0xcbf29ce484222325L;
        try (ChunkCursor c = open(names, 0)) {
            h = hash(h, c.next());
            c.seek(Math.max(0, chunkCount() - 1));
            h = hash(h, c.next());
        }
        for (Map.Entry<String, Long> e : datasets.entrySet()) {
            h = Fnv.mix(h, e.getKey().hashCode());
            h = Fnv.mix(h, e.getValue());
        }
        return "hdf5:size=" + Files.size(path) + ":mtime=" + Files.getLastModifiedTime(path).toMillis() + ":rows=" + rows
                + ":fnv=" + Long.toHexString(h);
    }

    private static long hash(long h, Chunk c) {
        if (c == null) {
            return h;
        }
        for (int k = 0; k < c.columnCount(); k++) {
            for (int i = 0; i < c.rows(); i++) {
                h = Fnv.mix(h, Double.doubleToLongBits(c.get(k, i)));
            }
        }
        return h;
    }

    @Override
    public String describe() {
        return path.toString();
    }

    private final class Cursor implements ChunkCursor {
        private final HdfFile file;
        private final Dataset[] sets;
        private final List<String> wanted;
        private final double[][] columns;
        private final Chunk chunk;
        private long next;

        Cursor(List<String> wanted, long firstChunk) throws IOException {
            this.wanted = wanted;
            this.file = openChecked(path);
            this.sets = new Dataset[wanted.size()];
            for (int c = 0; c < sets.length; c++) {
                sets[c] = (Dataset) file.getByPath(wanted.get(c));
            }
            this.columns = new double[wanted.size()][maxChunkRows()];
            this.chunk = new Chunk(wanted.size());
            for (int c = 0; c < sets.length; c++) {
                chunk.setColumn(c, columns[c]);
            }
            this.next = firstChunk;
        }

        @Override
        public Chunk next() {
            long start = next * chunkRows;
            if (start >= rows) {
                return null;
            }
            int len = (int) Math.min(chunkRows, rows - start);
            for (int c = 0; c < sets.length; c++) {
                Object slice;
                try {
                    slice = sets[c].getData(new long[] {start}, new int[] {len});
                } catch (RuntimeException e) {
                    throw new InvalidDataException(path + ": dataset '" + wanted.get(c) + "' rows " + start + ".."
                            + (start + len - 1) + " are unreadable (truncated or corrupt?): " + e.getMessage());
                }
                widen(slice, columns[c], len);
            }
            int n = len;
            if (policy == InvalidRows.SKIP) {
                n = 0;
                for (int i = 0; i < len; i++) {
                    boolean good = true;
                    for (double[] col : columns) {
                        good &= Double.isFinite(col[i]);
                    }
                    if (good) {
                        for (double[] col : columns) {
                            col[n] = col[i];
                        }
                        n++;
                    }
                }
                skipped.set((int) next, len - n);
            }
            chunk.set(next, start, 0, n);
            next++;
            return chunk;
        }

        @Override
        public void seek(long chunkIndex) {
            next = chunkIndex;
        }

        @Override
        public void close() {
            file.close();
        }
    }

    private static void widen(Object slice, double[] out, int n) {
        if (slice instanceof double[] d) {
            System.arraycopy(d, 0, out, 0, n);
        } else if (slice instanceof float[] f) {
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        } else if (slice instanceof int[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (slice instanceof long[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (slice instanceof short[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (slice instanceof byte[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else {
            throw new IllegalStateException("unexpected HDF5 slice type " + slice.getClass());
        }
    }
}
