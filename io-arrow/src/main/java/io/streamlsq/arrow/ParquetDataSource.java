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
 * A Parquet file read with parquet-java, one row group at a time: chunk k is row group k, so a pass can
 * start at any row group and each worker reads its own (random access). Memory per worker is one row
 * group's column chunks (compressed, on the heap) and its decoded columns — bounded by the row-group size,
 * not the file. Numeric columns (required or optional, {@link ParquetNumeric}) are accepted; nulls follow
 * the data policy. Only the requested column chunks are read; their pages are checked against their headers
 * and CRCs and decoded by {@link ParquetPageDecoder}, every read bounded by its page.
 */
public final class ParquetDataSource implements DataSource {
    private final Path path;
    private final InvalidRows policy;
    private final MessageType schema;
    private final long[] groupRows;
    private final long[] groupFirstRow;
    private final long rows;
    private final int maxRows;
    private final ConcurrentHashMap<Long, Long> skipped = new ConcurrentHashMap<>();

    private ParquetDataSource(Path path, InvalidRows policy, MessageType schema, List<BlockMetaData> blocks) {
        this.path = path;
        this.policy = policy;
        this.schema = schema;
        this.groupRows = new long[blocks.size()];
        this.groupFirstRow = new long[blocks.size()];
        long total = 0;
        long max = 0;
        for (int g = 0; g < groupRows.length; g++) {
            groupRows[g] = blocks.get(g).getRowCount();
            groupFirstRow[g] = total;
            total += groupRows[g];
            max = Math.max(max, groupRows[g]);
        }
        this.rows = total;
        this.maxRows = (int) Math.max(1, max);
    }

    /**
     * Reads the footer.
     *
     * @throws InvalidDataException if the file is empty, truncated, not Parquet, has no rows, or has a row group
     *     larger than 2³¹ − 1 rows
     */
    public static ParquetDataSource open(Path path, InvalidRows policy) throws IOException {
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
            return new ParquetDataSource(path, policy, schema, blocks);
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
        return groupRows.length;
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

    /** One worker's reader: decodes the requested columns of one row group per {@link #next()}. */
    private final class Cursor implements ChunkCursor {
        private final ParquetFileReader reader;
        private final List<String> names;
        private final ColumnDescriptor[] descriptors;
        private final ParquetNumeric[] numerics;
        private final Chunk chunk;
        private final double[][] columns;
        private final boolean[] invalid;
        private final ParquetPageDecoder pages = new ParquetPageDecoder(path.toString());
        private long next;

        Cursor(ParquetFileReader reader, List<String> names, ColumnDescriptor[] descriptors, ParquetNumeric[] numerics,
                long first) {
            this.reader = reader;
            this.numerics = numerics;
            this.names = names;
            this.descriptors = descriptors;
            this.chunk = new Chunk(descriptors.length);
            this.columns = new double[descriptors.length][maxRows];
            this.invalid = new boolean[maxRows];
            this.next = first;
        }

        @Override
        public Chunk next() throws IOException {
            if (next >= groupRows.length) {
                return null;
            }
            int g = (int) next++;
            int n = (int) groupRows[g];
            long first = groupFirstRow[g];
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
            boolean anyNull = false;
            java.util.Arrays.fill(invalid, 0, n, false);
            for (int c = 0; c < descriptors.length; c++) {
                int firstNull;
                try {
                    firstNull = pages.column(store.getPageReader(descriptors[c]), descriptors[c], numerics[c], g, columns[c],
                            invalid, n);
                } catch (InvalidDataException e) {
                    throw e;
                } catch (RuntimeException | IOException e) {
                    throw new InvalidDataException(path + ": row group " + g + " column '" + names.get(c)
                            + "' could not be decoded (damaged?): " + cause(e));
                }
                if (firstNull >= 0 && policy == InvalidRows.REFUSE) {
                    throw new InvalidDataException(path + ": column '" + names.get(c) + "' is null at row " + (first + firstNull)
                            + " (use --skip-invalid to skip such rows)", first + firstNull, names.get(c));
                }
                anyNull |= firstNull >= 0;
            }
            int kept = n;
            if (policy == InvalidRows.SKIP) {
                kept = 0;
                for (int i = 0; i < n; i++) {
                    boolean good = !(anyNull && invalid[i]);
                    for (int c = 0; c < columns.length && good; c++) {
                        good = Double.isFinite(columns[c][i]);
                    }
                    if (good) {
                        if (kept != i) {
                            for (double[] col : columns) {
                                col[kept] = col[i];
                            }
                        }
                        kept++;
                    }
                }
                skipped.put((long) g, (long) (n - kept));
            }
            chunk.set(g, first, 0, kept);
            for (int c = 0; c < columns.length; c++) {
                chunk.setColumn(c, columns[c]);
            }
            return chunk;
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
            if (chunkIndex < 0 || chunkIndex > groupRows.length) {
                throw new IllegalArgumentException("chunk " + chunkIndex + " is outside 0.." + groupRows.length + " of " + path);
            }
            next = chunkIndex;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /** Size, modification time, schema, row groups and a hash of the footer (the last 64 KiB). */
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
                + groupRows.length + ":rows=" + rows + ":fnv=" + Long.toHexString(h);
    }

    @Override
    public String describe() {
        return path.toString();
    }
}
