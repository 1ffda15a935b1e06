package io.streamlsq.csv;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.Fnv;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file with a header line, streamed (never loaded whole); chunks are {@code chunkRows} consecutive
 * records. On construction one scan of the bytes records where every chunk starts and checks that every
 * record has as many fields as the header, so the source is random access: each worker parses its own
 * chunks from their offsets (parsing is the cost of a CSV pass, about 10× the model's). The scan and the
 * parser run the same state machine ({@link CsvTokenizer}: RFC 4180, any of {@code \n}, {@code \r\n},
 * {@code \r} as line ends, a leading UTF-8 byte-order mark dropped), so they agree on every file. The
 * requested columns must hold numbers ({@link CsvNumbers}); an empty cell, a non-finite number or a text
 * that is not a number is refused with its row, line, column and text, or, for empty and non-finite cells
 * under {@link InvalidRows#SKIP}, the row is skipped and counted.
 */
public final class CsvDataSource implements DataSource {
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path path;
    private final int chunkRows;
    private final List<String> header;
    private final InvalidRows policy;
    private final java.util.concurrent.ConcurrentHashMap<Long, Long> skipped = new java.util.concurrent.ConcurrentHashMap<>();
    private final Index index;

    /**
     * Reads the header and indexes the file.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws InvalidDataException if it is not a regular file, is empty, its header has an empty or repeated
     *     name, a record has another number of fields than the header, or a quoted field is never closed
     */
    public CsvDataSource(Path path, int chunkRows) throws IOException {
        this(path, chunkRows, InvalidRows.REFUSE);
    }

    /**
     * With {@link InvalidRows#SKIP}, rows with an empty cell or a non-finite number (NaN, Infinity, a number
     * beyond the double range) in a used column are skipped and counted; a cell that is not a number at all is
     * always refused.
     */
    public CsvDataSource(Path path, int chunkRows, InvalidRows policy) throws IOException {
        this.policy = policy;
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunk rows = " + chunkRows + " must be >= 1");
        }
        this.path = path;
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (Files.isDirectory(path)) {
            throw new InvalidDataException(path + " is a directory, not a CSV file");
        }
        if (!Files.isRegularFile(path)) {
            throw new InvalidDataException(path + " is not a regular file (a pipe or a device): a CSV source is read"
                    + " once per pass, so it must be a file; write the data to a file first");
        }
        if (Files.size(path) == 0) {
            throw new InvalidDataException(path + " is empty: a CSV file needs a header line with the column names");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long start = byteOrderMarkLength(ch);
            CsvTokenizer counter = new CsvTokenizer(ch, path, 0, BUFFER_BYTES);
            counter.reset(start, 1);
            boolean found = false;
            while (!found && counter.next()) {
                found = !counter.blank;
            }
            if (!found) {
                throw new InvalidDataException(path + " has no header line (only blank lines)");
            }
            int fields = counter.fieldCount;
            CsvTokenizer tok = new CsvTokenizer(ch, path, fields, BUFFER_BYTES);
            for (int f = 0; f < fields; f++) {
                tok.capture(f, f);
            }
            tok.reset(counter.recordOffset, counter.recordLine);
            tok.next();
            this.header = names(tok);
            this.chunkRows = chunkRows;
            this.index = Index.scan(ch, path, tok.offset(), tok.line(), chunkRows, fields);
        }
    }

    private static long byteOrderMarkLength(FileChannel ch) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(3);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // fill
        }
        return b.position() == 3 && (b.get(0) & 0xff) == 0xEF && (b.get(1) & 0xff) == 0xBB && (b.get(2) & 0xff) == 0xBF
                ? 3 : 0;
    }

    private List<String> names(CsvTokenizer tok) {
        List<String> names = new ArrayList<>();
        for (int f = 0; f < tok.fieldCount; f++) {
            if (tok.tooLong[f]) {
                throw new InvalidDataException(path + ": column " + (f + 1) + " of the header has a name longer than "
                        + CsvTokenizer.MAX_CELL_BYTES + " bytes");
            }
            String name = tok.text(f).strip();
            if (name.isEmpty()) {
                throw new InvalidDataException(path + ": column " + (f + 1) + " of the header has no name");
            }
            if (names.contains(name)) {
                throw new InvalidDataException(path + ": column name '" + name + "' appears twice in the header");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    /** Byte offset and line of the first record of every chunk, and the number of data records. */
    record Index(long[] offset, long[] line, long records) {
        static Index scan(FileChannel ch, Path path, long start, long startLine, int chunkRows, int fields)
                throws IOException {
            LongList offsets = new LongList();
            LongList lines = new LongList();
            long records = 0;
            CsvTokenizer tok = new CsvTokenizer(ch, path, 0, 1 << 20);
            tok.reset(start, startLine);
            while (tok.next()) {
                if (tok.blank) {
                    continue;
                }
                if (tok.malformedField >= 0) {
                    throw new InvalidDataException(path + ": line " + tok.malformedLine + ", field "
                            + (tok.malformedField + 1) + " has text after its closing quote: a quote inside a quoted"
                            + " field must be doubled (\"\"), and a field that does not start with a quote must not"
                            + " be quoted in part (row " + records + " starts on line " + tok.recordLine + ")",
                            records, null);
                }
                if (tok.fieldCount != fields) {
                    throw new InvalidDataException(path + ": row " + records + " (line " + tok.recordLine + ") has "
                            + tok.fieldCount + " fields but the header has " + fields
                            + " (a stray separator or quote, or a damaged file?)", records, null);
                }
                if (records % chunkRows == 0) {
                    offsets.add(tok.recordOffset);
                    lines.add(tok.recordLine);
                }
                records++;
            }
            return new Index(offsets.toArray(), lines.toArray(), records);
        }
    }

    /** A growable array of longs (the index of a 10¹⁰-row file has 10⁵ entries: no boxing). */
    private static final class LongList {
        private long[] values = new long[64];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, 2 * size);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }

    @Override
    public List<String> columnNames() {
        return header;
    }

    @Override
    public long chunkCount() {
        return index.offset().length;
    }

    @Override
    public long rowCount() {
        return index.records();
    }

    @Override
    public int maxChunkRows() {
        return (int) Math.max(1, Math.min(chunkRows, index.records()));
    }

    @Override
    public boolean isRandomAccess() {
        return true;
    }

    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
        int[] fields = new int[columns.size()];
        for (int c = 0; c < fields.length; c++) {
            fields[c] = DataSource.requireColumn(this, columns.get(c));
        }
        return new Cursor(columns, fields, firstChunk);
    }

    /** Size, modification time, and a hash of the first and last 64 KiB. */
    @Override
    public String fingerprint() throws IOException {
        long size = Files.size(path);
        long h = 0xcbf29ce484222325L;
        byte[] buf = new byte[65_536];
        try (var ch = Files.newByteChannel(path)) {
            h = hash(h, ch, 0, buf);
            if (size > buf.length) {
                h = hash(h, ch, size - buf.length, buf);
            }
        }
        return "csv:size=" + size + ":mtime=" + Files.getLastModifiedTime(path).toMillis() + ":chunk=" + chunkRows
                + ":fnv=" + Long.toHexString(h);
    }

    private static long hash(long h, java.nio.channels.SeekableByteChannel ch, long at, byte[] buf) throws IOException {
        ch.position(at);
        var bb = java.nio.ByteBuffer.wrap(buf);
        while (bb.hasRemaining() && ch.read(bb) > 0) {
            // fill
        }
        for (int i = 0; i < bb.position(); i++) {
            h = Fnv.mix(h, buf[i]);
        }
        return h;
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public long skippedRows() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    private final class Cursor implements ChunkCursor {
        private final List<String> names;
        private final double[][] columns;
        private final Chunk chunk;
        private final FileChannel channel;
        private final CsvTokenizer tok;
        /** For a column asked for twice, the first position that has it; else its own position. */
        private final int[] alias;
        private long chunkIndex;

        Cursor(List<String> names, int[] fields, long firstChunk) throws IOException {
            this.names = names;
            int rows = maxChunkRows();
            this.columns = new double[fields.length][rows];
            this.chunk = new Chunk(fields.length);
            for (int c = 0; c < fields.length; c++) {
                chunk.setColumn(c, columns[c]);
            }
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            this.tok = new CsvTokenizer(channel, path, fields.length, BUFFER_BYTES);
            this.alias = new int[fields.length];
            for (int c = 0; c < fields.length; c++) {
                alias[c] = c;
                for (int e = 0; e < c; e++) {
                    if (fields[e] == fields[c]) {
                        alias[c] = alias[e];
                        break;
                    }
                }
                if (alias[c] == c) {
                    tok.capture(fields[c], c);
                }
            }
            this.chunkIndex = firstChunk;
        }

        @Override
        public void seek(long chunk) {
            chunkIndex = chunk;
        }

        @Override
        public Chunk next() throws IOException {
            if (chunkIndex >= index.offset().length) {
                return null;
            }
            int k = (int) chunkIndex;
            long first = (long) k * chunkRows;
            long records = Math.min(chunkRows, index.records() - first);
            tok.reset(index.offset()[k], index.line()[k]);
            int n = 0;
            long dropped = 0;
            for (long row = first; row - first < records; ) {
                if (!tok.next()) {
                    throw new InvalidDataException(path + " changed while it was read: it ends before row " + row
                            + ", which was there when it was opened", row, null);
                }
                if (tok.blank) {
                    continue;
                }
                if (tok.fieldCount != header.size()) {
                    throw new InvalidDataException(path + ": row " + row + " (line " + tok.recordLine + ") has "
                            + tok.fieldCount + " fields but the header has " + header.size()
                            + " (the file changed while it was read?)", row, null);
                }
                boolean good = true;
                for (int c = 0; c < columns.length; c++) {
                    double v = alias[c] == c ? cell(c, row) : columns[alias[c]][n];
                    columns[c][n] = v;
                    good &= Double.isFinite(v);
                }
                row++;
                if (good) {
                    n++;
                } else {
                    dropped++;
                }
            }
            skipped.put(chunkIndex, dropped);
            chunk.set(chunkIndex++, first, 0, n);
            return chunk;
        }

        /** The value of captured cell {@code c}; NaN for a cell the SKIP policy drops. */
        private double cell(int c, long row) {
            byte[] text = tok.cell[c];
            int length = tok.cellLength[c];
            if (tok.tooLong[c]) {
                throw refuse(c, row, "a cell of more than " + CsvTokenizer.MAX_CELL_BYTES + " bytes is not a number");
            }
            if (tok.malformed[c]) {
                throw refuse(c, row, "'" + shown(c) + "' has text after its closing quote");
            }
            if (CsvNumbers.isBlank(text, 0, length)) {
                if (policy == InvalidRows.SKIP) {
                    return Double.NaN;
                }
                throw refuse(c, row, "is empty (--skip-invalid skips such rows)");
            }
            double v = CsvNumbers.parse(text, 0, length);
            if (CsvNumbers.isNotANumber(v)) {
                throw refuse(c, row, "'" + shown(c) + "' is not a number");
            }
            if (!Double.isFinite(v) && policy == InvalidRows.REFUSE) {
                throw refuse(c, row, "'" + shown(c) + "' is " + (Double.isNaN(v) ? "NaN" : "not a finite number"
                        + (looksFinite(c) ? " (beyond the range of a double)" : ""))
                        + " (--skip-invalid skips such rows)");
            }
            return v;
        }

        private boolean looksFinite(int c) {
            String t = tok.text(c).strip().toLowerCase(java.util.Locale.ROOT);
            return !t.contains("inf");
        }

        private String shown(int c) {
            String s = tok.text(c).strip();
            return s.length() > 40 ? s.substring(0, 40) + "..." : s;
        }

        private InvalidDataException refuse(int c, long row, String what) {
            return new InvalidDataException(path + ": row " + row + " (line " + tok.recordLine + "), column '"
                    + names.get(c) + "': " + what, row, names.get(c));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
