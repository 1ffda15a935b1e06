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
 * A cursor over a sequential {@link ArrowReader} (an IPC stream): each batch, as it is loaded, is cut into
 * chunks of at most {@code chunkRows} rows by the rule of {@link SubChunks} (one chunk when it is not
 * larger), and its chunks are served one by one from the loaded batch; a pass that starts at chunk k reads
 * and drops the batches before it. Closes the reader and whatever else it is given (child allocator, input)
 * in order.
 */
final class ReaderCursor implements ChunkCursor {
    private final String file;
    private final ArrowReader reader;
    private final int[] fieldIndex;
    private final int chunkRows;
    private final BatchConverter converter;
    private final Map<Long, Long> skipped;
    private final AutoCloseable[] resources;
    private final java.util.function.BooleanSupplier complete;
    private final Chunk chunk;
    private final List<FieldVector> vectors = new ArrayList<>();
    /** Batches loaded so far; the loaded one (if any) is number batches - 1. */
    private long batches;
    /** Rows of the loaded batch, its number of chunks, the next of them to serve (== pieces: none left). */
    private int batchRows;
    private int pieces;
    private int piece;
    /** Row number of the loaded batch's first row, and index of its first chunk. */
    private long batchFirstRow;
    private long batchFirstChunk;
    /** The reader has reported its end (asking it again would read past the end-of-stream marker). */
    private boolean ended;

    /**
     * @param fieldIndex positions in the reader's schema of the requested columns
     * @param skipped where the SKIP policy records, per chunk, the rows it dropped (only chunks that dropped some)
     * @param complete asked when the reader has no more batches: whether the input ended as a complete stream
     *     (false: refused as incomplete)
     * @param resources closed after the reader, in order
     */
    ReaderCursor(String file, ArrowReader reader, List<String> names, int[] fieldIndex, InvalidRows policy,
            int chunkRows, Map<Long, Long> skipped, long firstChunk, java.util.function.BooleanSupplier complete,
            AutoCloseable... resources) throws IOException {
        this.complete = complete;
        this.file = file;
        this.reader = reader;
        this.fieldIndex = fieldIndex;
        this.chunkRows = chunkRows;
        this.converter = new BatchConverter(file, names, policy, Math.min(chunkRows, SubChunks.DEFAULT_CHUNK_ROWS));
        this.skipped = skipped;
        this.resources = resources;
        this.chunk = new Chunk(names.size());
        try {
            // skip whole batches before firstChunk, then the chunks of the batch that holds it
            while (load()) {
                if (batchFirstChunk + pieces > firstChunk) {
                    piece = (int) Math.max(0, firstChunk - batchFirstChunk);
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Loads the next batch (false at the end of a complete stream) and lays out its chunks. */
    private boolean load() throws IOException {
        if (ended) {
            return false;
        }
        boolean loaded;
        try {
            loaded = reader.loadNextBatch();
        } catch (IOException | RuntimeException e) {
            throw new InvalidDataException(file + ": record batch " + batches + " is unreadable (truncated or corrupt?): "
                    + ParquetDataSource.cause(e));
        }
        if (!loaded && !complete.getAsBoolean()) {
            throw new InvalidDataException(file + " ends after " + batches + " record batches without the Arrow "
                    + "end-of-stream marker: the stream is incomplete (truncated, or its writer did not finish)");
        }
        batchFirstRow += batchRows;
        batchFirstChunk += pieces;
        if (!loaded) {
            ended = true;
            batchRows = 0;
            pieces = 0;
            piece = 0;
            return false;
        }
        batches++;
        batchRows = reader.getVectorSchemaRoot().getRowCount();
        pieces = SubChunks.pieces(batchRows, chunkRows);
        piece = 0;
        return true;
    }

    @Override
    public Chunk next() throws IOException {
        if (piece >= pieces && !load()) {
            return null;
        }
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        vectors.clear();
        for (int f : fieldIndex) {
            vectors.add(root.getVector(f));
        }
        int from = SubChunks.pieceStart(batchRows, pieces, piece);
        int n = SubChunks.pieceRows(batchRows, pieces, piece);
        long index = batchFirstChunk + piece;
        long first = batchFirstRow + from;
        long[] dropped = {0};
        int kept = converter.convert(vectors, from, n, first, dropped);
        if (dropped[0] == 0) {
            skipped.remove(index);
        } else {
            skipped.put(index, dropped[0]);
        }
        for (int c = 0; c < fieldIndex.length; c++) {
            chunk.setColumn(c, converter.columns[c]);
        }
        chunk.set(index, first, 0, kept);
        piece++;
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
