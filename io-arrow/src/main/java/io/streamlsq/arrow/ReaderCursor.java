package io.streamlsq.arrow;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * A cursor over a sequential {@link ArrowReader} (an IPC stream, a Dataset scan): one chunk per batch; a
 * pass that starts at batch k reads and drops the batches before it. Closes the reader and whatever else
 * it is given (scanner, dataset, child allocator) in order.
 */
final class ReaderCursor implements ChunkCursor {
    private final String file;
    private final ArrowReader reader;
    private final int[] fieldIndex;
    private final BatchConverter converter;
    private final Map<Long, Long> skipped;
    private final AutoCloseable[] resources;
    private final java.util.function.BooleanSupplier complete;
    private final Chunk chunk;
    private final List<FieldVector> vectors = new ArrayList<>();
    private long index;
    private long row;

    /**
     * @param fieldIndex positions in the reader's schema of the requested columns
     * @param skipped where the SKIP policy records, per batch, the rows it dropped
     * @param complete asked when the reader has no more batches: whether the input ended as a complete stream
     *     (false: refused as incomplete)
     * @param resources closed after the reader, in order
     */
    ReaderCursor(String file, ArrowReader reader, List<String> names, int[] fieldIndex, InvalidRows policy,
            Map<Long, Long> skipped, long firstChunk, java.util.function.BooleanSupplier complete,
            AutoCloseable... resources) throws IOException {
        this.complete = complete;
        this.file = file;
        this.reader = reader;
        this.fieldIndex = fieldIndex;
        this.converter = new BatchConverter(file, names, policy, 65_536);
        this.skipped = skipped;
        this.resources = resources;
        this.chunk = new Chunk(names.size());
        try {
            while (index < firstChunk && load()) {
                row += reader.getVectorSchemaRoot().getRowCount();
                index++;
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private boolean load() throws IOException {
        boolean loaded;
        try {
            loaded = reader.loadNextBatch();
        } catch (IOException | RuntimeException e) {
            throw new InvalidDataException(file + ": record batch " + index + " is unreadable (truncated or corrupt?): "
                    + ParquetDataSource.cause(e));
        }
        if (!loaded && !complete.getAsBoolean()) {
            throw new InvalidDataException(file + " ends after " + index + " record batches without the Arrow "
                    + "end-of-stream marker: the stream is incomplete (truncated, or its writer did not finish)");
        }
        return loaded;
    }

    @Override
    public Chunk next() throws IOException {
        if (!load()) {
            return null;
        }
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        vectors.clear();
        for (int f : fieldIndex) {
            vectors.add(root.getVector(f));
        }
        long[] dropped = {0};
        int rowsInBatch = root.getRowCount();
        int n = converter.convert(vectors, rowsInBatch, row, dropped);
        skipped.put(index, dropped[0]);
        for (int c = 0; c < fieldIndex.length; c++) {
            chunk.setColumn(c, converter.columns[c]);
        }
        chunk.set(index, row, 0, n);
        index++;
        row += rowsInBatch;
        return chunk;
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } finally {
            ArrowFileDataSource.closeQuietly(resources);
        }
    }
}
