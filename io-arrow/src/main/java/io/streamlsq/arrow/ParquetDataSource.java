package io.streamlsq.arrow;

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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A Parquet file read through Arrow Dataset (its native reader): a pass scans the requested columns in
 * the batches the reader produces (they follow the row groups), sequentially; a pass that starts at batch
 * k drops the k batches before it.
 */
public final class ParquetDataSource implements DataSource {
    private static final AtomicInteger CURSORS = new AtomicInteger();
    static final long BATCH_ROWS = 1 << 16;

    private final Path path;
    private final BufferAllocator allocator;
    private final InvalidRows policy;
    private final Schema schema;
    private final ConcurrentHashMap<Long, Long> skipped = new ConcurrentHashMap<>();

    private ParquetDataSource(Path path, BufferAllocator allocator, InvalidRows policy, Schema schema) {
        this.path = path;
        this.allocator = allocator;
        this.policy = policy;
        this.schema = schema;
    }

    /** Reads the schema. */
    public static ParquetDataSource open(Path path, BufferAllocator allocator, InvalidRows policy) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (Files.size(path) == 0) {
            throw new InvalidDataException(path + " is empty");
        }
        checkMagic(path);
        try (BufferAllocator probe = allocator.newChildAllocator("parquet-schema", 0, Long.MAX_VALUE);
                FileSystemDatasetFactory factory = new FileSystemDatasetFactory(probe, NativeMemoryPool.getDefault(),
                        FileFormat.PARQUET, path.toAbsolutePath().toUri().toString())) {
            return new ParquetDataSource(path, allocator, policy, factory.inspect());
        } catch (RuntimeException e) {
            throw new InvalidDataException(path + " is not a readable Parquet file (truncated or corrupt?): " + e.getMessage());
        }
    }

    /** A Parquet file starts and ends with "PAR1"; a truncated one has lost its footer. */
    private static void checkMagic(Path path) throws IOException {
        long size = Files.size(path);
        byte[] head = new byte[4];
        byte[] tail = new byte[4];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.read(java.nio.ByteBuffer.wrap(head), 0);
            if (size >= 8) {
                ch.read(java.nio.ByteBuffer.wrap(tail), size - 4);
            }
        }
        if (size < 12 || !new String(head, java.nio.charset.StandardCharsets.US_ASCII).equals("PAR1")
                || !new String(tail, java.nio.charset.StandardCharsets.US_ASCII).equals("PAR1")) {
            throw new InvalidDataException(path + " is not a complete Parquet file (the PAR1 markers at its start and "
                    + "end are missing: truncated or not Parquet)");
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

    @Override
    public int maxChunkRows() {
        return (int) BATCH_ROWS;
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
        BatchConverter.resolve(schema, columns, path.toString());
        BufferAllocator child = allocator.newChildAllocator("parquet-cursor-" + CURSORS.incrementAndGet(), 0, Long.MAX_VALUE);
        FileSystemDatasetFactory factory = null;
        Dataset dataset = null;
        Scanner scanner = null;
        ArrowReader reader;
        try {
            factory = new FileSystemDatasetFactory(child, NativeMemoryPool.getDefault(), FileFormat.PARQUET,
                    path.toAbsolutePath().toUri().toString());
            dataset = factory.finish();
            scanner = dataset.newScan(new ScanOptions(BATCH_ROWS, Optional.of(columns.toArray(new String[0]))));
            reader = scanner.scanBatches();
        } catch (RuntimeException e) {
            ArrowFileDataSource.closeQuietly(scanner, dataset, factory, child);
            throw new InvalidDataException(path + " could not be scanned (truncated or corrupt?): " + e.getMessage());
        }
        int[] projected = new int[columns.size()];
        for (int c = 0; c < projected.length; c++) {
            projected[c] = c; // the scan returns the requested columns, in order
        }
        return new ReaderCursor(path.toString(), reader, columns, projected, policy, skipped, firstChunk, scanner, dataset,
                factory, child);
    }

    /** Size, modification time, schema and a hash of the footer (the last 64 KiB). */
    @Override
    public String fingerprint() throws IOException {
        long size = Files.size(path);
        long h = Fnv.mix(0xcbf29ce484222325L, schema.toJson().hashCode());
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            var buf = java.nio.ByteBuffer.allocate((int) Math.min(size, 65_536));
            ch.read(buf, size - buf.capacity());
            buf.flip();
            while (buf.hasRemaining()) {
                h = Fnv.mix(h, buf.get());
            }
        }
        return "parquet:size=" + size + ":mtime=" + Files.getLastModifiedTime(path).toMillis() + ":fnv=" + Long.toHexString(h);
    }

    @Override
    public String describe() {
        return path.toString();
    }

}
