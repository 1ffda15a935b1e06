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
 * A CSV file with a header line, read as a stream (never loaded whole) by FastCSV. Sequential: each pass
 * reads the file from the start; chunks are {@code chunkRows} consecutive rows. The requested columns
 * must hold numbers; an empty cell or a non-number is refused with its row, line and column.
 */
public final class CsvDataSource implements DataSource {
    private final Path path;
    private final int chunkRows;
    private final List<String> header;
    private final InvalidRows policy;
    private final java.util.concurrent.ConcurrentHashMap<Long, Long> skipped = new java.util.concurrent.ConcurrentHashMap<>();

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
    }

    @Override
    public List<String> columnNames() {
        return header;
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
        return chunkRows;
    }

    @Override
    public boolean isRandomAccess() {
        return false;
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
        private final CsvReader<CsvRecord> reader;
        private final Iterator<CsvRecord> records;
        private final double[][] columns;
        private final Chunk chunk;
        private long chunkIndex;
        private long row;

        Cursor(List<String> names, int[] fields, long firstChunk) throws IOException {
            this.names = names;
            this.fields = fields;
            this.reader = CsvReader.builder().ofCsvRecord(path);
            this.records = reader.iterator();
            this.columns = new double[fields.length][chunkRows];
            this.chunk = new Chunk(fields.length);
            for (int c = 0; c < fields.length; c++) {
                chunk.setColumn(c, columns[c]);
            }
            try {
                records.next(); // header
                for (long skip = firstChunk * chunkRows; skip > 0 && records.hasNext(); skip--) {
                    records.next();
                    row++;
                }
            } catch (UncheckedIOException e) {
                reader.close();
                throw e.getCause();
            }
            this.chunkIndex = firstChunk;
        }

        @Override
        public Chunk next() throws IOException {
            int n = 0;
            long first = row;
            long dropped = 0;
            try {
                while (row - first < chunkRows && records.hasNext()) {
                    CsvRecord rec = records.next();
                    if (rec.getFieldCount() == 1 && rec.getField(0).isEmpty()) {
                        continue; // a blank line
                    }
                    if (rec.getFieldCount() != header.size()) {
                        throw new InvalidDataException(path + ": row " + row + " (line " + rec.getStartingLineNumber()
                                + ") has " + rec.getFieldCount() + " fields but the header has " + header.size()
                                + " (truncated or corrupt file?)", row, null);
                    }
                    boolean good = true;
                    for (int c = 0; c < fields.length; c++) {
                        double v = parse(rec, fields[c], names.get(c));
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
            if (n == 0 && dropped == 0) {
                return null;
            }
            skipped.put(chunkIndex, dropped);
            chunk.set(chunkIndex++, first, 0, n);
            return chunk;
        }

        private double parse(CsvRecord rec, int field, String name) {
            String s = rec.getField(field).trim();
            if (s.isEmpty() && policy == InvalidRows.SKIP) {
                return Double.NaN;
            }
            if (s.isEmpty()) {
                throw new InvalidDataException(path + ": row " + row + " (line " + rec.getStartingLineNumber()
                        + "), column '" + name + "' is empty", row, name);
            }
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
                throw new InvalidDataException(path + ": row " + row + " (line " + rec.getStartingLineNumber()
                        + "), column '" + name + "': '" + shown + "' is not a number", row, name);
            }
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
