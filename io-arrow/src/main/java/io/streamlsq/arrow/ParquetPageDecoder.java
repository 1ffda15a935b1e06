package io.streamlsq.arrow;

import io.streamlsq.data.InvalidDataException;
import java.io.IOException;
import java.util.Arrays;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;

/**
 * Decodes the pages of one flat column chunk (required or optional) into doubles, every read bounded by its
 * page: the decompressed size must be the header's, a PLAIN section must hold exactly the non-null values the
 * definition levels announce, a dictionary page exactly its declared count, RLE / bit-packed runs (levels and
 * dictionary ids) must end inside their section and consume it, ids must be inside the dictionary and levels
 * at most the column's maximum. A page that breaks any of these is refused with an
 * {@link InvalidDataException} naming the file, row group, column and page (0-based, data pages only; the
 * dictionary page by that name); no value is ever decoded from bytes outside its page.
 *
 * <p>One decoder per cursor: it reuses its buffers (the page bytes, ids, levels, non-null values) from page to
 * page, which is why every read is bounded by the current page's length, never the buffer's.
 */
final class ParquetPageDecoder {
    private final String file;
    private byte[] bytes = new byte[0];
    private int[] ids = new int[0];
    private int[] levels = new int[0];
    private double[] present = new double[0];
    private String where;

    ParquetPageDecoder(String file) {
        this.file = file;
    }

    /**
     * Decodes column chunk {@code d} of row group {@code g} ({@code n} rows) into {@code out[0..n)}. A null
     * (definition level below the maximum) sets {@code out[i] = NaN} and {@code isNull[i] = true}; other
     * entries of {@code isNull} are not touched. Returns the first null row (within the group), or -1.
     */
    int column(PageReader pages, ColumnDescriptor d, ParquetNumeric type, int g, double[] out, boolean[] isNull, int n)
            throws IOException {
        String prefix = file + ": row group " + g + " column '" + d.getPath()[0] + "'";
        where = prefix + " dictionary page";
        double[] dict = null;
        DictionaryPage dp = readDictionaryPage(pages);
        if (dp != null) {
            dict = dictionary(dp, type);
        }
        int i = 0;
        int firstNull = -1;
        int k = 0;
        for (DataPage page = readPage(pages, prefix, k); page != null; page = readPage(pages, prefix, ++k)) {
            int count = page.getValueCount();
            if (count < 0 || count > n - i) {
                throw refuse("holds " + count + " values after " + i + " of the row group's " + n);
            }
            int f = page(page, d, type, dict, out, isNull, i, count);
            if (firstNull < 0 && f >= 0) {
                firstNull = f;
            }
            i += count;
        }
        if (i != n) {
            where = prefix + " page " + (k - 1) + " (the last)";
            throw refuse("ends the column chunk with " + i + " values for " + n + " rows (truncated or corrupt)");
        }
        return firstNull;
    }

    private DictionaryPage readDictionaryPage(PageReader pages) {
        try {
            return pages.readDictionaryPage();
        } catch (RuntimeException e) {
            throw refuse("cannot be read: " + ParquetDataSource.cause(e));
        }
    }

    private DataPage readPage(PageReader pages, String prefix, int k) {
        where = prefix + " page " + k;
        try {
            return pages.readPage();
        } catch (RuntimeException e) {
            throw refuse("cannot be read: " + ParquetDataSource.cause(e));
        }
    }

    /** One data page: levels, then values, into {@code out[at..at+count)}; returns its first null row or -1. */
    private int page(DataPage page, ColumnDescriptor d, ParquetNumeric type, double[] dict, double[] out,
            boolean[] isNull, int at, int count) throws IOException {
        int maxDef = d.getMaxDefinitionLevel();
        Sections s = sections(page, maxDef);
        int nonNull = maxDef == 0 ? count : definitionLevels(s.levelsFrom(), s.levelsTo(), maxDef, count);
        if (nonNull == count) {
            values(s.encoding(), d, type, dict, s.levelsTo(), s.valuesTo(), out, at, count);
            return -1;
        }
        present = present.length < nonNull ? new double[nonNull] : present;
        values(s.encoding(), d, type, dict, s.levelsTo(), s.valuesTo(), present, 0, nonNull);
        int firstNull = -1;
        for (int j = 0, v = 0; j < count; j++) {
            if (levels[j] == maxDef) {
                out[at + j] = present[v++];
            } else {
                out[at + j] = Double.NaN;
                isNull[at + j] = true;
                firstNull = firstNull < 0 ? at + j : firstNull;
            }
        }
        return firstNull;
    }

    /**
     * Where a data page's parts lie in {@link #bytes}: definition levels in {@code [levelsFrom, levelsTo)},
     * values in {@code [levelsTo, valuesTo)}.
     */
    private record Sections(Encoding encoding, int levelsFrom, int levelsTo, int valuesTo) {
    }

