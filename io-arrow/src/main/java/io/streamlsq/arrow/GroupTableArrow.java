package io.streamlsq.arrow;

import io.streamlsq.grouped.GroupResult;
import io.streamlsq.grouped.GroupTableWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The results table of a grouped fit as an Arrow IPC file or a Parquet file: float64 key, values, errors, cost and
 * ssr, int64 rows, iterations and evaluations, UTF-8 status and message, record batches (row groups) of
 * {@code batchRows} rows. Rows are streamed to an Arrow IPC file under a temporary name; for Parquet the commit
 * rewrites that file through Arrow Dataset's Parquet writer. Either way the target appears only when complete.
 */
public final class GroupTableArrow implements GroupTableWriter {
    /** The two layouts. */
    public enum Format { ARROW, PARQUET }

    private final Path target;
    private final Path tmp;
    private final Format format;
    private final BufferAllocator allocator;
    private final FileChannel channel;
    private final VectorSchemaRoot root;
    private final ArrowFileWriter writer;
    private final int p;
    private final int batchRows;
    private final Float8Vector[] doubles;
    private final BigIntVector[] longs;
    private final VarCharVector status;
    private final VarCharVector message;
    private int size;
    private long rows;
    private boolean committed;

    public GroupTableArrow(Path target, Format format, String keyColumn, List<String> parameters, int batchRows,
            BufferAllocator parent) throws IOException {
        GroupTableWriter.checkNames(keyColumn, parameters);
        this.target = target.toAbsolutePath();
        this.tmp = this.target.resolveSibling(this.target.getFileName() + (format == Format.PARQUET ? ".arrow.tmp" : ".tmp"));
        this.format = format;
        this.p = parameters.size();
        this.batchRows = batchRows;
        List<String> names = GroupTableWriter.columnNames(keyColumn, parameters);
        List<Field> fields = new ArrayList<>();
        int nd = 1 + 2 * p + 2;
        for (int i = 0; i < names.size(); i++) {
            ArrowType t = i < nd ? new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)
                    : i < nd + 3 ? new ArrowType.Int(64, true) : ArrowType.Utf8.INSTANCE;
            fields.add(new Field(names.get(i), FieldType.notNullable(t), null));
        }
        this.allocator = parent.newChildAllocator("group-table-writer", 0, Long.MAX_VALUE);
        boolean done = false;
        FileChannel ch = null;
        VectorSchemaRoot r = null;
        try {
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            r = VectorSchemaRoot.create(new Schema(fields), allocator);
            this.channel = ch;
            this.root = r;
            this.writer = new ArrowFileWriter(root, null, channel);
            doubles = new Float8Vector[nd];
            for (int i = 0; i < nd; i++) {
                doubles[i] = (Float8Vector) root.getVector(i);
                doubles[i].allocateNew(batchRows);
            }
            longs = new BigIntVector[3];
            for (int i = 0; i < 3; i++) {
                longs[i] = (BigIntVector) root.getVector(nd + i);
                longs[i].allocateNew(batchRows);
            }
            status = (VarCharVector) root.getVector(nd + 3);
            message = (VarCharVector) root.getVector(nd + 4);
            status.allocateNew(batchRows);
            message.allocateNew(batchRows);
            writer.start();
            done = true;
        } finally {
            if (!done) {
                if (r != null) {
                    r.close();
                }
                if (ch != null) {
                    ch.close();
                }
                allocator.close();
                Files.deleteIfExists(tmp);
            }
        }
    }

    @Override
    public void add(GroupResult r) throws IOException {
        int d = 0;
        doubles[d++].setSafe(size, r.key());
        for (int k = 0; k < p; k++) {
            doubles[d++].setSafe(size, r.values()[k]);
            doubles[d++].setSafe(size, r.stderr()[k]);
        }
        doubles[d++].setSafe(size, r.cost());
        doubles[d].setSafe(size, r.ssr());
        longs[0].setSafe(size, r.rows());
        longs[1].setSafe(size, r.iterations());
        longs[2].setSafe(size, r.evaluations());
        status.setSafe(size, r.status().word().getBytes(StandardCharsets.UTF_8));
        message.setSafe(size, r.message().getBytes(StandardCharsets.UTF_8));
        size++;
        rows++;
        if (size == batchRows) {
            flush();
        }
    }

    private void flush() throws IOException {
        for (int i = 0; i < root.getFieldVectors().size(); i++) {
            root.getVector(i).setValueCount(size);
        }
        root.setRowCount(size);
        writer.writeBatch();
        size = 0;
    }

    @Override
    public long commit() throws IOException {
        if (size > 0 || rows == 0) {
            flush();
        }
        writer.end();
        channel.force(true);
        writer.close();
        root.close();
        channel.close();
        if (format == Format.ARROW) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            toParquet();
        }
        committed = true;
        allocator.close();
        return rows;
    }

    /** Rewrites the finished IPC file as Parquet, one row group per record batch, then moves it over the target. */
    private void toParquet() throws IOException {
        Path dir = Files.createTempDirectory(target.getParent(), target.getFileName() + ".parts");
        try (BufferAllocator child = allocator.newChildAllocator("group-table-parquet", 0, Long.MAX_VALUE)) {
            try (FileChannel in = FileChannel.open(tmp, StandardOpenOption.READ);
                    ArrowFileReader reader = new ArrowFileReader(in, child)) {
                DatasetFileWriter.write(child, reader, FileFormat.PARQUET, dir.toUri().toString());
            }
            long deadline = System.nanoTime() + 2_000_000_000L; // the native writer releases its schema on its own thread
            while (child.getAllocatedMemory() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            List<Path> parts;
            try (Stream<Path> s = Files.list(dir)) {
                parts = s.toList();
            }
            if (parts.size() != 1) {
                throw new IOException("Parquet writer produced " + parts.size() + " files in " + dir + ", expected 1");
            }
            Files.move(parts.get(0), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(q);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                writer.close();
                root.close();
                channel.close();
            } finally {
                Files.deleteIfExists(tmp);
                allocator.close();
            }
        }
    }
}
