package io.streamlsq.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.ContentDigests;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;

/**
 * {@code chunkRows} for Arrow files, Arrow streams and Parquet: a file written as one large record batch (row
 * group) is read in chunks of at most chunkRows rows, with the chunk layout of {@link SubChunks}, in any
 * order and by several threads, on the mapped fast path (uncompressed, no nulls), the stock path (ZSTD, or
 * nulls) and for Parquet; the rows read, their sums and their chunk digests do not depend on how the file was
 * batched; the null/NaN policy counts and names rows right within sub-chunks.
 */
class SubChunkingTest extends ArrowTestBase {
    static final int N = 12_000;
    static final List<String> COLUMNS = List.of("x", "y", "k");

    /** The file kinds: Arrow IPC file uncompressed (mapped fast path) and ZSTD-compressed (stock reader), stream, Parquet. */
    enum Kind {
        FILE, FILE_ZSTD, STREAM, PARQUET
    }

    static double x(int i) {
        return 0.5 * i;
    }

    static double y(int i) {
        return Math.sin(i * 0.37) * 1000 + i;
    }

    static int k(int i) {
        return (int) ((long) i * 7919 % 100_003) - 50_000;
    }

    /** Expected value of column c at row i (x null or y NaN where asked: NaN). */
    static double value(int c, int i, Set<Integer> nulls, Set<Integer> nans) {
        return switch (c) {
            case 0 -> nulls.contains(i) ? Double.NaN : x(i);
            case 1 -> nans.contains(i) ? Double.NaN : y(i);
            default -> k(i);
        };
    }

