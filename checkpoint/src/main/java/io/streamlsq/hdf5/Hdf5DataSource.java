package io.streamlsq.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.exceptions.HdfInvalidPathException;
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
 * length. Every chunk of the datasets used must be in the file (HDF5 itself reads a chunk its index does not
 * list as the fill value; here that is refused when the source is opened), Fletcher-32 checksums are verified,
 * and a truncated or damaged file is refused with one line naming the file (see {@link Hdf5Column}).
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
     *     exist, be 1-D with float or integer elements, have the same length, and have all their data in the file
     * @throws IllegalArgumentException if a dataset is missing or cannot be fitted (its shape or HDF5 type named)
     * @throws InvalidDataException if the file is empty, truncated or damaged (one line naming the file and
     *     what is damaged: the superblock, the metadata, or a dataset's chunk and rows)
     */
    public static Hdf5DataSource open(Path path, List<String> used, int chunkRows, InvalidRows policy) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        long size = Files.size(path);
        if (size == 0) {
            throw new InvalidDataException(path + " is empty");
        }
        HdfFile file = openFile(path, size);
        try (file) {
            long eof = endOfFile(file);
            RuntimeException failure = null;
            Map<String, Long> chosen = new LinkedHashMap<>();
            try {
                for (Hdf5Column c : columns(path, file, used, size, chosen)) {
                    c.verify();
                }
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                failure = Hdf5Errors.isJhdfFailure(e) ? Hdf5Errors.damaged(path, e) : (RuntimeException) e;
            }
            if (eof > size) {
                throw beyondTheEnd(path, file, eof, size, failure);
            }
            if (failure != null) {
                throw failure;
            }
            long length = chosen.isEmpty() ? 0 : chosen.values().iterator().next();
            return new Hdf5DataSource(path, chunkRows, policy, chosen, length);
        }
    }

    /** The dataset path as this source names it: with a leading slash. */
    public static String normalize(String dataset) {
        return dataset.startsWith("/") ? dataset : "/" + dataset;
    }

    private static HdfFile openFile(Path path, long size) {
        try {
            return new HdfFile(path);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            String m = Hdf5Errors.brief(e);
            if (size < 100) {
                throw new InvalidDataException(path + " is truncated or not an HDF5 file: it has only " + size + " bytes (" + m + ")");
            }
            if (m.contains("No valid HDF5 signature")) {
                throw new InvalidDataException(path + " is not an HDF5 file (no HDF5 signature)");
            }
            throw new InvalidDataException(path + ": HDF5 metadata is damaged (superblock or root group): " + m);
        }
    }

    /**
     * The superblock says the file is longer than it is. Truncated if the superblock is otherwise plausible and
     * something in the file cannot be read (the whole tree is walked for evidence). If everything reads, an
     * end-of-file address one bit away from the size by 4 KiB or more is a damaged superblock; a smaller one-bit
     * difference cannot be told from a file that lost a few unused bytes at its end, and the message says both.
     */
    private static InvalidDataException beyondTheEnd(Path path, HdfFile file, long eof, long size, RuntimeException failure) {
        String evidence = failure != null ? failure.getMessage().replace(path + ": ", "") : Hdf5Tree.firstFailure(file, size);
        boolean plausible = plausible(file, size);
        String says = "its superblock says it has " + eof + " bytes but it has " + size;
        if (evidence != null && plausible) {
            return new InvalidDataException(path + " is truncated: " + says + " (" + evidence + ")");
        }
        if (evidence != null) {
            return new InvalidDataException(path + ": HDF5 metadata is damaged: the superblock is damaged: " + says
                    + " (" + evidence + ")");
        }
        long diff = eof - size;
        boolean oneBit = (eof ^ size) == diff && Long.bitCount(diff) == 1;
        if (!plausible || oneBit && diff >= 4096) {
            return new InvalidDataException(path + ": HDF5 metadata is damaged: the superblock is damaged: " + says
                    + ", and everything in the file reads");
        }
        if (oneBit) {
            return new InvalidDataException(path + " is truncated or its superblock is damaged: " + says
                    + " (everything else in the file reads)");
        }
        return new InvalidDataException(path + " is truncated: " + says + " (the bytes cut off held nothing this reader reads)");
    }

    /** The end-of-file address of the superblock, in bytes from the start of the file. */
    private static long endOfFile(HdfFile file) {
        Superblock sb = file.getHdfBackingStorage().getSuperblock();
        return sb.getBaseAddressByte() + sb.getEndOfFileAddress();
    }

    /** The superblock's fields other than the end-of-file address are what an HDF5 writer writes. */
    private static boolean plausible(HdfFile file, long size) {
        Superblock sb = file.getHdfBackingStorage().getSuperblock();
        boolean sizes = (sb.getSizeOfOffsets() == 8 || sb.getSizeOfOffsets() == 4) && (sb.getSizeOfLengths() == 8
                || sb.getSizeOfLengths() == 4);
        return sizes && sb.getBaseAddressByte() >= 0 && sb.getBaseAddressByte() < size && sb.getEndOfFileAddress() < (1L << 48);
    }

    /**
     * The columns for {@code used}, in order; puts each one's length in {@code lengths}.
     *
     * @throws Hdf5Errors.NotFittable for a dataset that is not there or cannot be fitted
     */
    private static List<Hdf5Column> columns(Path path, HdfFile file, List<String> used, long size, Map<String, Long> lengths) {
        List<Hdf5Column> out = new ArrayList<>();
        for (String u : used) {
            String p = normalize(u);
            Hdf5Column c = Hdf5Column.of(path, p, dataset(path, file, p), size);
            if (!lengths.isEmpty() && c.rows() != lengths.values().iterator().next()) {
                String first = lengths.keySet().iterator().next();
                throw new InvalidDataException(path + ": dataset '" + p + "' has " + c.rows() + " rows but '" + first
                        + "' has " + lengths.get(first) + "; the datasets of a fit must have the same length");
            }
            lengths.put(p, c.rows());
            out.add(c);
        }
        return out;
    }

    private static Dataset dataset(Path path, HdfFile file, String p) {
        Node n;
        try {
            n = file.getByPath(p);
        } catch (HdfInvalidPathException e) {
            n = null;
        }
        if (!(n instanceof Dataset d)) {
            Map<String, Long> all = new LinkedHashMap<>();
            walk(file, all);
            throw new Hdf5Errors.NotFittable("dataset '" + p + "' not found in " + path + (n == null ? "" : " (it is a group)")
                    + "; 1-D numeric datasets: " + String.join(", ", all.keySet()));
        }
        return d;
    }

    private static void walk(Group g, Map<String, Long> out) {
        for (Node n : g.getChildren().values()) {
            if (n instanceof Group child) {
                walk(child, out);
            } else if (n instanceof Dataset d && !d.isScalar() && d.getDimensions().length == 1
                    && ElementType.of(d.getDataType()) != null) {
                out.put(d.getPath().startsWith("/") ? d.getPath() : "/" + d.getPath(), d.getDimensionsAsLong()[0]);
            }
        }
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
        private final List<Hdf5Column> readers;
        private final double[][] columns;
        private final Chunk chunk;
        private long next;

        Cursor(List<String> wanted, long firstChunk) throws IOException {
            long size = Files.size(path);
            this.file = openFile(path, size);
            try {
                if (endOfFile(file) > size) {
                    throw new InvalidDataException(path + " is truncated: its superblock says it has " + endOfFile(file)
                            + " bytes but it has " + size);
                }
                this.readers = columns(path, file, wanted, size, new LinkedHashMap<>());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                file.close();
                throw Hdf5Errors.isJhdfFailure(e) ? Hdf5Errors.damaged(path, e) : (RuntimeException) e;
            }
            this.columns = new double[wanted.size()][maxChunkRows()];
            this.chunk = new Chunk(wanted.size());
            for (int c = 0; c < columns.length; c++) {
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
            for (int c = 0; c < columns.length; c++) {
                try {
                    readers.get(c).read(start, len, columns[c]);
                } catch (RuntimeException | StackOverflowError e) {
                    throw Hdf5Errors.isJhdfFailure(e) ? Hdf5Errors.damaged(path, e) : (RuntimeException) e;
                }
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
}