    /**
     * Copies a data page into {@link #bytes} and finds its sections. v1: [4-byte length, levels] then values,
     * decompressed together; v2: levels (uncompressed, kept apart by parquet-java) then values, put in front
     * of the values here. Sizes are checked against the header and against each other.
     */
    private Sections sections(DataPage page, int maxDef) throws IOException {
        if (page instanceof DataPageV1 v1) {
            int len = copy(v1.getBytes());
            requireSize(len, page.getUncompressedSize(), "decompressed");
            if (maxDef == 0) {
                return new Sections(v1.getValueEncoding(), 0, 0, len);
            }
            if (v1.getDlEncoding() != Encoding.RLE) {
                throw refuse("has definition levels in the encoding " + v1.getDlEncoding() + " (only RLE is read)");
            }
            if (len < 4) {
                throw refuse("of " + len + " bytes has no room for the length of its definition levels");
            }
            int levelBytes = (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8 | (bytes[2] & 0xff) << 16 | bytes[3] << 24;
            if (levelBytes < 0 || levelBytes > len - 4) {
                throw refuse("says its definition levels take " + levelBytes + " bytes, but " + (len - 4) + " remain");
            }
            return new Sections(v1.getValueEncoding(), 4, 4 + levelBytes, len);
        }
        DataPageV2 v2 = (DataPageV2) page;
        long rl = v2.getRepetitionLevels().size();
        long dl = v2.getDefinitionLevels().size();
        int len = copy(v2.getData());
        requireSize(rl + dl + len, page.getUncompressedSize(), "levels and decompressed values");
        if (rl != 0 || (maxDef == 0 && dl != 0)) {
            throw refuse("has " + rl + " bytes of repetition and " + dl + " of definition levels in a flat "
                    + (maxDef == 0 ? "required " : "") + "column");
        }
        int lb = (int) dl;
        if (lb > 0) {
            byte[] values = Arrays.copyOf(bytes, len);
            ensureBytes(lb + len);
            v2.getDefinitionLevels().toByteBuffer().get(bytes, 0, lb);
            System.arraycopy(values, 0, bytes, lb, len);
        }
        return new Sections(v2.getDataEncoding(), 0, lb, lb + len);
    }

    /** Decodes {@code count} definition levels into {@link #levels}; returns how many are the maximum (non-null). */
    private int definitionLevels(int from, int to, int maxDef, int count) {
        levels = grow(levels, count);
        int end = hybrid(from, to, 32 - Integer.numberOfLeadingZeros(maxDef), levels, count, "definition levels");
        requireConsumed(end, to, "definition levels");
        int nonNull = 0;
        for (int j = 0; j < count; j++) {
            int l = levels[j];
            if (l == maxDef) {
                nonNull++;
            } else if (l > maxDef) {
                throw refuse("has definition level " + l + " at value " + j + " (the column's maximum is " + maxDef + ")");
            }
        }
        return nonNull;
    }

    /** The values section {@code bytes[from..to)}: exactly {@code count} values, nothing left over. */
    private void values(Encoding enc, ColumnDescriptor d, ParquetNumeric type, double[] dict, int from, int to,
            double[] out, int at, int count) throws IOException {
        int len = to - from;
        if (enc == Encoding.PLAIN) {
            if (type.width > 0 && len != (long) count * type.width) {
                throw refuse("holds " + len + " bytes of PLAIN values, not " + count + " x " + type.width);
            }
            int used = plain(type, from, len, out, at, count);
            requireConsumed(from + used, to, "PLAIN values");
        } else if (enc == Encoding.RLE_DICTIONARY || enc == Encoding.PLAIN_DICTIONARY) {
            if (dict == null) {
                throw refuse("is dictionary-encoded but the column chunk has no dictionary page");
            }
            dictionaryIds(from, to, dict, out, at, count);
        } else {
            if (enc.usesDictionary()) {
                throw refuse("has the unsupported dictionary encoding " + enc);
            }
            // byte-stream-split, delta: parquet-java's readers, over this page's bytes only
            ValuesReader vr = enc.getValuesReader(d, ValuesType.VALUES);
            try {
                vr.initFromPage(count, ByteBufferInputStream.wrap(java.nio.ByteBuffer.wrap(bytes, from, len)));
                for (int k = 0; k < count; k++) {
                    out[at + k] = type.read(vr);
                }
            } catch (RuntimeException e) {
                throw refuse("cannot be decoded (" + enc + "): " + ParquetDataSource.cause(e));
            }
        }
    }

    private int plain(ParquetNumeric type, int from, int len, double[] out, int at, int count) {
        try {
            return type.plain(java.nio.ByteBuffer.wrap(bytes, from, len), out, at, count);
        } catch (RuntimeException e) {
            throw refuse("has PLAIN values that cannot be decoded: " + ParquetDataSource.cause(e));
        }
    }

    /** One byte of id width, then the RLE / bit-packed runs of {@code count} ids; one lookup per value. */
    private void dictionaryIds(int from, int to, double[] dict, double[] out, int at, int count) {
        if (count == 0 && from == to) {
            return;
        }
        if (from >= to) {
            throw refuse("has no dictionary ids for its " + count + " values");
        }
        int width = bytes[from] & 0xff;
        if (width > 32) {
            throw refuse("says its dictionary ids are " + width + " bits wide (at most 32)");
        }
        ids = grow(ids, count);
        int end = hybrid(from + 1, to, width, ids, count, "dictionary ids");
        requireConsumed(end, to, "dictionary ids");
        for (int j = 0; j < count; j++) {
            int id = ids[j];
            if (id < 0 || id >= dict.length) {
                throw refuse("has dictionary id " + (id & 0xffffffffL) + " at value " + j + ", outside the dictionary of "
                        + dict.length);
            }
            out[at + j] = dict[id];
        }
    }

    /**
     * Decodes {@code count} values of {@code width} bits from the RLE / bit-packed hybrid runs in
     * {@code bytes[from..to)} into {@code out[0..count)} (Parquet's format spec). Every byte read is checked
     * against {@code to}. Returns where the last run ends: past {@code to} only by the unused padding of a
     * final bit-packed group, which writers may leave out.
     */
    private int hybrid(int from, int to, int width, int[] out, int count, String what) {
        int p = from;
        int k = 0;
        int bytesPerValue = (width + 7) / 8;
        long mask = width == 32 ? 0xffffffffL : (1L << width) - 1;
        while (k < count) {
            int header = 0;
            int shift = 0;
            int v;
            do {
                if (p >= to || shift > 28) {
                    throw refuse(p >= to ? "has " + what + " that end after " + k + " of " + count + " values"
                            : "has a run header of more than 5 bytes in its " + what);
                }
                v = bytes[p++] & 0xff;
                header |= (v & 0x7f) << shift;
                shift += 7;
            } while ((v & 0x80) != 0);
            if ((header & 1) == 0) {
                int run = header >>> 1;
                if (p + bytesPerValue > to) {
                    throw refuse("has a run of " + what + " whose value lies past the page");
                }
                int value = 0;
                for (int j = 0; j < bytesPerValue; j++) {
                    value |= (bytes[p++] & 0xff) << (8 * j);
                }
                if ((value & 0xffffffffL) > mask) {
                    throw refuse("has a run of " + what + " with value " + (value & 0xffffffffL) + ", wider than " + width
                            + " bits");
                }
                if (run == 0) {
                    throw refuse("has an empty run of " + what);
                }
                int end = Math.min(count, k + run);
                Arrays.fill(out, k, end, value);
                k = end;
            } else {
                int groups = header >>> 1;
                if (groups == 0) {
                    throw refuse("has an empty bit-packed run of " + what);
                }
                int end = (int) Math.min(count, k + 8L * groups);
                long needed = ((long) (end - k) * width + 7) / 8;
                if (p + needed > to) {
                    throw refuse("has a bit-packed run of " + what + " of " + groups + " groups that runs past the page");
                }
                long buffer = 0;
                int bits = 0;
                int q = p;
                while (k < end) {
                    while (bits < width) {
                        buffer |= (long) (bytes[q++] & 0xff) << bits;
                        bits += 8;
                    }
                    out[k++] = (int) (buffer & mask);
                    buffer >>>= width;
                    bits -= width;
                }
                p += (int) Math.min((long) groups * width, Integer.MAX_VALUE - p);
            }
        }
        return p;
    }

    /** The runs must end at the end of their section (a final bit-packed group may lack its padding). */
    private void requireConsumed(int end, int to, String what) {
        if (end < to) {
            throw refuse("has " + (to - end) + " bytes left over after its " + what);
        }
    }

    private void requireSize(long got, int header, String what) {
        if (got != header) {
            throw refuse("has " + got + " bytes of " + what + " data, but its header says " + header);
        }
    }

    /** Copies a page's bytes into the reused buffer; returns their length. */
    private int copy(BytesInput in) throws IOException {
        long size = in.size();
        if (size > Integer.MAX_VALUE - 8) {
            throw refuse("has " + size + " bytes");
        }
        int len = (int) size;
        ensureBytes(len);
        in.toByteBuffer().get(bytes, 0, len);
        return len;
    }

    private void ensureBytes(int len) {
        if (bytes.length < len) {
            bytes = new byte[Math.max(len, bytes.length + bytes.length / 2)];
        }
    }

    private static int[] grow(int[] a, int n) {
        return a.length < n ? new int[Math.max(n, a.length + a.length / 2)] : a;
    }

    /** A dictionary page's values (PLAIN), exactly its declared count. */
    private double[] dictionary(DictionaryPage dp, ParquetNumeric type) throws IOException {
        int m = dp.getDictionarySize();
        if (dp.getEncoding() != Encoding.PLAIN && dp.getEncoding() != Encoding.PLAIN_DICTIONARY) {
            throw refuse("has the encoding " + dp.getEncoding() + " (only PLAIN is read)");
        }
        int len = copy(dp.getBytes());
        requireSize(len, dp.getUncompressedSize(), "decompressed");
        if (m < 0 || (type.width > 0 && len != (long) m * type.width)) {
            throw refuse("of " + m + " values holds " + len + " bytes, not " + m + " x " + type.width);
        }
        double[] v = new double[m];
        requireConsumed(plain(type, 0, len, v, 0, m), len, "values");
        return v;
    }

    private InvalidDataException refuse(String what) {
        return new InvalidDataException(where + " " + what);
    }
}
