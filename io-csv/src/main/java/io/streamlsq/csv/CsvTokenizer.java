package io.streamlsq.csv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The one CSV state machine of this module: the row index and the parser both run it, so they cannot
 * disagree on where a record starts (a row index that counted quotes differently from its parser once
 * dropped 999 899 of 10⁶ rows without a word).
 *
 * <p>The rules are RFC 4180 with the leniencies of FastCSV, the common readers and spreadsheet exports:
 * <ul>
 *   <li>fields are separated by {@code ,}; a record ends at {@code \n}, {@code \r\n} or a lone {@code \r}
 *       (all three count as one line, in any mix);</li>
 *   <li>a field is quoted only when its first byte is {@code "}; inside it, {@code ""} is one quote, and
 *       separators and line ends are data; a quote inside an unquoted field is an ordinary character
 *       ({@code 12" screen});</li>
 *   <li>bytes between a closing quote and the next separator or line end break the rules (RFC 4180 has no
 *       such field) and are reported ({@link #malformedField}): a quote that opened a field by mistake would
 *       otherwise swallow the records up to the next quote without a word, as lenient readers do;</li>
 *   <li>a quoted field still open at the end of the input is an error (a truncated file or a stray quote
 *       at the start of a field), reported with the line where it opened;</li>
 *   <li>a record with nothing but spaces or tabs is a blank line.</li>
 * </ul>
 * Bytes are read as they are: the separator, quote and line ends are ASCII, which never occurs inside a
 * multi-byte UTF-8 sequence. The text of the captured fields (the columns a fit reads) is kept up to
 * {@link #MAX_CELL_BYTES}; other fields are only scanned, so a cell of any length in an unused column costs
 * no memory.
 *
 * <p>Not thread-safe: one tokenizer per reader.
 */
final class CsvTokenizer {
    /** Captured cells longer than this are flagged {@link #tooLong} (no number is that long). */
    static final int MAX_CELL_BYTES = 1024;

    private static final int START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int AFTER_QUOTE = 3;

    private final FileChannel channel;
    private final Path path;
    private final ByteBuffer buffer;
    private final byte[] buf;
    private int pos;
    private int lim;
    private long bufStart;
    private boolean eof;
    private long line;

    private int[] slotOfField = new int[0];
    /** Captured cell bytes per slot. */
    final byte[][] cell;
    /** Length of the captured cell per slot. */
    final int[] cellLength;
    /** The captured field had bytes after its closing quote. */
    final boolean[] malformed;
    /** The captured field is longer than {@link #MAX_CELL_BYTES}. */
    final boolean[] tooLong;

    /** Fields of the last record. */
    int fieldCount;
    /** Line on which the last record starts (1-based). */
    long recordLine;
    /** Byte offset of the first byte of the last record. */
    long recordOffset;
    /** Whether the last record was a blank line. */
    boolean blank;
    /** The first field of the last record with bytes after its closing quote, or -1. */
    int malformedField;
    /** The line of that closing quote. */
    long malformedLine;

    /**
     * @param slots number of fields that can be captured
     */
    CsvTokenizer(FileChannel channel, Path path, int slots, int bufferBytes) {
        this.channel = channel;
        this.path = path;
        this.buffer = ByteBuffer.allocate(bufferBytes);
        this.buf = buffer.array();
        this.cell = new byte[slots][MAX_CELL_BYTES];
        this.cellLength = new int[slots];
        this.malformed = new boolean[slots];
        this.tooLong = new boolean[slots];
    }

    /** Captures field {@code field} of every record into slot {@code slot}. */
    void capture(int field, int slot) {
        if (field >= slotOfField.length) {
            int[] grown = java.util.Arrays.copyOf(slotOfField, field + 1);
            java.util.Arrays.fill(grown, slotOfField.length, grown.length, -1);
            slotOfField = grown;
        }
        slotOfField[field] = slot;
    }

    /** Continues reading at byte {@code offset}, which is the start of a record on line {@code line}. */
    void reset(long offset, long line) {
        this.bufStart = offset;
        this.pos = 0;
        this.lim = 0;
        this.eof = false;
        this.line = line;
    }

    /** Byte offset of the next unread byte. */
    long offset() {
        return bufStart + pos;
    }

    /** The line the next record starts on. */
    long line() {
        return line;
    }

    /**
     * Reads the next record (blank lines included, with {@link #blank} set).
     *
     * @return false at the end of the input
     * @throws io.streamlsq.data.InvalidDataException for a quoted field that is never closed
     */
    boolean next() throws IOException {
        int c = read();
        if (c < 0) {
            return false;
        }
        recordOffset = offset() - 1;
        recordLine = line;
        for (int s = 0; s < cellLength.length; s++) {
            cellLength[s] = 0;
            malformed[s] = false;
            tooLong[s] = false;
        }
        malformedField = -1;
        int field = 0;
        int slot = slotOf(0);
        int state = START;
        boolean onlySpace = true;
        long quoteLine = 0;
        for (;; c = read()) {
            if (c < 0) {
                if (state == QUOTED) {
                    throw new io.streamlsq.data.InvalidDataException(path + ": line " + quoteLine
                            + " opens a quoted field that is never closed (a truncated file, or a \" at the start of"
                            + " a field that is not meant as a quote)");
                }
                break;
            }
            if (state == QUOTED) {
                if (c == '"') {
                    state = AFTER_QUOTE;
                    continue;
                }
                if (c != '\r' && c != '\n') {
                    append(slot, c);
                    skipRun(slot, (byte) '"');
                    continue;
                }
                if (c == '\r') {
                    line++;
                    if (peek() == '\n') {
                        append(slot, c);
                        c = read();
                    }
                } else if (c == '\n') {
                    line++;
                }
                append(slot, c);
                continue;
            }
            if (c == ',') {
                onlySpace = false;
                field++;
                slot = slotOf(field);
                state = START;
                continue;
            }
            if (c == '\r' || c == '\n') {
                if (c == '\r' && peek() == '\n') {
                    read();
                }
                line++;
                break;
            }
            switch (state) {
                case START -> {
                    if (c == '"') {
                        state = QUOTED;
                        quoteLine = line;
                        onlySpace = false;
                    } else {
                        state = UNQUOTED;
                        onlySpace &= c == ' ' || c == '\t';
                        append(slot, c);
                        if (!onlySpace) {
                            skipRun(slot, (byte) ',');
                        }
                    }
                }
                case UNQUOTED -> {
                    onlySpace &= c == ' ' || c == '\t';
                    append(slot, c);
                    if (!onlySpace) {
                        skipRun(slot, (byte) ',');
                    }
                }
                default -> { // AFTER_QUOTE; once broken, a quote no longer reopens (the record is refused)
                    if (c == '"' && malformedField != field) {
                        state = QUOTED;
                        append(slot, c);
                    } else {
                        if (malformedField < 0) {
                            malformedField = field;
                            malformedLine = line;
                        }
                        if (slot >= 0) {
                            malformed[slot] = true;
                        }
                    }
                }
            }
        }
        fieldCount = field + 1;
        blank = field == 0 && onlySpace;
        return true;
    }

    /** The captured text of slot {@code slot} as UTF-8 (for messages). */
    String text(int slot) {
        return new String(cell[slot], 0, cellLength[slot], StandardCharsets.UTF_8);
    }

    private int slotOf(int field) {
        return field < slotOfField.length ? slotOfField[field] : -1;
    }

    /**
     * The hot path: the rest of a field within the buffer up to (not including) {@code stop} or a line end, in
     * one tight loop; appended to {@code slot} if captured. {@code stop} is {@code ,} outside quotes (a quote there
     * is an ordinary byte) and {@code "} inside them (line ends are then counted by the caller).
     */
    private void skipRun(int slot, byte stop) {
        int p = pos;
        final int end = lim;
        final byte[] b = buf;
        while (p < end) {
            byte x = b[p];
            if (x == stop || x == '\n' || x == '\r') {
                break;
            }
            p++;
        }
        appendRange(slot, pos, p);
        pos = p;
    }

    private void appendRange(int slot, int from, int to) {
        if (slot < 0 || from == to) {
            return;
        }
        int n = cellLength[slot];
        int take = Math.min(to - from, MAX_CELL_BYTES - n);
        System.arraycopy(buf, from, cell[slot], n, take);
        cellLength[slot] = n + take;
        if (take < to - from) {
            tooLong[slot] = true;
        }
    }

    private void append(int slot, int c) {
        if (slot < 0) {
            return;
        }
        int n = cellLength[slot];
        if (n < MAX_CELL_BYTES) {
            cell[slot][n] = (byte) c;
            cellLength[slot] = n + 1;
        } else {
            tooLong[slot] = true;
        }
    }

    private int read() throws IOException {
        if (pos == lim && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    private int peek() throws IOException {
        if (pos == lim && !fill()) {
            return -1;
        }
        return buf[pos] & 0xff;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        bufStart += lim;
        pos = 0;
        lim = 0;
        buffer.clear();
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, bufStart + buffer.position());
            if (n < 0) {
                eof = true;
                break;
            }
        }
        lim = buffer.position();
        return lim > 0;
    }
}
