package io.streamlsq.arrow;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.Fnv;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow IPC file (also Feather v2, LZ4/ZSTD-compressed buffers included), read in chunks of at most
 * {@code chunkRows} rows: a record batch larger than that is cut into equal chunks ({@link SubChunks} has the
 * rule), smaller batches are one chunk each. Random access through the file footer, so a pass can start at any
 * chunk and every worker reads its own chunks with its own reader.
 *
 * <p>Cost and memory per cursor (one per worker): an uncompressed batch whose used columns have no nulls (the
 * mapped fast path) is read one chunk's rows at a time, straight from a mapping of the file, so a chunk costs
 * its own rows whatever the batch size. Any other batch (compressed buffers, or nulls in a used column) can
 * only be loaded whole by Arrow's reader; the cursor keeps the last batch it loaded and serves every chunk
 * of that batch from it, so a cursor that reads consecutive chunks of a batch loads it once. Workers claim
 * chunks in turn, so each worker that reads a chunk of a large compressed batch loads (decompresses) that
 * batch once: up to {@code threads} loads of it per pass, in parallel. Memory: the loaded batch in a named
 * child of the caller's allocator (one batch, as written, per worker) plus {@code columns × maxChunkRows}
 * converted doubles; nothing grows with the file.
 */
public final class ArrowFileDataSource implements DataSource {
    private static final AtomicInteger CURSORS = new AtomicInteger();

    private final Path path;
    private final BufferAllocator allocator;
    private final InvalidRows policy;
    private final Schema schema;
    private final List<ArrowBlock> blocks;
    private final int[] batchRows;
    private final SubChunks chunks;
    /** Rows the SKIP policy dropped, by chunk; only chunks that dropped some (bounded by the rows dropped). */
    private final ConcurrentHashMap<Long, Long> skipped = new ConcurrentHashMap<>();
    /** Per batch, for the memory-mapped fast path; null entries (or a null array) fall back to the stock reader. */
    private final MappedBatches.Layout[] layouts;
    private String fingerprint;
    /** The whole file mapped once, shared by all cursors until {@link #close()}; made by the first cursor. */
    private MappedBatches.SharedMapping mapping;
    private boolean closed;

    private synchronized MappedBatches.SharedMapping mapping(FileChannel ch) throws IOException {
        if (closed) {
            throw new IOException(path + " is closed");
        }
        if (mapping == null) {
            mapping = new MappedBatches.SharedMapping(ch);
        }
        return mapping;
    }

    /** Unmaps the shared mapping; no cursor of this source may be in use. */
    @Override
    public synchronized void close() {
        closed = true;
        if (mapping != null) {
            mapping.close();
            mapping = null;
        }
    }

    private ArrowFileDataSource(Path path, BufferAllocator allocator, InvalidRows policy, Schema schema,
            List<ArrowBlock> blocks, int[] batchRows, MappedBatches.Layout[] layouts, int chunkRows) {
        this.layouts = layouts;
        this.path = path;
        this.allocator = allocator;
        this.policy = policy;
        this.schema = schema;
        this.blocks = List.copyOf(blocks);
        this.batchRows = batchRows;
        this.chunks = new SubChunks(path.toString(), java.util.Arrays.stream(batchRows).asLongStream().toArray(), chunkRows);
    }

    /** {@link #open(Path, BufferAllocator, InvalidRows, int)} with chunks of at most 65 536 rows. */
    public static ArrowFileDataSource open(Path path, BufferAllocator allocator, InvalidRows policy) throws IOException {
        return open(path, allocator, policy, SubChunks.DEFAULT_CHUNK_ROWS);
    }

