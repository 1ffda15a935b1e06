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
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * A Parquet file read with parquet-java, one row group at a time: chunk k is row group k, so a pass can
 * start at any row group and each worker reads its own (random access). Memory per worker is one row
 * group's column chunks (compressed, on the heap) and its decoded columns — bounded by the row-group size,
 * not the file. float64, float32, int32 and int64 columns (required or optional) are accepted; nulls follow
 * the data policy.
 */
public final class ParquetDataSource implements DataSource {
    private final Path path;
    private final InvalidRows policy;
    private final MessageType schema;
    private final String createdBy;
    private final long[] groupRows;
    private final long[] groupFirstRow;
    private final long rows;
    private final int maxRows;
    private final ConcurrentHashMap<Long, Long> skipped = new ConcurrentHashMap<>();

    private ParquetDataSource(Path path, InvalidRows policy, MessageType schema, String createdBy, List<BlockMetaData> blocks) {
        this.path = path;
        this.policy = policy;
        this.schema = schema;
        this.createdBy = createdBy;
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
            return new ParquetDataSource(path, policy, schema, r.getFooter().getFileMetaData().getCreatedBy(), blocks);
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
                .withCodecFactory(new ParquetCodecs(path.toString())).build());
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
                throw new InvalidDataException(path + ": row group " + g + " could not be read (a damaged footer or "
                        + "column chunk): " + cause(e).replace(String.valueOf(reader.getFile()), "the file"));
            }
            if (store == null || store.getRowCount() != n) {
                throw new InvalidDataException(path + ": row group " + g + " is missing or holds "
                        + (store == null ? 0 : store.getRowCount()) + " rows instead of " + n);
            }
            ColumnReadStoreImpl columnStore = null;
            boolean anyNull = false;
            java.util.Arrays.fill(invalid, 0, n, false);
            try {
                for (int c = 0; c < descriptors.length; c++) {
                    ColumnDescriptor d = descriptors[c];
                    if (d.getMaxDefinitionLevel() == 0) {
                        decodeRequired(store.getPageReader(d), d, numerics[c], columns[c], n, g);
                    } else {
                        if (columnStore == null) {
                            columnStore = new ColumnReadStoreImpl(store, NO_RECORDS, schema, createdBy);
                        }
                        anyNull |= decode(columnStore.getColumnReader(d), d, numerics[c], columns[c], n, c, first);
                    }
                }
            } catch (InvalidDataException e) {
                throw e;
            } catch (RuntimeException | IOException e) {
                throw new InvalidDataException(path + ": row group " + g + " could not be decoded (damaged?): " + cause(e));
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
         * A required column, page by page: PLAIN pages are copied in bulk from their little-endian bytes, other
         * dictionary pages have their ids decoded in bulk ({@link #decodeDictionary}); other encodings
         * (byte-stream-split, delta) go through parquet-java's value readers.
         */
        private void decodeRequired(org.apache.parquet.column.page.PageReader pages, ColumnDescriptor d, ParquetNumeric type,
                double[] out, int n, int g) throws IOException {
            org.apache.parquet.column.page.DictionaryPage dp = pages.readDictionaryPage();
            double[] dict = dp == null ? null : dictionary(dp, type);
            int i = 0;
            for (org.apache.parquet.column.page.DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
                int count = page.getValueCount();
                if (i + count > n) {
                    throw new InvalidDataException(path + ": row group " + g + " column '" + d.getPath()[0] + "' has more than "
                            + n + " values");
                }
                org.apache.parquet.column.Encoding enc;
                org.apache.parquet.bytes.BytesInput bytes;
                if (page instanceof org.apache.parquet.column.page.DataPageV1 v1) {
                    enc = v1.getValueEncoding();
                    bytes = v1.getBytes();
                } else {
                    org.apache.parquet.column.page.DataPageV2 v2 = (org.apache.parquet.column.page.DataPageV2) page;
                    enc = v2.getDataEncoding();
                    bytes = v2.getData();
                }
                org.apache.parquet.bytes.ByteBufferInputStream in = bytes.toInputStream();
                if (enc == org.apache.parquet.column.Encoding.PLAIN) {
                    if (type.width > 0 && in.available() != (long) count * type.width) {
                        throw new InvalidDataException(path + ": row group " + g + " column '" + d.getPath()[0] + "': a page of "
                                + count + " values holds " + in.available() + " bytes, not " + count + " x " + type.width
                                + " (a damaged footer or page header)");
                    }
                    type.plain(in.slice(type.width < 0 ? (int) in.available() : count * type.width), out, i, count);
                } else if ((enc == org.apache.parquet.column.Encoding.RLE_DICTIONARY
                        || enc == org.apache.parquet.column.Encoding.PLAIN_DICTIONARY) && dict != null) {
                    decodeDictionary(in, count, dict, out, i);
                } else {
                    if (enc.usesDictionary()) {
                        throw new InvalidDataException(path + ": row group " + g + " column '" + d.getPath()[0]
                                + "' has a dictionary-encoded page without a dictionary page (corrupt)");
                    }
                    org.apache.parquet.column.values.ValuesReader vr =
                            enc.getValuesReader(d, org.apache.parquet.column.ValuesType.VALUES);
                    vr.initFromPage(count, in);
                    for (int k = 0; k < count; k++) {
                        out[i + k] = type.read(vr);
                    }
                }
                i += count;
            }
            if (i != n) {
                throw new InvalidDataException(path + ": row group " + g + " column '" + d.getPath()[0] + "' has " + i
                        + " values for " + n + " rows (truncated or corrupt)");
            }
        }

        private int[] ids = new int[0];
        private byte[] page = new byte[0];

        /**
         * A dictionary-encoded page of a required column: one byte of bit width, then the RLE / bit-packed
         * hybrid runs of dictionary ids (Parquet's format spec), decoded in bulk; then one lookup per value.
         */
        private void decodeDictionary(org.apache.parquet.bytes.ByteBufferInputStream in, int count, double[] dict,
                double[] out, int at) throws IOException {
            int len = (int) in.available();
            if (page.length < len) {
                page = new byte[len];
            }
            in.slice(len).get(page, 0, len);
            byte[] a = page;
            int p = 0;
            int width = a[p++] & 0xff;
            if (width > 32) {
                throw new IOException("dictionary id width " + width + " > 32");
            }
            if (ids.length < count) {
                ids = new int[count];
            }
            int k = 0;
            int bytesPerValue = (width + 7) / 8;
            while (k < count) {
                int header = 0;
                int shift = 0;
                int v;
                do {
                    v = a[p++] & 0xff;
                    header |= (v & 0x7f) << shift;
                    shift += 7;
                } while ((v & 0x80) != 0);
                if ((header & 1) == 0) {
                    int run = header >>> 1;
                    int value = 0;
                    for (int j = 0; j < bytesPerValue; j++) {
                        value |= (a[p++] & 0xff) << (8 * j);
                    }
                    int end = Math.min(count, k + run);
                    java.util.Arrays.fill(ids, k, end, value);
                    k = end;
                } else {
                    int values = (header >>> 1) * 8;
                    long buffer = 0;
                    int bits = 0;
                    long mask = (1L << width) - 1;
                    int end = Math.min(count, k + values);
                    for (int j = 0; j < values; j++) {
                        while (bits < width) {
                            buffer |= (long) (a[p++] & 0xff) << bits;
                            bits += 8;
                        }
                        if (k < end) {
                            ids[k++] = (int) (buffer & mask);
                        }
                        buffer >>>= width;
                        bits -= width;
                    }
                }
            }
            for (int j = 0; j < count; j++) {
                int id = ids[j];
                if (id < 0 || id >= dict.length) {
                    throw new IOException("dictionary id " + id + " outside 0.." + (dict.length - 1));
                }
                out[at + j] = dict[id];
            }
        }

        /** A dictionary page's values (PLAIN), as doubles. */
        private double[] dictionary(org.apache.parquet.column.page.DictionaryPage dp, ParquetNumeric type) throws IOException {
            int m = dp.getDictionarySize();
            if (type.width > 0 && dp.getBytes().size() != (long) m * type.width) {
                throw new InvalidDataException(path + ": a dictionary page of " + m + " values holds " + dp.getBytes().size()
                        + " bytes, not " + m + " x " + type.width + " (a damaged footer or page header)");
            }
            double[] v = new double[m];
            type.plain(dp.getBytes().toByteBuffer(), v, 0, m);
            return v;
        }

        /** Decodes one column; returns whether it had nulls (marked in {@link #invalid}, or refused). */
        private boolean decode(ColumnReader r, ColumnDescriptor d, ParquetNumeric type, double[] out, int n, int c,
                long first) {
            int max = d.getMaxDefinitionLevel();
            boolean nulls = false;
            for (int i = 0; i < n; i++) {
                if (r.getCurrentDefinitionLevel() < max) {
                    if (policy == InvalidRows.REFUSE) {
                        throw new InvalidDataException(path + ": column '" + names.get(c) + "' is null at row " + (first + i)
                                + " (use --skip-invalid to skip such rows)", first + i, names.get(c));
                    }
                    out[i] = Double.NaN;
                    invalid[i] = true;
                    nulls = true;
                } else {
                    out[i] = type.read(r);
                }
                r.consume();
            }
            return nulls;
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

    /** The column readers want a record converter; values are read straight from them, so it does nothing. */
    private static final GroupConverter NO_RECORDS = new GroupConverter() {
        @Override
        public Converter getConverter(int fieldIndex) {
            return new PrimitiveConverter() {
            };
        }

        @Override
        public void start() {
        }

        @Override
        public void end() {
        }
    };

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