    /**
     * Writes rows 0..sum(batches) with columns x (float64, nullable: null at {@code nulls}), y (float64, NaN at
     * {@code nans}) and k (int32), as an Arrow IPC file (optionally ZSTD-compressed) or stream, one record batch
     * per entry of {@code batches}.
     */
    Path writeArrow(String name, int[] batches, Kind kind, Set<Integer> nulls, Set<Integer> nans) throws IOException {
        Path f = dir.resolve(name + (kind == Kind.STREAM ? ".arrows" : ".arrow"));
        Schema schema = new Schema(List.of(
                new Field("x", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
                new Field("y", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
                new Field("k", FieldType.notNullable(new ArrowType.Int(32, true)), null)));
        try (BufferAllocator a = root.newChildAllocator("writer", 0, Long.MAX_VALUE);
                VectorSchemaRoot r = VectorSchemaRoot.create(schema, a);
                FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                ArrowWriter w = switch (kind) {
                    case FILE -> new ArrowFileWriter(r, null, ch);
                    case FILE_ZSTD -> new ArrowFileWriter(r, null, ch, Map.of(), IpcOption.DEFAULT,
                            CommonsCompressionFactory.INSTANCE, CompressionUtil.CodecType.ZSTD);
                    default -> new ArrowStreamWriter(r, null, ch);
                }) {
            w.start();
            Float8Vector xv = (Float8Vector) r.getVector("x");
            Float8Vector yv = (Float8Vector) r.getVector("y");
            IntVector kv = (IntVector) r.getVector("k");
            int row = 0;
            for (int n : batches) {
                xv.allocateNew(n);
                yv.allocateNew(n);
                kv.allocateNew(n);
                for (int i = 0; i < n; i++, row++) {
                    if (nulls.contains(row)) {
                        xv.setNull(i);
                    } else {
                        xv.set(i, x(row));
                    }
                    yv.set(i, nans.contains(row) ? Double.NaN : y(row));
                    kv.set(i, k(row));
                }
                xv.setValueCount(n);
                yv.setValueCount(n);
                kv.setValueCount(n);
                r.setRowCount(n);
                w.writeBatch();
            }
            w.end();
        }
        return f;
    }

    /** The same rows as a Parquet file with parquet-java: x optional, y and k required; row groups of about {@code groupRows}. */
    Path writeParquet(String name, int rows, int groupRows, Set<Integer> nulls, Set<Integer> nans) throws IOException {
        MessageType schema = new MessageType("m", Types.optional(PrimitiveTypeName.DOUBLE).named("x"),
                Types.required(PrimitiveTypeName.DOUBLE).named("y"), Types.required(PrimitiveTypeName.INT32).named("k"));
        Path f = dir.resolve(name + ".parquet");
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(f)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                .withRowGroupSize((long) groupRows * 20).withPageRowCountLimit(1000).withDictionaryEncoding(true)
                .build()) {
            SimpleGroupFactory g = new SimpleGroupFactory(schema);
            for (int i = 0; i < rows; i++) {
                Group row = g.newGroup();
                if (!nulls.contains(i)) {
                    row.add("x", x(i));
                }
                row.add("y", nans.contains(i) ? Double.NaN : y(i));
                row.add("k", k(i));
                w.write(row);
            }
        }
        return f;
    }

    Path write(Kind kind, String name, int[] batches) throws IOException {
        if (kind == Kind.PARQUET) {
            if (batches.length != 1) {
                throw new IllegalArgumentException("parquet-java sets row groups by size; write one");
            }
            return writeParquet(name, batches[0], 10 * batches[0], Set.of(), Set.of());
        }
        return writeArrow(name, batches, kind, Set.of(), Set.of());
    }

    DataSource open(Kind kind, Path f, InvalidRows policy, int chunkRows) throws IOException {
        return switch (kind) {
            case FILE, FILE_ZSTD -> ArrowFileDataSource.open(f, root, policy, chunkRows);
            case STREAM -> ArrowStreamDataSource.open(f, root, policy, chunkRows);
            case PARQUET -> ParquetDataSource.open(f, policy, chunkRows);
        };
    }

    /**
     * The chunks a file of these batches should have, computed independently of {@link SubChunks}: a batch of n
     * rows is p = ceil(n / chunkRows) chunks (at least 1), each of ceil(remaining rows / remaining chunks) rows.
     * Entries are {first row, rows}.
     */
    static List<long[]> expectedChunks(int[] batches, int chunkRows) {
        List<long[]> out = new ArrayList<>();
        long row = 0;
        for (int n : batches) {
            long p = Math.max(1, ((long) n + chunkRows - 1) / chunkRows);
            long left = n;
            for (long j = p; j > 0; j--) {
                long size = (left + j - 1) / j;
                out.add(new long[] {row, size});
                row += size;
                left -= size;
            }
        }
        return out;
    }

    /** A copy of one chunk: its index, first row, and the rows as read. */
    record Read(long index, long firstRow, double[][] values) {
        static Read of(Chunk c) {
            double[][] v = new double[c.columnCount()][c.rows()];
            for (int col = 0; col < v.length; col++) {
                System.arraycopy(c.column(col), c.offset(), v[col], 0, c.rows());
            }
            return new Read(c.index(), c.firstRow(), v);
        }

        int rows() {
            return values[0].length;
        }
    }

    static List<Read> readSequentially(DataSource s) throws IOException {
        List<Read> out = new ArrayList<>();
        try (ChunkCursor c = s.open(COLUMNS, 0)) {
            for (Chunk k = c.next(); k != null; k = c.next()) {
                assertEquals(out.size(), k.index(), s.describe() + ": chunks in order");
                assertTrue(k.rows() <= s.maxChunkRows(), s.describe() + ": chunk " + k.index() + " has " + k.rows()
                        + " rows; maxChunkRows " + s.maxChunkRows());
                out.add(Read.of(k));
            }
            assertNull(c.next(), "after the end");
        }
        return out;
    }

    /** Every chunk, in a shuffled order, by {@code threads} threads each with its own cursor that seeks; by index. */
    static List<Read> readShuffled(DataSource s, int threads, long seed) throws Exception {
        List<Long> order = new ArrayList<>();
        for (long k = 0; k < s.chunkCount(); k++) {
            order.add(k);
        }
        Collections.shuffle(order, new Random(seed));
        ConcurrentLinkedQueue<Long> todo = new ConcurrentLinkedQueue<>(order);
        Map<Long, Read> got = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    try (ChunkCursor c = s.open(COLUMNS, 0)) {
                        for (Long k = todo.poll(); k != null; k = todo.poll()) {
                            c.seek(k);
                            Chunk chunk = c.next();
                            assertEquals(k, chunk.index(), s.describe() + ": seek to chunk " + k);
                            got.put(k, Read.of(chunk));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<Read> out = new ArrayList<>();
        for (long k = 0; k < s.chunkCount(); k++) {
            out.add(got.get(k));
        }
        return out;
    }

    /** The chunks have the expected first rows and sizes, and hold exactly rows 0..N in order. */
    static void assertRows(String what, List<Read> chunks, List<long[]> expected, int rows) {
        assertEquals(expected.size(), chunks.size(), what + ": chunk count");
        for (int k = 0; k < chunks.size(); k++) {
            Read r = chunks.get(k);
            assertEquals(k, r.index(), what + ": chunk index");
            assertEquals(expected.get(k)[0], r.firstRow(), what + ": first row of chunk " + k);
            assertEquals(expected.get(k)[1], r.rows(), what + ": rows of chunk " + k);
            for (int i = 0; i < r.rows(); i++) {
                int row = (int) r.firstRow() + i;
                for (int c = 0; c < 3; c++) {
                    if (Double.doubleToRawLongBits(value(c, row, Set.of(), Set.of()))
                            != Double.doubleToRawLongBits(r.values()[c][i])) {
                        assertEquals(value(c, row, Set.of(), Set.of()), r.values()[c][i], what + ": column " + c + " row " + row);
                    }
                }
            }
        }
        assertEquals(rows, chunks.stream().mapToInt(Read::rows).sum(), what + ": rows");
    }

    @Test
    void aFileWrittenAsOneBatchIsReadInChunksOfAtMostChunkRowsInAnyOrderByAnyThread() throws Exception {
        int[] oneBatch = {N};
        for (Kind kind : Kind.values()) {
            Path f = write(kind, "one-" + kind, oneBatch);
            for (int chunkRows : new int[] {1000, 1500, 4001, N, 5 * N}) {
                List<long[]> expected = expectedChunks(oneBatch, chunkRows);
                String what = kind + " chunkRows " + chunkRows;
                try (DataSource s = open(kind, f, InvalidRows.REFUSE, chunkRows)) {
                    int max = (int) expected.stream().mapToLong(e -> e[1]).max().orElseThrow();
                    assertTrue(max <= chunkRows, what);
                    if (kind == Kind.STREAM) {
                        assertEquals(-1, s.chunkCount(), what);
                        assertEquals(chunkRows, s.maxChunkRows(), what);
                    } else {
                        assertEquals(expected.size(), s.chunkCount(), what + ": chunkCount");
                        assertEquals(N, s.rowCount(), what);
                        assertEquals(max, s.maxChunkRows(), what + ": maxChunkRows is the largest chunk");
                    }
                    assertRows(what + " sequential", readSequentially(s), expected, N);
                    if (s.isRandomAccess()) {
                        assertRows(what + " shuffled, one thread", readShuffled(s, 1, chunkRows), expected, N);
                        assertRows(what + " shuffled, 3 threads", readShuffled(s, 3, chunkRows + 1), expected, N);
                    }
                }
            }
        }
    }

    @Test
    void aOneAndAHalfChunkBatchIsTwoEqualChunks() throws Exception {
        int[] batches = {1500, 10, 0, 2001};
        assertEquals(List.of(750L, 750L, 10L, 0L, 667L, 667L, 667L),
                expectedChunks(batches, 1000).stream().map(e -> e[1]).toList());
        SubChunks s = new SubChunks("f", new long[] {1500, 10, 0, 2001}, 1000);
        assertEquals(7, s.chunkCount());
        assertEquals(750, s.maxChunkRows());
        for (Kind kind : List.of(Kind.FILE, Kind.FILE_ZSTD, Kind.STREAM)) {
            Path f = writeArrow("odd-" + kind, batches, kind, Set.of(), Set.of());
            try (DataSource src = open(kind, f, InvalidRows.REFUSE, 1000)) {
                assertRows(kind + "", readSequentially(src), expectedChunks(batches, 1000), 3511);
                if (src.isRandomAccess()) {
                    assertRows(kind + " shuffled", readShuffled(src, 2, 7), expectedChunks(batches, 1000), 3511);
                }
            }
        }
    }

    /** A stream pass that starts at chunk k (a resumed pass) starts at the right row, also inside a batch. */
    @Test
    void aStreamOpenedAtAChunkInsideABatchStartsThere() throws Exception {
        int[] batches = {2500, 700, 4000};
        Path f = writeArrow("start", batches, Kind.STREAM, Set.of(), Set.of());
        List<long[]> expected = expectedChunks(batches, 1000);
        try (DataSource s = open(Kind.STREAM, f, InvalidRows.REFUSE, 1000)) {
            for (int first = 0; first <= expected.size(); first++) {
                try (ChunkCursor c = s.open(COLUMNS, first)) {
                    for (int k = first; k < expected.size(); k++) {
                        Chunk chunk = c.next();
                        assertEquals(k, chunk.index());
                        assertEquals(expected.get(k)[0], chunk.firstRow(), "opened at " + first);
                        assertEquals(expected.get(k)[1], chunk.rows(), "opened at " + first);
                        assertEquals(y((int) chunk.firstRow()), chunk.get(1, 0));
                    }
                    assertNull(c.next(), "opened at " + first);
                }
            }
        }
    }

    /**
     * How the file was batched changes neither the rows nor their sums; where the batch boundaries fall on
     * chunk boundaries, not the chunks either (equal digests); the digests are also the same for every format.
     */
    @Test
    void rowsSumsAndDigestsDoNotDependOnHowTheFileWasBatched() throws Exception {
        int chunkRows = 3000;
        int[][] layouts = {{N}, {6000, 6000}, {3000, 3000, 3000, 3000}, {1, N - 1}, {5000, 7000}, repeat(97, N)};
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, Long> digests = new LinkedHashMap<>();
        for (int l = 0; l < layouts.length; l++) {
            for (Kind kind : List.of(Kind.FILE, Kind.FILE_ZSTD, Kind.STREAM)) {
                Path f = writeArrow("layout" + l + "-" + kind, layouts[l], kind, Set.of(), Set.of());
                try (DataSource s = open(kind, f, InvalidRows.REFUSE, chunkRows)) {
                    List<Read> chunks = readSequentially(s);
                    String what = kind + " " + Arrays.toString(layouts[l]).substring(0, Math.min(30,
                            Arrays.toString(layouts[l]).length()));
                    assertRows(what, chunks, expectedChunks(layouts[l], chunkRows), N);
                    sums.put(what, sums(chunks));
                    if (l < 3) {
                        digests.put(what, combined(s, chunks));
                    }
                }
            }
        }
        // Parquet: one row group (parquet-java), and one row group per 6000 or 3000 rows (Arrow Dataset writer)
        Path one = writeParquet("layout-pq", N, 10 * N, Set.of(), Set.of());
        try (DataSource s = open(Kind.PARQUET, one, InvalidRows.REFUSE, chunkRows)) {
            List<Read> chunks = readSequentially(s);
            sums.put("parquet one group", sums(chunks));
            digests.put("parquet one group", combined(s, chunks));
        }
        for (int groupRows : new int[] {6000, 3000}) {
            Path pq = dir.resolve("groups" + groupRows + ".parquet");
            double[] xs = new double[N];
            double[] ys = new double[N];
            double[] ks = new double[N];
            for (int i = 0; i < N; i++) {
                xs[i] = x(i);
                ys[i] = y(i);
                ks[i] = k(i);
            }
            Map<String, double[]> cols = new LinkedHashMap<>();
            cols.put("x", xs);
            cols.put("y", ys);
            cols.put("k", ks);
            ArrowWriters.writeParquet(new InMemoryDataSource(cols, 1000), COLUMNS, pq, groupRows, root);
            try (DataSource s = open(Kind.PARQUET, pq, InvalidRows.REFUSE, Integer.MAX_VALUE)) {
                assertEquals(N / groupRows, s.chunkCount(), "row groups as written");
            }
            try (DataSource s = open(Kind.PARQUET, pq, InvalidRows.REFUSE, chunkRows)) {
                List<Read> chunks = readShuffled(s, 2, groupRows);
                assertRows("parquet groups of " + groupRows, chunks, expectedChunks(new int[] {N}, chunkRows), N);
                sums.put("parquet groups of " + groupRows, sums(chunks));
                digests.put("parquet groups of " + groupRows, combined(s, chunks));
            }
        }
        double[] first = sums.values().iterator().next();
        sums.forEach((what, s) -> assertArrayEquals(first, s, 0.0, what + ": sums"));
        long d = digests.values().iterator().next();
        assertNotEquals(0L, d);
        digests.forEach((what, s) -> assertEquals(d, s, what + ": digest of all chunks"));
    }

    static int[] repeat(int size, int total) {
        int[] b = new int[(total + size - 1) / size];
        Arrays.fill(b, size);
        b[b.length - 1] = total - size * (b.length - 1);
        return b;
    }

    /** Column sums in row order (so equal rows give bitwise equal sums). */
    static double[] sums(List<Read> chunks) {
        double[] s = new double[3];
        for (Read r : chunks) {
            for (int c = 0; c < 3; c++) {
                for (double v : r.values()[c]) {
                    s[c] += v;
                }
            }
        }
        return s;
    }

    /** ContentDigests of the chunks, combined: what a checkpoint records of the rows a fit used. */
    static long combined(DataSource s, List<Read> chunks) {
        ContentDigests d = new ContentDigests();
        for (Read r : chunks) {
            Chunk c = new Chunk(3);
            for (int col = 0; col < 3; col++) {
                c.setColumn(col, r.values()[col]);
            }
            c.set(r.index(), r.firstRow(), 0, r.rows());
            d.check(s, c);
        }
        return d.combined(chunks.size());
    }

    /** The overloads without chunkRows cut at 65 536 rows, like the CLI's default. */
    @Test
    void theOverloadsWithoutChunkRowsUseChunksOf65536Rows() throws Exception {
        int rows = 100_000;
        Path f = writeArrow("big", new int[] {rows}, Kind.FILE, Set.of(), Set.of());
        Path pq = writeParquet("big", rows, 10 * rows, Set.of(), Set.of());
        try (ArrowFileDataSource a = ArrowFileDataSource.open(f, root, InvalidRows.REFUSE);
                ParquetDataSource p = ParquetDataSource.open(pq, InvalidRows.REFUSE)) {
            for (DataSource s : List.of(a, p)) {
                assertEquals(2, s.chunkCount(), s.describe());
                assertEquals(50_000, s.maxChunkRows(), s.describe());
                assertRows(s.describe(), readShuffled(s, 2, 1), expectedChunks(new int[] {rows}, 65_536), rows);
            }
        }
        Path st = writeArrow("big", new int[] {rows}, Kind.STREAM, Set.of(), Set.of());
        try (ArrowStreamDataSource s = ArrowStreamDataSource.open(st, root, InvalidRows.REFUSE)) {
            assertEquals(2, readSequentially(s).size());
        }
    }

    @Test
    void chunkRowsBelowOneIsRefusedNamingTheFile() throws Exception {
        Path f = writeArrow("bad", new int[] {10}, Kind.FILE, Set.of(), Set.of());
        Path st = writeArrow("bad", new int[] {10}, Kind.STREAM, Set.of(), Set.of());
        Path pq = writeParquet("bad", 10, 100, Set.of(), Set.of());
        for (Kind kind : List.of(Kind.FILE, Kind.STREAM, Kind.PARQUET)) {
            Path p = kind == Kind.FILE ? f : kind == Kind.STREAM ? st : pq;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> open(kind, p, InvalidRows.REFUSE, 0));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("= 0")
                    && e.getMessage().contains(">= 1"), e.getMessage());
        }
    }

    /** A checkpoint taken with other chunks must not match: the fingerprint names chunkRows. */
    @Test
    void theFingerprintDependsOnChunkRows() throws Exception {
        Path f = writeArrow("fp", new int[] {N}, Kind.FILE, Set.of(), Set.of());
        Path st = writeArrow("fp", new int[] {N}, Kind.STREAM, Set.of(), Set.of());
        Path pq = writeParquet("fp", N, 10 * N, Set.of(), Set.of());
        for (Kind kind : List.of(Kind.FILE, Kind.STREAM, Kind.PARQUET)) {
            Path p = kind == Kind.FILE ? f : kind == Kind.STREAM ? st : pq;
            try (DataSource a = open(kind, p, InvalidRows.REFUSE, 1000);
                    DataSource b = open(kind, p, InvalidRows.REFUSE, 1000);
                    DataSource c = open(kind, p, InvalidRows.REFUSE, 2000)) {
                assertEquals(a.fingerprint(), b.fingerprint(), kind.name());
                assertNotEquals(a.fingerprint(), c.fingerprint(), kind.name());
            }
        }
    }

    /**
     * Nulls in x and NaNs in y inside one big batch / row group: REFUSE names the first null row of the chunk
     * that holds it (chunks before it read fine); SKIP drops exactly those rows, keeps each chunk's first row,
     * and counts every dropped row once however often and in whatever order the chunks are read.
     */
    @Test
    void invalidRowsAreNamedAndCountedRightInsideSubChunks() throws Exception {
        Set<Integer> nulls = Set.of(2500, 2501, 7777, N - 1);
        Set<Integer> nans = Set.of(0, 2501, 3001, 9999);
        int chunkRows = 1000;
        int[] oneBatch = {N};
        List<long[]> expected = expectedChunks(oneBatch, chunkRows);
        Map<Kind, Path> files = new LinkedHashMap<>();
        files.put(Kind.FILE, writeArrow("inv", oneBatch, Kind.FILE, nulls, nans));
        files.put(Kind.FILE_ZSTD, writeArrow("inv-zstd", oneBatch, Kind.FILE_ZSTD, nulls, nans));
        files.put(Kind.STREAM, writeArrow("inv", oneBatch, Kind.STREAM, nulls, nans));
        files.put(Kind.PARQUET, writeParquet("inv", N, 10 * N, nulls, nans));
        for (Map.Entry<Kind, Path> e : files.entrySet()) {
            Kind kind = e.getKey();
            try (DataSource s = open(kind, e.getValue(), InvalidRows.REFUSE, chunkRows)) {
                try (ChunkCursor c = s.open(COLUMNS, 0)) {
                    // chunks 0 and 1 (rows 0..1999) hold no null
                    assertEquals(0, c.next().index());
                    assertEquals(1, c.next().index());
                    InvalidDataException x = assertThrows(InvalidDataException.class, c::next);
                    assertTrue(x.getMessage().contains(e.getValue().toString())
                            && x.getMessage().contains("column 'x' is null at row 2500"), kind + ": " + x.getMessage());
                }
                if (s.isRandomAccess()) {
                    try (ChunkCursor c = s.open(COLUMNS, 0)) {
                        c.seek(8);
                        assertEquals(8, c.next().index(), "rows 8000..8999 hold no null");
                        c.seek(7);
                        InvalidDataException x = assertThrows(InvalidDataException.class, c::next);
                        assertTrue(x.getMessage().contains("column 'x' is null at row 7777"), kind + ": " + x.getMessage());
                    }
                }
            }
            try (DataSource s = open(kind, e.getValue(), InvalidRows.SKIP, chunkRows)) {
                List<List<Read>> passes = new ArrayList<>();
                passes.add(readSequentially(s));
                if (s.isRandomAccess()) {
                    passes.add(readShuffled(s, 3, 5));
                    passes.add(readShuffled(s, 1, 6));
                } else {
                    passes.add(readSequentially(s));
                }
                for (List<Read> chunks : passes) {
                    assertEquals(expected.size(), chunks.size(), kind + "");
                    for (int k = 0; k < chunks.size(); k++) {
                        Read r = chunks.get(k);
                        long first = expected.get(k)[0];
                        assertEquals(first, r.firstRow(), kind + " chunk " + k + ": first row as in the file");
                        int j = 0;
                        for (long row = first; row < first + expected.get(k)[1]; row++) {
                            int i = (int) row;
                            if (nulls.contains(i) || nans.contains(i)) {
                                continue;
                            }
                            for (int col = 0; col < 3; col++) {
                                assertEquals(value(col, i, nulls, nans), r.values()[col][j], kind + " row " + i);
                            }
                            j++;
                        }
                        assertEquals(j, r.rows(), kind + " chunk " + k + ": rows kept");
                    }
                    assertEquals(7, s.skippedRows(), kind + ": rows 0, 2500, 2501, 3001, 7777, 9999, 11999 dropped once");
                }
            }
        }
    }
}
