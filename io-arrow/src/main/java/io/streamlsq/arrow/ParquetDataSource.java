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
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
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
        return new Cursor(columns, firstChunk);
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

    private final class Cursor implements ChunkCursor {
        private final BufferAllocator child;
        private final FileSystemDatasetFactory factory;
        private final Dataset dataset;
        private final Scanner scanner;
        private final ArrowReader reader;
        private final BatchConverter converter;
        private final Chunk chunk;
        private final int columns;
        private final List<FieldVector> vectors = new ArrayList<>();
        private long index;
        private long row;

        Cursor(List<String> names, long firstChunk) throws IOException {
            BatchConverter.resolve(schema, names, path.toString());
            this.columns = names.size();
            this.child = allocator.newChildAllocator("parquet-cursor-" + CURSORS.incrementAndGet(), 0, Long.MAX_VALUE);
            FileSystemDatasetFactory f = null;
            Dataset d = null;
            Scanner s = null;
            ArrowReader r = null;
            try {
                f = new FileSystemDatasetFactory(child, NativeMemoryPool.getDefault(), FileFormat.PARQUET,
                        path.toAbsolutePath().toUri().toString());
                d = f.finish();
                s = d.newScan(new ScanOptions(BATCH_ROWS, Optional.of(names.toArray(new String[0]))));
                r = s.scanBatches();
            } catch (RuntimeException e) {
                ArrowFileDataSource.closeQuietly(r, s, d, f);
                child.close();
                throw new InvalidDataException(path + " could not be scanned (truncated or corrupt?): " + e.getMessage());
            }
            this.factory = f;
            this.dataset = d;
            this.scanner = s;
            this.reader = r;
            this.converter = new BatchConverter(path.toString(), names, policy, (int) BATCH_ROWS);
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
            try {
                return reader.loadNextBatch();
            } catch (IOException | RuntimeException e) {
                throw new InvalidDataException(path + ": batch " + index + " is unreadable (truncated or corrupt?): "
                        + e.getMessage());
            }
        }

        @Override
        public Chunk next() throws IOException {
            if (!load()) {
                return null;
            }
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            vectors.clear();
            for (int c = 0; c < columns; c++) {
                vectors.add(root.getVector(c));
            }
            long[] dropped = {0};
            int rowsInBatch = root.getRowCount();
            int n = converter.convert(vectors, rowsInBatch, row, dropped);
            skipped.put(index, dropped[0]);
            for (int c = 0; c < columns; c++) {
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
                ArrowFileDataSource.closeQuietly(reader, scanner, dataset, factory);
            } finally {
                child.close();
            }
        }
    }
}
