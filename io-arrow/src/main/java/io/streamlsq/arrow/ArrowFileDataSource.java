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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
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
 * An Arrow IPC file (also Feather v2, LZ4/ZSTD-compressed buffers included): one chunk per record batch,
 * random access through the file footer, so a pass can start at any batch and every worker reads its own
 * batches with its own reader. Memory: each cursor holds one batch in a named child of the caller's
 * allocator plus the converted columns; nothing grows with the file.
 */
public final class ArrowFileDataSource implements DataSource {
    private static final AtomicInteger CURSORS = new AtomicInteger();

    private final Path path;
    private final BufferAllocator allocator;
    private final InvalidRows policy;
    private final Schema schema;
    private final List<ArrowBlock> blocks;
    private final long[] firstRow;
    private final int[] batchRows;
    private final long rows;
    private final int maxRows;
    private final AtomicLongArray skipped;
    /** Per batch, for the memory-mapped fast path; null entries (or a null array) fall back to the stock reader. */
    private final MappedBatches.Layout[] layouts;
    private String fingerprint;

    private ArrowFileDataSource(Path path, BufferAllocator allocator, InvalidRows policy, Schema schema,
            List<ArrowBlock> blocks, int[] batchRows, MappedBatches.Layout[] layouts) {
        this.layouts = layouts;
        this.path = path;
        this.allocator = allocator;
        this.policy = policy;
        this.schema = schema;
        this.blocks = List.copyOf(blocks);
        this.batchRows = batchRows;
        this.firstRow = new long[batchRows.length];
        long total = 0;
        int max = 1;
        for (int k = 0; k < batchRows.length; k++) {
            firstRow[k] = total;
            total += batchRows[k];
            max = Math.max(max, batchRows[k]);
        }
        this.rows = total;
        this.maxRows = max;
        this.skipped = new AtomicLongArray(Math.max(1, batchRows.length));
    }

    /**
     * Reads the schema and the footer (and each batch's row count from its metadata, not its data).
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws InvalidDataException if it is empty, truncated or not an Arrow IPC file
     */
    public static ArrowFileDataSource open(Path path, BufferAllocator allocator, InvalidRows policy) throws IOException {
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
            return new ArrowFileDataSource(path, allocator, policy, schema, blocks, counts, layouts);
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
        return blocks.size();
    }

    @Override
    public long rowCount() {
        return rows;
    }

    @Override
    public int maxChunkRows() {
        return maxRows;
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
        int[] idx = BatchConverter.resolve(schema, columns, path.toString());
        return new Cursor(columns, idx, firstChunk);
    }

    /** Size, modification time, schema, batch layout, and a hash of the first and last batch's bytes. */
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
                    + ":batches=" + blocks.size() + ":rows=" + rows + ":fnv=" + Long.toHexString(h);
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
            this.window = new MappedBatches.Window(ch);
            this.converter = new BatchConverter(path.toString(), names, policy, maxRows);
            this.chunk = new Chunk(names.size());
            this.next = firstChunk;
        }

        @Override
        public Chunk next() throws IOException {
            if (next >= blocks.size()) {
                return null;
            }
            int k = (int) next;
            if (mapped(k)) {
                next++;
                return chunk;
            }
            try {
                if (!reader.loadRecordBatch(blocks.get(k))) {
                    throw new InvalidDataException(path + ": record batch " + k + " could not be read (truncated?)");
                }
            } catch (IOException | IllegalStateException | IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new InvalidDataException(path + ": record batch " + k + " is unreadable (truncated or corrupt?): "
                        + e.getMessage());
            }
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            vectors.clear();
            for (int f : fieldIndex) {
                vectors.add(root.getVector(f));
            }
            long[] dropped = {0};
            int n = converter.convert(vectors, root.getRowCount(), firstRow[k], dropped);
            skipped.set(k, dropped[0]);
            for (int c = 0; c < fieldIndex.length; c++) {
                chunk.setColumn(c, converter.columns[c]);
            }
            chunk.set(k, firstRow[k], 0, n);
            next++;
            return chunk;
        }

        /** The fast path: values straight from the mapping when batch k is uncompressed and the columns have no nulls. */
        private boolean mapped(int k) throws IOException {
            MappedBatches.Layout layout = layouts[k];
            if (layout == null || layout.compressed()) {
                return false;
            }
            for (int f : fieldIndex) {
                if (layout.nullCount()[f] != 0 || layout.valueOffset()[f] < 0) {
                    return false;
                }
            }
            int rowsInBatch = batchRows[k];
            if (converter.columns[0].length < rowsInBatch) {
                converter.columns = new double[fieldIndex.length][rowsInBatch];
            }
            try {
                for (int c = 0; c < fieldIndex.length; c++) {
                    int f = fieldIndex[c];
                    window.read(layout.valueOffset()[f], schema.getFields().get(f).getType(), converter.columns[c], rowsInBatch);
                }
            } catch (IOException | RuntimeException e) {
                throw new InvalidDataException(path + ": record batch " + k + " is unreadable (truncated or corrupt?): "
                        + e.getMessage());
            }
            int n = policy == InvalidRows.SKIP ? BatchConverter.dropNonFinite(converter.columns, rowsInBatch) : rowsInBatch;
            skipped.set(k, rowsInBatch - n);
            for (int c = 0; c < fieldIndex.length; c++) {
                chunk.setColumn(c, converter.columns[c]);
            }
            chunk.set(k, firstRow[k], 0, n);
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
