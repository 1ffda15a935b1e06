package io.streamlsq.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes columns as 1-D float64 datasets {@code /data/NAME} (contiguous, little-endian) of a new HDF5 file, the
 * layout {@link Hdf5DataSource} reads with {@code --x /data/x --y /data/y}; h5py and the HDF5 tools read it.
 *
 * <p>jhdf 0.13 writes a file only from arrays in memory, when it is closed, and copies each dataset into one
 * buffer on the way: the peak heap is about {@link #heapBytes} = 16 bytes × rows × columns, and a file holds at
 * most {@value #MAX_ROWS} rows. The file is written under a temporary name in the same directory and renamed
 * when complete (jhdf does not truncate a file it writes over).
 */
public final class Hdf5Writer {
    /** Rows per file: 100 million (1.6 GB of heap per column while writing). */
    public static final int MAX_ROWS = 100_000_000;
    /** The group the datasets go in. */
    public static final String GROUP = "data";

    private Hdf5Writer() {
    }

    /** Peak heap for writing {@code rows} × {@code columns} values (the arrays plus jhdf's copy). */
    public static long heapBytes(long rows, int columns) {
        return 16L * rows * columns;
    }

    /**
     * @param columns name → values, in the order the datasets are written; names are plain (no {@code /}),
     *     all arrays the same length, 1 … {@value #MAX_ROWS}. Not modified.
     * @throws IllegalArgumentException for no columns, a bad name, unequal lengths, 0 rows or more than
     *     {@value #MAX_ROWS}
     * @throws IOException if the file cannot be written (the temporary file is removed)
     */
    public static void write(Path file, Map<String, double[]> columns) throws IOException {
        check(columns);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            WritableHdfFile f = HdfFile.write(tmp);
            try {
                WritableGroup g = f.putGroup(GROUP);
                columns.forEach(g::putDataset);
                f.close();
            } catch (RuntimeException e) {
                JhdfWriting.closeAfterFailure(f);
                throw e;
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot write " + file + ": " + Hdf5Errors.brief(e), e);
        }
    }

    private static void check(Map<String, double[]> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("no columns to write");
        }
        int rows = -1;
        for (Map.Entry<String, double[]> e : columns.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.contains("/") || name.equals(".")) {
                throw new IllegalArgumentException("column name '" + name + "' cannot be an HDF5 dataset name");
            }
            int n = e.getValue().length;
            if (rows >= 0 && n != rows) {
                throw new IllegalArgumentException("column '" + name + "' has " + n + " rows, the first has " + rows);
            }
            rows = n;
        }
        if (rows == 0 || rows > MAX_ROWS) {
            throw new IllegalArgumentException(rows + " rows: an HDF5 file is written with 1 to " + MAX_ROWS
                    + " rows (jhdf holds it in memory)");
        }
    }
}
