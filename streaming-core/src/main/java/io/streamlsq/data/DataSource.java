package io.streamlsq.data;

import java.io.IOException;
import java.util.List;

/**
 * Rows of named float64 columns, read in chunks. A source is opened once per pass (or once per worker
 * thread per pass) and must give the same rows, in the same chunks, every time it is opened.
 *
 * <p>Implementations: {@link InMemoryDataSource}, {@link SyntheticDataSource}; file formats live in
 * adapter modules.
 */
public interface DataSource extends AutoCloseable {

    /** Names of the columns this source can provide, in its own order. */
    List<String> columnNames();

    /** Number of chunks, or -1 when it is not known before reading (streams). */
    long chunkCount();

    /** Number of rows, or -1 when it is not known before reading. */
    long rowCount();

    /** Upper bound on the rows of any chunk; consumers size their buffers with it. */
    int maxChunkRows();

    /** Whether {@link ChunkCursor#seek(long)} works, so that several threads can read distinct chunks. */
    boolean isRandomAccess();

    /**
     * Opens a cursor over {@code columns} (in that order in every chunk), positioned at chunk
     * {@code firstChunk}.
     *
     * @throws IllegalArgumentException if a column does not exist (the message lists those that do)
     * @throws IOException if the source cannot be read
     */
    ChunkCursor open(List<String> columns, long firstChunk) throws IOException;

    /**
     * A stable identification of the content, so that a checkpoint can refuse to resume on other data.
     * Equal fingerprints mean "the same rows in the same chunks" with high probability.
     */
    String fingerprint() throws IOException;

    /**
     * Rows that the source's {@link InvalidRows#SKIP} policy dropped, counted once per chunk over the
     * distinct chunks read so far (after a full pass: the whole file). 0 for sources without such a policy.
     */
    default long skippedRows() {
        return 0;
    }

    /** Human-readable name used in messages, e.g. a file path. */
    String describe();

    @Override
    default void close() throws IOException {
    }

    /** Index of {@code name} in {@link #columnNames()}, or an exception naming the available columns. */
    static int requireColumn(DataSource source, String name) {
        int i = source.columnNames().indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("column '" + name + "' not found in " + source.describe()
                    + "; available columns: " + String.join(", ", source.columnNames()));
        }
        return i;
    }
}