    /**
     * Reads the schema and the footer (and each batch's row count from its metadata, not its data), and lays
     * out the chunks: at most {@code chunkRows} rows each, a larger batch cut into equal chunks.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws InvalidDataException if it is empty, truncated or not an Arrow IPC file
     * @throws IllegalArgumentException if {@code chunkRows < 1}
     */
    public static ArrowFileDataSource open(Path path, BufferAllocator allocator, InvalidRows policy, int chunkRows)
            throws IOException {
        SubChunks.requireChunkRows(path.toString(), chunkRows);
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        ArrowFileDataSource.requireRegularFile(path);
        if (Files.size(path) == 0) {
            throw new InvalidDataException(path + " is empty");
        }
        long size = Files.size(path);
        try (BufferAllocator probe = allocator.newChildAllocator("arrow-footer " + path.getFileName(), 0, Long.MAX_VALUE);
                FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(ch, probe, CommonsCompressionFactory.INSTANCE)) {
            long footerStart = ArrowFileCheck.footerStart(path, ch, size);
            Schema schema;
            List<ArrowBlock> blocks;
            List<ArrowBlock> dictionaryBlocks;
            try {
                schema = reader.getVectorSchemaRoot().getSchema();
                blocks = reader.getRecordBlocks();
                dictionaryBlocks = reader.getDictionaryBlocks();
            } catch (IOException | RuntimeException e) {
                throw new InvalidDataException(path + ": the footer is damaged (it cannot be decoded: "
                        + ParquetDataSource.cause(e) + ")");
            }
            BatchConverter.requireUniqueNames(schema, path.toString());
            ArrowFileCheck.sameSchema(path, ch, schema, footerStart);
            ArrowFileCheck.contiguous(path, ch, dictionaryBlocks, blocks, footerStart);
            int[] counts = new int[blocks.size()];
            MappedBatches.Layout[] layouts = new MappedBatches.Layout[blocks.size()];
            long previousEnd = 8;
            for (int k = 0; k < counts.length; k++) {
                ArrowBlock b = blocks.get(k);
                RecordBatch rb;
                try {
                    rb = ArrowFileCheck.block(path, ch, k, b, previousEnd, footerStart, schema);
                } catch (RuntimeException e) {
                    if (e instanceof InvalidDataException ide) {
                        throw ide;
                    }
                    throw new InvalidDataException(path + ": the footer or record batch " + k + " is damaged: its "
                            + "metadata cannot be decoded (" + ParquetDataSource.cause(e) + ")");
                }
                previousEnd = b.getOffset() + b.getMetadataLength() + b.getBodyLength();
                counts[k] = (int) rb.length();
                layouts[k] = MappedBatches.layout(schema, rb, b.getOffset() + b.getMetadataLength());
            }
            return new ArrowFileDataSource(path, allocator, policy, schema, blocks, counts, layouts, chunkRows);
        } catch (InvalidDataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidDataException(path + " could not be read as an Arrow IPC file (damaged?): "
                    + ParquetDataSource.cause(e));
        }
    }

    @Override
    public List<String> columnNames() {
        return schema.getFields().stream().map(Field::getName).toList();
    }

    @Override
    public long chunkCount() {
        return chunks.chunkCount();
    }

    @Override
    public long rowCount() {
        return chunks.rowCount();
    }

    /** The largest chunk: at most the {@code chunkRows} the source was opened with. */
    @Override
    public int maxChunkRows() {
        return chunks.maxChunkRows();
    }

    @Override
    public boolean isRandomAccess() {
        return true;
    }

