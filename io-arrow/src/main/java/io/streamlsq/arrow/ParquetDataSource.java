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
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * A Parquet file read with parquet-java, one row group at a time, in chunks of at most {@code chunkRows}
 * rows: a row group larger than that is cut into equal chunks ({@link SubChunks} has the rule), smaller row
 * groups are one chunk each. Random access: a pass can start at any chunk and each worker reads its own.
 *
 * <p>Cost and memory: parquet-java reads a row group's column chunks whole and one decode gives the whole row
 * group, so a cursor decodes the row group of the chunk it is asked for and keeps it, serving every chunk of
 * that row group from it; a cursor that reads consecutive chunks of one row group decodes it once. Workers
 * claim chunks in turn, so every worker that reads a chunk of a large row group reads and decodes that row
 * group once: up to {@code threads} decodes of it per pass, in parallel. Memory per worker is one row group's
 * column chunks (compressed, on the heap, while it is decoded) and its decoded columns ({@code columns ×
 * rows of the largest row group} doubles, plus a null flag per value) — bounded by the row-group size, not the
 * file — plus {@code columns × maxChunkRows} doubles when the SKIP policy drops rows. Numeric columns (required or optional, {@link ParquetNumeric}) are accepted; nulls follow
 * the data policy. Only the requested column chunks are read; their pages are checked against their headers
 * and CRCs and decoded by {@link ParquetPageDecoder}, every read bounded by its page.
 */
public final class ParquetDataSource implements DataSource {
    private final Path path;
    private final InvalidRows policy;
    private final MessageType schema;
    private final long[] groupRows;
    private final SubChunks chunks;
    /** Rows the SKIP policy dropped, by chunk; only chunks that dropped some. */
    private final ConcurrentHashMap<Long, Long> skipped = new ConcurrentHashMap<>();

    private ParquetDataSource(Path path, InvalidRows policy, MessageType schema, List<BlockMetaData> blocks,
            int chunkRows) {
        this.path = path;
        this.policy = policy;
        this.schema = schema;
        this.groupRows = new long[blocks.size()];
        for (int g = 0; g < groupRows.length; g++) {
            groupRows[g] = blocks.get(g).getRowCount();
        }
        this.chunks = new SubChunks(path.toString(), groupRows, chunkRows);
    }

    /** {@link #open(Path, InvalidRows, int)} with chunks of at most 65 536 rows. */
    public static ParquetDataSource open(Path path, InvalidRows policy) throws IOException {
        return open(path, policy, SubChunks.DEFAULT_CHUNK_ROWS);
    }

