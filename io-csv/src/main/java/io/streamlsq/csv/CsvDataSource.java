package io.streamlsq.csv;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.Fnv;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A CSV file with a header line, streamed by FastCSV (never loaded whole); chunks are {@code chunkRows}
 * consecutive records. On construction one quote-aware scan of the bytes records where every chunk starts,
 * so the source is random access: each worker parses its own chunks from their offsets (parsing is the
 * cost of a CSV pass, about 10× the model's). The requested columns must hold numbers; an empty cell or a
 * non-number is refused with its row, line and column.
 */
public final class CsvDataSource implements DataSource {
    private final Path path;
    private final int chunkRows;
    private final List<String> header;
    private final InvalidRows policy;
    private final java.util.concurrent.ConcurrentHashMap<Long, Long> skipped = new java.util.concurrent.ConcurrentHashMap<>();
    private final Index index;

    /**
     * Reads the header.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws InvalidDataException if it is empty or its header has an empty or repeated name
     */
    public CsvDataSource(Path path, int chunkRows) throws IOException {
        this(path, chunkRows, InvalidRows.REFUSE);
    }

    /**
     * With {@link InvalidRows#SKIP}, rows with an empty cell or a non-finite number (NaN, Infinity) in a used
     * column are skipped and counted; a cell that is not a number at all is always refused.
     */
    public CsvDataSource(Path path, int chunkRows, InvalidRows policy) throws IOException {
        this.policy = policy;
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunk rows = " + chunkRows + " must be >= 1");
        }
        this.path = path;
        this.chunkRows = chunkRows;
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (Files.size(path) == 0) {
            throw new InvalidDataException(path + " is empty: a CSV file needs a header line with the column names");
        }
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(path)) {
            Iterator<CsvRecord> it = reader.iterator();
            if (!it.hasNext()) {
                throw new InvalidDataException(path + " has no header line");
            }
            List<String> names = new ArrayList<>();
            for (String f : it.next().getFields()) {
                String name = f.trim();
                if (name.isEmpty()) {
                    throw new InvalidDataException(path + ": column " + (names.size() + 1) + " of the header has no name");
                }
                if (names.contains(name)) {
                    throw new InvalidDataException(path + ": column name '" + name + "' appears twice in the header");
                }
                names.add(name);
            }
            this.header = List.copyOf(names);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        this.index = Index.scan(path, chunkRows);
    }

    /** Byte offset and line of the first record of every chunk, and the number of data records. */
    record Index(long[] offset, long[] line, long records) {
        static Index scan(Path path, int chunkRows) throws IOException {
            java.util.List<Long> offsets = new ArrayList<>();
            java.util.List<Long> lines = new ArrayList<>();
            long records = 0;
            long pos = 0;
            long lineNo = 1;
            boolean quoted = false;
            boolean headerDone = false;
            boolean lineHasContent = false;
            long lineStart = 0;
            byte[] buf = new byte[1 << 20];
            try (java.io.InputStream in = Files.newInputStream(path)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    for (int i = 0; i < n; i++, pos++) {
                        byte b = buf[i];
                        if (b == '"') {
                            quoted = !quoted;
                            lineHasContent = true;
                        } else if (b == '\n' && !quoted) {
                            if (lineHasContent) {
                                if (!headerDone) {
                                    headerDone = true;
                                } else {
                                    if (records % chunkRows == 0) {
                                        offsets.add(lineStart);
                                        lines.add(lineNo);
                                    }
                                    records++;
                                }
                            }
                            lineNo++;
                            lineStart = pos + 1;
                            lineHasContent = false;
                        } else if (b != '\r') {
                            lineHasContent = true;
                        }
                    }
                }
            }
            if (lineHasContent && headerDone) {
                if (records % chunkRows == 0) {
                    offsets.add(lineStart);
                    lines.add(lineNo);
                }
                records++;
            }
            return new Index(offsets.stream().mapToLong(Long::longValue).toArray(),
                    lines.stream().mapToLong(Long::longValue).toArray(), records);
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
        return chunkRows;
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
        private final int[] fields;
        private final double[][] columns;
        private final Chunk chunk;
        private final java.nio.channels.FileChannel channel;
        private long chunkIndex;

        Cursor(List<String> names, int[] fields, long firstChunk) throws IOException {
            this.names = names;
            this.fields = fields;
            this.columns = new double[fields.length][chunkRows];
            this.chunk = new Chunk(fields.length);
            for (int c = 0; c < fields.length; c++) {
                chunk.setColumn(c, columns[c]);
            }
            this.channel = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.READ);
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
            channel.position(index.offset()[k]);
            java.io.Reader text = new java.io.InputStreamReader(java.nio.channels.Channels.newInputStream(channel),
                    java.nio.charset.StandardCharsets.UTF_8);
            CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(text);
            Iterator<CsvRecord> it = reader.iterator();
            int n = 0;
            long dropped = 0;
            long row = first;
            try {
                while (row - first < records && it.hasNext()) {
                    CsvRecord rec = it.next();
                    long line = index.line()[k] + rec.getStartingLineNumber() - 1;
                    if (rec.getFieldCount() == 1 && rec.getField(0).isEmpty()) {
                        continue; // a blank line
                    }
                    if (rec.getFieldCount() != header.size()) {
                        throw new InvalidDataException(path + ": row " + row + " (line " + line + ") has "
                                + rec.getFieldCount() + " fields but the header has " + header.size()
                                + " (truncated or corrupt file?)", row, null);
                    }
                    boolean good = true;
                    for (int c = 0; c < fields.length; c++) {
                        double v = parse(rec, fields[c], names.get(c), row, line);
                        columns[c][n] = v;
                        good &= Double.isFinite(v);
                    }
                    row++;
                    if (good || policy == InvalidRows.REFUSE) {
                        n++;
                    } else {
                        dropped++;
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            skipped.put(chunkIndex, dropped);
            chunk.set(chunkIndex++, first, 0, n);
            return chunk;
        }

        private double parse(CsvRecord rec, int field, String name, long row, long line) {
            String s = rec.getField(field).trim();
            if (s.isEmpty() && policy == InvalidRows.SKIP) {
                return Double.NaN;
            }
            if (s.isEmpty()) {
                throw new InvalidDataException(path + ": row " + row + " (line " + line + "), column '" + name
                        + "' is empty", row, name);
            }
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
                throw new InvalidDataException(path + ": row " + row + " (line " + line + "), column '" + name + "': '"
                        + shown + "' is not a number", row, name);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
