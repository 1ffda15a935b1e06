package io.streamlsq.arrow;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes the rows of a source as an Arrow IPC file, an Arrow IPC stream or a Parquet file, with float64
 * columns and one record batch (row group) per {@code batchRows} rows. Every file is written under a
 * temporary name and renamed over the target when complete.
 */
public final class ArrowWriters {
    private ArrowWriters() {
    }

    /** Arrow IPC file. Returns the rows written. */
    public static long writeFile(DataSource source, List<String> columns, Path out, int batchRows,
            BufferAllocator allocator) throws IOException {
        return atomically(out, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                    BufferAllocator child = allocator.newChildAllocator("arrow-writer", 0, Long.MAX_VALUE);
                    VectorSchemaRoot root = VectorSchemaRoot.create(schema(columns), child);
                    ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
                long n = copy(source, columns, root, w, batchRows);
                ch.force(true);
                return n;
            }
        });
    }

    /** Arrow IPC stream. Returns the rows written. */
    public static long writeStream(DataSource source, List<String> columns, Path out, int batchRows,
            BufferAllocator allocator) throws IOException {
        return atomically(out, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp);
                    BufferAllocator child = allocator.newChildAllocator("arrow-stream-writer", 0, Long.MAX_VALUE);
                    VectorSchemaRoot root = VectorSchemaRoot.create(schema(columns), child);
                    ArrowStreamWriter w = new ArrowStreamWriter(root, null, os)) {
                return copy(source, columns, root, w, batchRows);
            }
        });
    }

    /** Parquet (through Arrow Dataset), one row group per batch. Returns the rows written. */
    public static long writeParquet(DataSource source, List<String> columns, Path out, int batchRows,
            BufferAllocator allocator) throws IOException {
        Path abs = out.toAbsolutePath();
        Path dir = Files.createTempDirectory(abs.getParent(), abs.getFileName() + ".parts");
        try (BufferAllocator child = allocator.newChildAllocator("parquet-writer", 0, Long.MAX_VALUE);
                SourceReader reader = new SourceReader(child, source, columns, batchRows)) {
            DatasetFileWriter.write(child, reader, FileFormat.PARQUET, dir.toUri().toString());
            awaitRelease(child);
            List<Path> parts;
            try (Stream<Path> s = Files.list(dir)) {
                parts = s.toList();
            }
            if (parts.size() != 1) {
                throw new IOException("Parquet writer produced " + parts.size() + " files in " + dir + ", expected 1");
            }
            Files.move(parts.get(0), abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return reader.rows;
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * The native writer releases the exported stream's schema on one of its own threads, shortly after
     * {@code write} returns; wait (at most 2 s) for it before the allocator is closed and checked.
     */
    private static void awaitRelease(BufferAllocator allocator) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (allocator.getAllocatedMemory() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static Schema schema(List<String> columns) {
        List<Field> fields = new ArrayList<>();
        for (String c : columns) {
            fields.add(new Field(c, FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null));
        }
        return new Schema(fields);
    }

    private interface Body {
        long write(Path tmp) throws IOException;
    }

    private static long atomically(Path out, Body body) throws IOException {
        Path abs = out.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try {
            long n = body.write(tmp);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return n;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static long copy(DataSource source, List<String> columns, VectorSchemaRoot root, ArrowWriter w,
            int batchRows) throws IOException {
        w.start();
        long total = 0;
        try (ChunkCursor cursor = source.open(columns, 0)) {
            Batcher b = new Batcher(root, columns.size(), batchRows);
            for (Chunk c = cursor.next(); c != null; c = cursor.next()) {
                for (int i = 0; i < c.rows(); i++) {
                    b.add(c, i);
                    if (b.full()) {
                        b.flush();
                        w.writeBatch();
                    }
                }
                total += c.rows();
            }
            if (b.size > 0) {
                b.flush();
                w.writeBatch();
            }
        }
        w.end();
        return total;
    }

    /** Fills the root's float64 vectors row by row up to a batch. */
    private static final class Batcher {
        final VectorSchemaRoot root;
        final Float8Vector[] vectors;
        final int batchRows;
        int size;

        Batcher(VectorSchemaRoot root, int columns, int batchRows) {
            this.root = root;
            this.batchRows = batchRows;
            this.vectors = new Float8Vector[columns];
            for (int c = 0; c < columns; c++) {
                vectors[c] = (Float8Vector) root.getVector(c);
                vectors[c].allocateNew(batchRows);
            }
        }

        void add(Chunk chunk, int i) {
            for (int c = 0; c < vectors.length; c++) {
                vectors[c].set(size, chunk.get(c, i));
            }
            size++;
        }

        boolean full() {
            return size == batchRows;
        }

        void flush() {
            for (Float8Vector v : vectors) {
                v.setValueCount(size);
            }
            root.setRowCount(size);
            size = 0;
        }
    }

    /** An ArrowReader over a DataSource, for the Dataset writer. */
    private static final class SourceReader extends ArrowReader {
        private final ChunkCursor cursor;
        private final List<String> columns;
        private final int batchRows;
        private Chunk pending;
        private int pendingOffset;
        long rows;

        SourceReader(BufferAllocator allocator, DataSource source, List<String> columns, int batchRows) throws IOException {
            super(allocator);
            this.columns = columns;
            this.batchRows = batchRows;
            this.cursor = source.open(columns, 0);
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            VectorSchemaRoot root = getVectorSchemaRoot();
            Batcher b = new Batcher(root, columns.size(), batchRows);
            while (!b.full()) {
                if (pending == null || pendingOffset >= pending.rows()) {
                    pending = cursor.next();
                    pendingOffset = 0;
                    if (pending == null) {
                        break;
                    }
                }
                b.add(pending, pendingOffset++);
            }
            int n = b.size;
            rows += n;
            b.flush();
            return n > 0;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() throws IOException {
            cursor.close();
        }

        @Override
        protected Schema readSchema() {
            return schema(columns);
        }
    }
}