    /**
     * Reads the footer and lays out the chunks: at most {@code chunkRows} rows each, a larger row group cut
     * into equal chunks.
     *
     * @throws InvalidDataException if the file is empty, truncated, not Parquet, has no rows, or has a row group
     *     larger than 2³¹ − 1 rows
     * @throws IllegalArgumentException if {@code chunkRows < 1}
     */
    public static ParquetDataSource open(Path path, InvalidRows policy, int chunkRows) throws IOException {
        SubChunks.requireChunkRows(path.toString(), chunkRows);
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        ArrowFileDataSource.requireRegularFile(path);
        if (Files.size(path) == 0) {
            throw new InvalidDataException(path + " is empty");
        }
        long footerStart = checkMagic(path);
        ParquetFileReader r;
        try {
            r = reader(path);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidDataException ide) {
                throw ide;
            }
            throw new InvalidDataException(path + ": the Parquet footer is damaged (it cannot be decoded: " + cause(e) + ")");
        }
        try (r) {
            List<BlockMetaData> blocks = r.getRowGroups();
            checkRowGroups(path, blocks, footerStart);
            MessageType schema = r.getFooter().getFileMetaData().getSchema();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Type t : schema.getFields()) {
                if (!seen.add(t.getName())) {
                    throw new InvalidDataException(path + ": column name '" + t.getName() + "' appears twice", -1, t.getName());
                }
            }
            return new ParquetDataSource(path, policy, schema, blocks, chunkRows);
        } catch (InvalidDataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidDataException(path + ": the Parquet footer is damaged (" + cause(e) + ")");
        }
    }

    /**
     * The footer's row groups against the file: row counts in range, every column chunk inside the data
     * region (between the leading PAR1 and the footer), so that a damaged footer is refused here rather than
     * read as other bytes.
     */
    private static void checkRowGroups(Path path, List<BlockMetaData> blocks, long footerStart) {
        for (int g = 0; g < blocks.size(); g++) {
            BlockMetaData b = blocks.get(g);
            if (b.getRowCount() < 0 || b.getRowCount() > Integer.MAX_VALUE - 8) {
                throw new InvalidDataException(path + ": row group " + g + " has " + b.getRowCount()
                        + " rows; at most " + (Integer.MAX_VALUE - 8) + " per row group can be read"
                        + (b.getRowCount() < 0 ? " (the footer is damaged)" : ""));
            }
            for (var c : b.getColumns()) {
                long start = c.getStartingPos();
                long size = c.getTotalSize();
                if (start < 4 || size < 0 || start + size > footerStart || c.getValueCount() < 0) {
                    throw new InvalidDataException(path + ": the Parquet footer is damaged: row group " + g + " column '"
                            + c.getPath().toDotString() + "' says its " + size + " bytes start at offset " + start
                            + " with " + c.getValueCount() + " values, but the data lie between offsets 4 and " + footerStart);
                }
            }
        }
    }

    /** The innermost cause's type and message, for a one-line message. */
    static String cause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return t == e ? s : (e.getMessage() == null ? "" : e.getMessage() + "; ") + s;
    }

    private static ParquetFileReader reader(Path path) throws IOException {
        return ParquetFileReader.open(new LocalInputFile(path), ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs(path.toString())).usePageChecksumVerification(true).build());
    }

    /**
     * A Parquet file starts and ends with "PAR1"; a truncated one has lost its footer. Returns where the footer
     * starts (by the footer length stored before the final PAR1).
     */
    private static long checkMagic(Path path) throws IOException {
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
        byte[] len = new byte[4];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.read(java.nio.ByteBuffer.wrap(len), size - 8);
        }
        long footer = java.nio.ByteBuffer.wrap(len).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        if (footer == 0 || footer > size - 12) {
            throw new InvalidDataException(path + ": the Parquet footer is damaged (its length field says " + footer
                    + " bytes; the file has " + size + ")");
        }
        return size - 8 - footer;
    }

    @Override
    public List<String> columnNames() {
        return schema.getFields().stream().map(Type::getName).toList();
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

    /** Refuses a requested column that is missing, nested or not numeric, naming it and its type. */
    private ColumnDescriptor[] resolve(List<String> columns, ParquetNumeric[] numerics) {
        ColumnDescriptor[] d = new ColumnDescriptor[columns.size()];
        for (int c = 0; c < d.length; c++) {
            String name = columns.get(c);
            if (!schema.containsField(name)) {
                throw new IllegalArgumentException("column '" + name + "' not found in " + path + "; available columns: "
                        + String.join(", ", columnNames()));
            }
            numerics[c] = ParquetNumeric.of(schema.getType(name), path.toString(), name);
            d[c] = schema.getColumnDescription(new String[] {name});
        }
        return d;
    }

    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
        ParquetNumeric[] numerics = new ParquetNumeric[columns.size()];
        ColumnDescriptor[] descriptors = resolve(columns, numerics);
        ParquetFileReader r;
        try {
            r = reader(path);
        } catch (InvalidDataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidDataException(path + " could not be opened again (changed since it was opened? damaged?): "
                    + cause(e));
        }
        // only the requested column chunks are read (and their CRCs checked): a pass reads no other bytes
        r.setRequestedSchema(new MessageType(schema.getName(), columns.stream().distinct().map(schema::getType).toList()));
        return new Cursor(r, columns, descriptors, numerics, firstChunk);
    }

    /**
     * One worker's reader: decodes the requested columns of the row group that holds the chunk asked for,
     * keeps them, and serves that row group's chunks from them.
     */
    private final class Cursor implements ChunkCursor {
        private final ParquetFileReader reader;
        private final List<String> names;
        private final ColumnDescriptor[] descriptors;
        private final ParquetNumeric[] numerics;
        private final Chunk chunk;
        /**
         * The decoded row group (grown to the largest row group read), untouched by the SKIP policy, and per
         * column which of its rows are null; {@code capacity} rows of each.
         */
        private double[][] columns;
        private boolean[][] invalid;
        private int capacity;
        /** The rows a chunk keeps under SKIP when it drops some; allocated on the first drop. */
        private double[][] kept;
        private final ParquetPageDecoder pages = new ParquetPageDecoder(path.toString());
        /** The row group in {@link #columns}, or -1; whether any of its used values is null. */
        private int decoded = -1;
        private boolean anyNull;
        private long next;

        Cursor(ParquetFileReader reader, List<String> names, ColumnDescriptor[] descriptors, ParquetNumeric[] numerics,
                long first) {
            this.reader = reader;
            this.numerics = numerics;
            this.names = names;
            this.descriptors = descriptors;
            this.chunk = new Chunk(descriptors.length);
            this.columns = new double[descriptors.length][0];
            this.invalid = new boolean[descriptors.length][0];
            this.next = first;
        }

        @Override
        public Chunk next() throws IOException {
            if (next < 0 || next >= chunks.chunkCount()) {
                return null;
            }
            long k = next++;
            int g = chunks.batchOf(k);
            if (decoded != g) {
                decode(g);
            }
            int from = chunks.startInBatch(g, k);
            int n = chunks.rowsOf(g, k);
            long first = chunks.batchFirstRow(g) + from;
            if (anyNull && policy == InvalidRows.REFUSE) {
                // the first null row of this chunk, and the first used column null there
                for (int i = from; i < from + n; i++) {
                    for (int c = 0; c < columns.length; c++) {
                        if (invalid[c][i]) {
                            long row = chunks.batchFirstRow(g) + i;
                            throw new InvalidDataException(path + ": column '" + names.get(c) + "' is null at row " + row
                                    + " (use --skip-invalid to skip such rows)", row, names.get(c));
                        }
                    }
                }
            }
            double[][] out = columns;
            int offset = from;
            int count = n;
            if (policy == InvalidRows.SKIP) {
                int good = 0;
                boolean dropped = false;
                for (int i = from; i < from + n; i++) {
                    boolean ok = true;
                    for (int c = 0; c < columns.length && ok; c++) {
                        ok = Double.isFinite(columns[c][i]) && !(anyNull && invalid[c][i]);
                    }
                    if (ok && dropped) {
                        for (int c = 0; c < columns.length; c++) {
                            kept[c][good] = columns[c][i];
                        }
                    } else if (!ok && !dropped) {
                        // the first dropped row: copy the rows kept so far, then keep copying
                        dropped = true;
                        if (kept == null || kept[0].length < chunks.maxChunkRows()) {
                            kept = new double[columns.length][chunks.maxChunkRows()];
                        }
                        for (int c = 0; c < columns.length; c++) {
                            System.arraycopy(columns[c], from, kept[c], 0, good);
                        }
                    }
                    if (ok) {
                        good++;
                    }
                }
                if (n - good == 0) {
                    skipped.remove(k);
                } else {
                    skipped.put(k, (long) (n - good));
                    out = kept;
                    offset = 0;
                }
                count = good;
            }
            chunk.set(k, first, offset, count);
            for (int c = 0; c < out.length; c++) {
                chunk.setColumn(c, out[c]);
            }
            return chunk;
        }

        /** Reads and decodes the used columns of row group {@code g} into {@link #columns} and {@link #invalid}. */
        private void decode(int g) throws IOException {
            decoded = -1;
            int n = (int) groupRows[g];
            PageReadStore store;
            try {
                store = reader.readRowGroup(g);
            } catch (InvalidDataException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                String page = damagedPage(g);
                throw new InvalidDataException(path + ": row group " + g + (page != null ? page
                        : " could not be read (a damaged footer or column chunk): "
                                + cause(e).replace(String.valueOf(reader.getFile()), "the file")));
            }
            if (store == null || store.getRowCount() != n) {
                throw new InvalidDataException(path + ": row group " + g + " is missing or holds "
                        + (store == null ? 0 : store.getRowCount()) + " rows instead of " + n);
            }
            if (capacity < n) {
                columns = new double[descriptors.length][n];
                invalid = new boolean[descriptors.length][n];
                capacity = n;
            }
            boolean nulls = false;
            for (int c = 0; c < descriptors.length; c++) {
                java.util.Arrays.fill(invalid[c], 0, n, false);
                int firstNull;
                try {
                    firstNull = pages.column(store.getPageReader(descriptors[c]), descriptors[c], numerics[c], g, columns[c],
                            invalid[c], n);
                } catch (InvalidDataException e) {
                    throw e;
                } catch (RuntimeException | IOException e) {
                    throw new InvalidDataException(path + ": row group " + g + " column '" + names.get(c)
                            + "' could not be decoded (damaged?): " + cause(e));
                }
                nulls |= firstNull >= 0;
            }
            anyNull = nulls;
            decoded = g;
        }

        /**
         * After a failed read of row group {@code g}: which page of which column is damaged, as
         * " column 'x' page k ..." (or "dictionary page"), or null. parquet-java reads every page header of
         * the row group and checks the CRCs, but does not say which page failed; this walks the column chunks'
         * page headers again, on the error path only: a header that cannot be read, a page running past its
         * column chunk, value counts that do not add up to the footer's, a CRC that does not match.
         */
        private String damagedPage(int g) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                for (var c : reader.getRowGroups().get(g).getColumns()) {
                    if (!names.contains(c.getPath().toDotString())) {
                        continue;
                    }
                    byte[] chunk = new byte[Math.toIntExact(c.getTotalSize())];
                    ch.read(java.nio.ByteBuffer.wrap(chunk), c.getStartingPos());
                    String damage = damagedPage(chunk, c.getValueCount());
                    if (damage != null) {
                        return " column '" + c.getPath().toDotString() + "' " + damage;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return null;
        }

        private static String damagedPage(byte[] chunk, long values) throws IOException {
            var in = new java.io.ByteArrayInputStream(chunk);
            int dataPages = 0;
            long seen = 0;
            while (in.available() > 0 && seen < values) {
                String page = "page " + dataPages;
                org.apache.parquet.format.PageHeader h;
                try {
                    h = org.apache.parquet.format.Util.readPageHeader(in);
                } catch (IOException | RuntimeException e) {
                    return page + ": its header cannot be read (the page before it or this one is damaged)";
                }
                boolean dictionary = h.getType() == org.apache.parquet.format.PageType.DICTIONARY_PAGE;
                page = dictionary ? "dictionary page" : page;
                int start = chunk.length - in.available();
                int size = h.getCompressed_page_size();
                if (size < 0 || size > in.available()) {
                    return page + " says it has " + size + " bytes; " + in.available() + " remain in the column chunk";
                }
                var crc = new java.util.zip.CRC32();
                crc.update(chunk, start, size);
                if (h.isSetCrc() && (int) crc.getValue() != h.getCrc()) {
                    return page + " fails its CRC checksum (the page's bytes were altered)";
                }
                in.skipNBytes(size);
                if (!dictionary) {
                    seen += h.isSetData_page_header() ? h.getData_page_header().getNum_values()
                            : h.isSetData_page_header_v2() ? h.getData_page_header_v2().getNum_values() : 0;
                    dataPages++;
                }
                if (seen > values || (seen < values && in.available() == 0)) {
                    return page + " brings the column chunk to " + seen + " values; the footer says " + values;
                }
            }
            return null;
        }

        @Override
        public void seek(long chunkIndex) {
            if (chunkIndex < 0 || chunkIndex > chunks.chunkCount()) {
                throw new IllegalArgumentException("chunk " + chunkIndex + " is outside 0.." + chunks.chunkCount() + " of "
                        + path);
            }
            next = chunkIndex;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /** Size, modification time, schema, row groups, chunk rows and a hash of the footer (the last 64 KiB). */
    @Override
    public String fingerprint() throws IOException {
        long size = Files.size(path);
        long h = Fnv.mix(0xcbf29ce484222325L, schema.toString().hashCode());
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            var buf = java.nio.ByteBuffer.allocate((int) Math.min(size, 65_536));
            ch.read(buf, size - buf.capacity());
            buf.flip();
            while (buf.hasRemaining()) {
                h = Fnv.mix(h, buf.get());
            }
        }
        return "parquet:size=" + size + ":mtime=" + Files.getLastModifiedTime(path).toMillis() + ":groups="
                + groupRows.length + ":rows=" + chunks.rowCount() + ":chunk=" + chunks.chunkRows() + ":fnv="
                + Long.toHexString(h);
    }

    @Override
    public String describe() {
        return path.toString();
    }
}