    @Override
    public long skippedRows() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Records that chunk {@code k} dropped {@code n} rows (replacing what an earlier read of it recorded). */
    private void recordSkipped(long k, long n) {
        if (n == 0) {
            skipped.remove(k);
        } else {
            skipped.put(k, n);
        }
    }

    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
        int[] idx = BatchConverter.resolve(schema, columns, path.toString());
        return new Cursor(columns, idx, firstChunk);
    }

    /** Size, modification time, schema, batch layout, chunk rows, and a hash of the first and last batch's bytes. */
    @Override
    public synchronized String fingerprint() throws IOException {
        if (fingerprint == null) {
            long h = 0xcbf29ce484222325L;
            h = Fnv.mix(h, schema.toJson().hashCode());
            for (int r : batchRows) {
                h = Fnv.mix(h, r);
            }
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                if (!blocks.isEmpty()) {
                    h = hashRange(h, ch, blocks.get(0));
                    h = hashRange(h, ch, blocks.get(blocks.size() - 1));
                }
            }
            fingerprint = "arrow:size=" + Files.size(path) + ":mtime=" + Files.getLastModifiedTime(path).toMillis()
                    + ":batches=" + blocks.size() + ":rows=" + chunks.rowCount() + ":chunk=" + chunks.chunkRows()
                    + ":fnv=" + Long.toHexString(h);
        }
        return fingerprint;
    }

    private static long hashRange(long h, FileChannel ch, ArrowBlock b) throws IOException {
        long len = Math.min(b.getMetadataLength() + b.getBodyLength(), 1 << 20);
        var buf = java.nio.ByteBuffer.allocate((int) len);
        ch.position(b.getOffset());
        while (buf.hasRemaining() && ch.read(buf) > 0) {
            // fill
        }
        buf.flip();
        while (buf.remaining() >= 8) {
            h = Fnv.mix(h, buf.getLong());
        }
        return h;
    }

    @Override
    public String describe() {
        return path.toString();
    }

    private final class Cursor implements ChunkCursor {
        private final BufferAllocator child;
        private final FileChannel channel;
        private final ArrowFileReader reader;
        private final int[] fieldIndex;
        private final BatchConverter converter;
        private final Chunk chunk;
        private final List<FieldVector> vectors = new ArrayList<>();
        private final MappedBatches.Window window;
        private long next;
        /** The batch the stock reader holds (its chunks are served without loading it again), or -1. */
        private int loaded = -1;

        Cursor(List<String> names, int[] fieldIndex, long firstChunk) throws IOException {
            this.fieldIndex = fieldIndex;
            this.child = allocator.newChildAllocator("arrow-cursor-" + CURSORS.incrementAndGet() + " " + path.getFileName(),
                    0, Long.MAX_VALUE);
            FileChannel ch = null;
            ArrowFileReader r = null;
            try {
                ch = FileChannel.open(path, StandardOpenOption.READ);
                r = new ArrowFileReader(ch, child, CommonsCompressionFactory.INSTANCE);
                r.getVectorSchemaRoot();
            } catch (IOException | RuntimeException e) {
                closeQuietly(r, ch);
                child.close();
                throw e;
            }
            this.channel = ch;
            this.reader = r;
            MappedBatches.Window w;
            try {
                w = MappedBatches.sharedByDefault() && layouts != null
                        ? new MappedBatches.Window(ch, mapping(ch)) : new MappedBatches.Window(ch);
            } catch (IOException | RuntimeException e) {
                closeQuietly(r, ch);
                child.close();
                throw e;
            }
            this.window = w;
            this.converter = new BatchConverter(path.toString(), names, policy, chunks.maxChunkRows());
            this.chunk = new Chunk(names.size());
            this.next = firstChunk;
        }

        @Override
        public Chunk next() throws IOException {
            if (next < 0 || next >= chunks.chunkCount()) {
                return null;
            }
            long k = next;
            int b = chunks.batchOf(k);
            int from = chunks.startInBatch(b, k);
            int n = chunks.rowsOf(b, k);
            long first = chunks.batchFirstRow(b) + from;
            if (mapped(k, b, from, n, first)) {
                next++;
                return chunk;
            }
            if (loaded != b) {
                loaded = -1;
                try {
                    if (!reader.loadRecordBatch(blocks.get(b))) {
                        throw new InvalidDataException(path + ": record batch " + b + " could not be read (truncated?)");
                    }
                } catch (IOException | IllegalStateException | IllegalArgumentException | IndexOutOfBoundsException e) {
                    if (e instanceof InvalidDataException ide) {
                        throw ide;
                    }
                    throw new InvalidDataException(path + ": record batch " + b + " is unreadable (truncated or corrupt?): "
                            + e.getMessage());
                }
                if (reader.getVectorSchemaRoot().getRowCount() != batchRows[b]) {
                    throw new InvalidDataException(path + ": record batch " + b + " holds "
                            + reader.getVectorSchemaRoot().getRowCount() + " rows; its metadata said " + batchRows[b]);
                }
                loaded = b;
            }
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            vectors.clear();
            for (int f : fieldIndex) {
                vectors.add(root.getVector(f));
            }
            long[] dropped = {0};
            int kept = converter.convert(vectors, from, n, first, dropped);
            recordSkipped(k, dropped[0]);
            for (int c = 0; c < fieldIndex.length; c++) {
                chunk.setColumn(c, converter.columns[c]);
            }
            chunk.set(k, first, 0, kept);
            next++;
            return chunk;
        }

        /**
         * The fast path: rows {@code [from, from + n)} of batch b straight from the mapping when the batch is
         * uncompressed and the used columns have no nulls; only those rows' bytes are mapped and copied.
         */
        private boolean mapped(long k, int b, int from, int n, long first) throws IOException {
            MappedBatches.Layout layout = layouts[b];
            if (layout == null || layout.compressed()) {
                return false;
            }
            for (int f : fieldIndex) {
                if (layout.nullCount()[f] != 0 || layout.valueOffset()[f] < 0) {
                    return false;
                }
            }
            if (converter.columns[0].length < n) {
                converter.columns = new double[fieldIndex.length][n];
            }
            try {
                for (int c = 0; c < fieldIndex.length; c++) {
                    int f = fieldIndex[c];
                    var type = schema.getFields().get(f).getType();
                    long at = layout.valueOffset()[f] + (long) from * MappedBatches.Window.width(type);
                    window.read(at, type, converter.columns[c], n);
                }
            } catch (IOException | RuntimeException e) {
                throw new InvalidDataException(path + ": record batch " + b + " is unreadable (truncated or corrupt?): "
                        + e.getMessage());
            }
            int kept = policy == InvalidRows.SKIP ? BatchConverter.dropNonFinite(converter.columns, n) : n;
            recordSkipped(k, n - kept);
            for (int c = 0; c < fieldIndex.length; c++) {
                chunk.setColumn(c, converter.columns[c]);
            }
            chunk.set(k, first, 0, kept);
            return true;
        }

        @Override
        public void seek(long chunkIndex) {
            next = chunkIndex;
        }

        @Override
        public void close() throws IOException {
            try {
                window.close();
                reader.close();
            } finally {
                channel.close();
                child.close();
            }
        }
    }

    /**
     * Refuses a named pipe, a device or /dev/stdin: every pass (and every worker) reopens the file and reads
     * it again, which a pipe cannot do, and keeping what went through it would take memory in proportion to
     * the rows.
     */
    static void requireRegularFile(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new InvalidDataException(path + " is not a regular file (a pipe or a device?): a fit reads its data "
                    + "several times, and a pipe can be read only once; write the data to a file first");
        }
    }

    static void closeQuietly(AutoCloseable... all) {
        for (AutoCloseable c : all) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // already failing
                }
            }
        }
    }
}
