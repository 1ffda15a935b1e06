package io.streamlsq.arrow;

import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.Fnv;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import java.nio.channels.Channels;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow IPC stream ({@code .arrows}): record batches one after the other, read sequentially (a pass
 * that starts at chunk k reads and drops the batches before it). Chunks of at most {@code chunkRows} rows: a
 * larger batch is cut into equal chunks by the rule of {@link SubChunks}, applied to each batch as it is
 * read, so the chunks are the same on every pass. Memory: one batch as written (Arrow's reader loads a batch
 * whole) plus {@code columns × chunkRows} converted doubles.
 */
public final class ArrowStreamDataSource implements DataSource {
    private static final AtomicInteger CURSORS = new AtomicInteger();

    private final Path path;
    private final BufferAllocator allocator;
    private final InvalidRows policy;
    private final Schema schema;
    private final int chunkRows;
    private final ConcurrentHashMap<Long, Long> skipped = new ConcurrentHashMap<>();

    private ArrowStreamDataSource(Path path, BufferAllocator allocator, InvalidRows policy, Schema schema, int chunkRows) {
        this.path = path;
        this.allocator = allocator;
        this.policy = policy;
        this.schema = schema;
        this.chunkRows = chunkRows;
    }

    /** {@link #open(Path, BufferAllocator, InvalidRows, int)} with chunks of at most 65 536 rows. */
    public static ArrowStreamDataSource open(Path path, BufferAllocator allocator, InvalidRows policy) throws IOException {
        return open(path, allocator, policy, SubChunks.DEFAULT_CHUNK_ROWS);
    }

    /**
     * Reads the schema message.
     *
     * @throws IllegalArgumentException if {@code chunkRows < 1}
     */
    public static ArrowStreamDataSource open(Path path, BufferAllocator allocator, InvalidRows policy, int chunkRows)
            throws IOException {
        SubChunks.requireChunkRows(path.toString(), chunkRows);
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        ArrowFileDataSource.requireRegularFile(path);
        if (Files.size(path) == 0) {
            throw new InvalidDataException(path + " is empty");
        }
        try (BufferAllocator probe = allocator.newChildAllocator("arrow-stream-schema", 0, Long.MAX_VALUE);
                InputStream in = new BufferedInputStream(Files.newInputStream(path));
                ArrowStreamReader reader = new ArrowStreamReader(in, probe, CommonsCompressionFactory.INSTANCE)) {
            Schema schema = reader.getVectorSchemaRoot().getSchema();
            BatchConverter.requireUniqueNames(schema, path.toString());
            return new ArrowStreamDataSource(path, allocator, policy, schema, chunkRows);
        } catch (InvalidDataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidDataException(path + " is not a readable Arrow IPC stream (truncated or corrupt?): "
                    + e.getMessage());
        }
    }

    @Override
    public List<String> columnNames() {
        return schema.getFields().stream().map(Field::getName).toList();
    }

    @Override
    public long chunkCount() {
        return -1;
    }

    @Override
    public long rowCount() {
        return -1;
    }

    /** {@code chunkRows}: the batches' sizes are not known before the stream is read. */
    @Override
    public int maxChunkRows() {
        return chunkRows;
    }

    @Override
    public boolean isRandomAccess() {
        return false;
    }

    @Override
    public long skippedRows() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
        int[] fields = BatchConverter.resolve(schema, columns, path.toString());
        BufferAllocator child = allocator.newChildAllocator("arrow-stream-cursor-" + CURSORS.incrementAndGet(), 0,
                Long.MAX_VALUE);
        InputStream in = null;
        try {
            in = new BufferedInputStream(Files.newInputStream(path), 1 << 20);
            EndMarkerReader messages = new EndMarkerReader(new ReadChannel(Channels.newChannel(in)), child);
            ArrowStreamReader reader = new ArrowStreamReader(messages, child, CommonsCompressionFactory.INSTANCE);
            return new ReaderCursor(path.toString(), reader, columns, fields, policy, chunkRows, skipped, firstChunk,
                    messages::sawEndMarker, in, child);
        } catch (IOException | RuntimeException e) {
            ArrowFileDataSource.closeQuietly(in, child);
            throw e;
        }
    }

    /**
     * Tells the end-of-stream marker (0xFFFFFFFF 0x00000000, or the legacy 0x00000000) from the plain end of
     * the bytes: the stock reader treats both as the end, but a stream without its marker is incomplete (cut
     * on a batch boundary, or its writer never finished).
     */
    static final class EndMarkerReader extends MessageChannelReader {
        private boolean sawEndMarker;

        EndMarkerReader(ReadChannel in, BufferAllocator allocator) {
            super(in, allocator);
        }

        @Override
        public MessageResult readNext() throws IOException {
            long before = in.bytesRead();
            MessageResult r = super.readNext();
            if (r == null) {
                // the stock reader returns null after reading 4 zero bytes (legacy marker), 8 bytes (marker), or
                // fewer than 4 bytes (the end of the input)
                long n = in.bytesRead() - before;
                sawEndMarker = n == 4 || n == 8;
            }
            return r;
        }

        boolean sawEndMarker() {
            return sawEndMarker;
        }
    }

    /** Size, modification time, schema, chunk rows and a hash of the first 1 MiB. */
    @Override
    public String fingerprint() throws IOException {
        long h = Fnv.mix(0xcbf29ce484222325L, schema.toJson().hashCode());
        try (InputStream in = Files.newInputStream(path)) {
            byte[] b = in.readNBytes(1 << 20);
            for (byte x : b) {
                h = Fnv.mix(h, x);
            }
        }
        return "arrows:size=" + Files.size(path) + ":mtime=" + Files.getLastModifiedTime(path).toMillis() + ":chunk="
                + chunkRows + ":fnv=" + Long.toHexString(h);
    }

    @Override
    public String describe() {
        return path.toString();
    }

}
