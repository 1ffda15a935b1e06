package io.streamlsq.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import com.github.luben.zstd.Zstd;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.xerial.snappy.Snappy;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet pages written by parquet-java (PLAIN and dictionary, data pages v1 and v2, required and optional
 * columns), then damaged inside a page: the header's sizes and counts, the values, the RLE / bit-packed run
 * headers, a dictionary id beyond the dictionary, the definition-level length. Each damaged file is either read
 * to exactly the values written or refused with a message naming the file, row group, column and page — never
 * read as other values.
 */
class ParquetPagesTest {
    @TempDir
    Path dir;

    static final int ROWS = 3_000;

    enum Layout {
        PLAIN_V1, DICTIONARY_V1, PLAIN_V2, DICTIONARY_V2;

        boolean dictionary() {
            return this == DICTIONARY_V1 || this == DICTIONARY_V2;
        }

        boolean v2() {
            return this == PLAIN_V2 || this == DICTIONARY_V2;
        }
    }

    /** Runs of 32 equal values (RLE runs of ids) alternating with 32 mixed ones (bit-packed runs); 40 distinct. */
    static double value(int i) {
        return i % 64 < 32 ? (i / 64) % 40 : (i * 7) % 40 + 0.5;
    }

    static boolean isNull(boolean optional, int i) {
        return optional && i % 7 == 3;
    }

    private Path write(Layout layout, boolean optional, boolean crc, CompressionCodecName codec) throws IOException {
        Type x = Types.primitive(PrimitiveTypeName.DOUBLE, optional ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED)
                .named("x");
        MessageType schema = new MessageType("m", x, Types.required(PrimitiveTypeName.DOUBLE).named("y"));
        Path f = dir.resolve(layout + (optional ? "-opt" : "-req") + (crc ? "-crc-" : "-") + codec + ".parquet");
        Files.deleteIfExists(f);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(f)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCompressionCodec(codec).withCodecFactory(new Compressors())
                .withDictionaryEncoding(layout.dictionary()).withPageWriteChecksumEnabled(crc)
                .withWriterVersion(layout.v2() ? ParquetProperties.WriterVersion.PARQUET_2_0
                        : ParquetProperties.WriterVersion.PARQUET_1_0)
                .withPageRowCountLimit(700).withRowGroupSize(20_000L).build()) {
            SimpleGroupFactory g = new SimpleGroupFactory(schema);
            for (int i = 0; i < ROWS; i++) {
                Group row = g.newGroup();
                if (!isNull(optional, i)) {
                    row.add("x", value(i));
                }
                row.add("y", (double) i);
                w.write(row);
            }
        }
        return f;
    }

    /** parquet-java's own compressors need Hadoop's runtime: these call the codec libraries directly. */
    static final class Compressors implements CompressionCodecFactory {
        @Override
        public BytesInputCompressor getCompressor(CompressionCodecName codec) {
            return new BytesInputCompressor() {
                @Override
                public BytesInput compress(BytesInput bytes) throws IOException {
                    byte[] in = bytes.toByteArray();
                    return BytesInput.from(switch (codec) {
                        case UNCOMPRESSED -> in;
                        case SNAPPY -> Snappy.compress(in);
                        case ZSTD -> Zstd.compress(in);
                        case GZIP -> {
                            ByteArrayOutputStream out = new ByteArrayOutputStream();
                            try (GZIPOutputStream g = new GZIPOutputStream(out)) {
                                g.write(in);
                            }
                            yield out.toByteArray();
                        }
                        case LZ4_RAW -> {
                            ByteArrayOutputStream out = new ByteArrayOutputStream();
                            try (BlockLZ4CompressorOutputStream l = new BlockLZ4CompressorOutputStream(out)) {
                                l.write(in);
                            }
                            yield out.toByteArray();
                        }
                        default -> throw new IllegalArgumentException(codec.toString());
                    });
                }

                @Override
                public CompressionCodecName getCodecName() {
                    return codec;
                }

                @Override
                public void release() {
                }
            };
        }

        @Override
        public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
            return new ParquetCodecs("written").getDecompressor(codec);
        }

        @Override
        public void release() {
        }
    }

    /** Column x as written (its nulls skipped, as the reader with InvalidRows.SKIP does). */
    static double[] written(boolean optional) {
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            if (!isNull(optional, i)) {
                v.add(value(i));
            }
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A page of column x as laid out in the file. index: data page number in its column chunk, -1 the dictionary. */
    record Page(int group, int index, int headerAt, int headerLength, int dataAt, PageHeader header) {
        boolean dictionary() {
            return header.getType() == PageType.DICTIONARY_PAGE;
        }

        int end() {
            return dataAt + header.getCompressed_page_size();
        }
    }

    static List<Page> pages(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        List<Page> pages = new ArrayList<>();
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(f),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).withCodecFactory(new ParquetCodecs(f.toString()))
                        .build())) {
            for (int g = 0; g < r.getRowGroups().size(); g++) {
                for (var c : r.getRowGroups().get(g).getColumns()) {
                    if (!c.getPath().toDotString().equals("x")) {
                        continue;
                    }
                    int pos = (int) c.getStartingPos();
                    int end = pos + (int) c.getTotalSize();
                    int index = 0;
                    while (pos < end) {
                        ByteArrayInputStream in = new ByteArrayInputStream(b, pos, end - pos);
                        PageHeader h = Util.readPageHeader(in);
                        int headerLength = end - pos - in.available();
                        boolean dict = h.getType() == PageType.DICTIONARY_PAGE;
                        pages.add(new Page(g, dict ? -1 : index, pos, headerLength, pos + headerLength, h));
                        index += dict ? 0 : 1;
                        pos += headerLength + h.getCompressed_page_size();
                    }
                }
            }
        }
        return pages;
    }

    /** A copy of {@code f} with {@code bytes} at {@code at}. */
    private Path patched(Path f, String name, int at, byte[] bytes) throws IOException {
        byte[] b = Files.readAllBytes(f);
        System.arraycopy(bytes, 0, b, at, bytes.length);
        Path t = dir.resolve(name + "-" + f.getFileName());
        Files.write(t, b);
        return t;
    }

    /** A copy of {@code f} with page {@code p}'s header changed, or null when the new header has another length. */
    private Path withHeader(Path f, Page p, String name, Consumer<PageHeader> change) throws IOException {
        PageHeader h = p.header().deepCopy();
        change.accept(h);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Util.writePageHeader(h, out);
        if (out.size() != p.headerLength()) {
            return null;
        }
        return patched(f, name, p.headerAt(), out.toByteArray());
    }

    /** Reads x; true if refused (with a message naming file, row group, column and page), false if read as written. */
    private static boolean readAsWrittenOrRefused(Path f, double[] want, String what) throws IOException {
        try (ParquetDataSource s = ParquetDataSource.open(f, InvalidRows.SKIP)) {
            double[] got = ParquetTypesTest.read(s, "x");
            assertArrayEquals(want, got, what + ": read as other values");
            return false;
        } catch (InvalidDataException e) {
            String m = e.getMessage();
            assertTrue(m.startsWith(f.toString()) && m.contains("row group ") && m.contains("column 'x'")
                    && m.matches("(?s).*(page \\d+|dictionary page).*") && !m.contains("\n"), what + ": " + m);
            return true;
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static void refused(Path f, double[] want, String what) throws IOException {
        assertTrue(readAsWrittenOrRefused(f, want, what), what + ": read as written, should be refused");
    }

    @Test
    void pagesAsWrittenAreReadExactly() throws IOException {
        for (Layout layout : Layout.values()) {
            for (boolean optional : new boolean[] {false, true}) {
                for (boolean crc : new boolean[] {false, true}) {
                    Path f = write(layout, optional, crc, CompressionCodecName.UNCOMPRESSED);
                    assertTrue(pages(f).size() >= 5, "several pages");
                    assertFalse(readAsWrittenOrRefused(f, written(optional), f.toString()), f + " refused");
                }
            }
        }
    }

    /** The header's uncompressed size off by one is refused, for every codec (the decompressed length is checked). */
    @Test
    void anUncompressedSizeOtherThanTheHeadersIsRefused() throws IOException {
        for (CompressionCodecName codec : List.of(CompressionCodecName.UNCOMPRESSED, CompressionCodecName.SNAPPY,
                CompressionCodecName.GZIP, CompressionCodecName.ZSTD, CompressionCodecName.LZ4_RAW)) {
            for (Layout layout : Layout.values()) {
                for (boolean optional : new boolean[] {false, true}) {
                    Path f = write(layout, optional, false, codec);
                    int tried = 0;
                    for (Page p : pages(f)) {
                        for (int delta : new int[] {-1, 1}) {
                            Path t = withHeader(f, p, "size" + delta,
                                    h -> h.setUncompressed_page_size(h.getUncompressed_page_size() + delta));
                            if (t != null) {
                                tried++;
                                refused(t, written(optional), f.getFileName() + " page " + p.index() + " of group "
                                        + p.group() + " uncompressed size " + delta);
                            }
                        }
                    }
                    assertTrue(tried > 0, f.toString());
                }
            }
        }
    }

    /** A page's value count (or a dictionary's) off by one is refused: the bytes no longer hold that many values. */
    @Test
    void aValueCountOtherThanThePagesIsRefused() throws IOException {
        for (Layout layout : Layout.values()) {
            for (boolean optional : new boolean[] {false, true}) {
                Path f = write(layout, optional, false, CompressionCodecName.UNCOMPRESSED);
                for (Page p : pages(f)) {
                    for (int delta : new int[] {-1, 1}) {
                        Path t = withHeader(f, p, "count" + delta, h -> {
                            if (h.isSetDictionary_page_header()) {
                                h.getDictionary_page_header().setNum_values(h.getDictionary_page_header().getNum_values() + delta);
                            } else if (h.isSetData_page_header()) {
                                h.getData_page_header().setNum_values(h.getData_page_header().getNum_values() + delta);
                            } else {
                                h.getData_page_header_v2().setNum_values(h.getData_page_header_v2().getNum_values() + delta);
                            }
                        });
                        if (t != null) {
                            refused(t, written(optional), f.getFileName() + " page " + p.index() + " of group " + p.group()
                                    + " count " + delta);
                        }
                    }
                }
            }
        }
    }

    /** Any byte of a page altered (values, levels, run headers, ids) fails the page's CRC, which is checked. */
    @Test
    void alteredPageBytesAreRefusedByTheirChecksum() throws IOException {
        for (Layout layout : Layout.values()) {
            for (boolean optional : new boolean[] {false, true}) {
                Path f = write(layout, optional, true, CompressionCodecName.UNCOMPRESSED);
                for (Page p : pages(f)) {
                    int size = p.header().getCompressed_page_size();
                    byte[] b = Files.readAllBytes(f);
                    for (int at : new int[] {p.dataAt(), p.dataAt() + size / 2, p.end() - 1}) {
                        Path t = patched(f, "flip" + at, at, new byte[] {(byte) (b[at] ^ 0x10)});
                        refused(t, written(optional), f.getFileName() + " page " + p.index() + " of group " + p.group()
                                + " byte " + at);
                    }
                }
            }
        }
    }

    /** Where a dictionary-encoded data page's ids start (after the levels), from the page's own bytes. */
    private static int idsAt(byte[] b, Page p, boolean optional) {
        if (p.header().isSetData_page_header_v2()) {
            var v2 = p.header().getData_page_header_v2();
            return p.dataAt() + v2.getRepetition_levels_byte_length() + v2.getDefinition_levels_byte_length();
        }
        if (!optional) {
            return p.dataAt();
        }
        int levels = (b[p.dataAt()] & 0xff) | (b[p.dataAt() + 1] & 0xff) << 8 | (b[p.dataAt() + 2] & 0xff) << 16
                | b[p.dataAt() + 3] << 24;
        return p.dataAt() + 4 + levels;
    }

    /** The run headers of an id section {@code [from, to)}: {header offset, 0 RLE / 1 bit-packed, header value}. */
    private static List<int[]> runs(byte[] b, int from, int to) {
        int width = b[from];
        List<int[]> runs = new ArrayList<>();
        int p = from + 1;
        while (p < to) {
            int at = p;
            int header = 0;
            int shift = 0;
            int v;
            do {
                v = b[p++] & 0xff;
                header |= (v & 0x7f) << shift;
                shift += 7;
            } while ((v & 0x80) != 0);
            boolean rle = (header & 1) == 0;
            runs.add(new int[] {at, rle ? 0 : 1, header});
            p += rle ? (width + 7) / 8 : (header >>> 1) * width;
        }
        return runs;
    }

    /**
     * Without a CRC to catch them: an id width over 32, an RLE run of an id beyond the dictionary, a
     * bit-packed run that claims more bytes than the page holds, a definition-level length past the page.
     * Each is refused (never decoded from the bytes after the page, which the reused buffer may still hold).
     */
    @Test
    void runsAndIdsOutsideTheirPageOrDictionaryAreRefused() throws IOException {
        for (Layout layout : List.of(Layout.DICTIONARY_V1, Layout.DICTIONARY_V2)) {
            for (boolean optional : new boolean[] {false, true}) {
                Path f = write(layout, optional, false, CompressionCodecName.UNCOMPRESSED);
                double[] want = written(optional);
                byte[] b = Files.readAllBytes(f);
                int dictionarySize = 0;
                int rleTried = 0;
                int packedTried = 0;
                for (Page p : pages(f)) {
                    String what = f.getFileName() + " page " + p.index() + " of group " + p.group();
                    if (p.dictionary()) {
                        dictionarySize = p.header().getDictionary_page_header().getNum_values();
                        continue;
                    }
                    int from = idsAt(b, p, optional);
                    int width = b[from];
                    refused(patched(f, "width", from, new byte[] {33}), want, what + " id width 33");
                    for (int[] run : runs(b, from, p.end())) {
                        if (run[1] == 0 && width <= 8 && dictionarySize < 1 << width) {
                            rleTried++;
                            refused(patched(f, "id", run[0] + (run[2] > 127 ? 2 : 1), new byte[] {(byte) dictionarySize}),
                                    want, what + " RLE id " + dictionarySize);
                        }
                        if (run[1] == 0 && run[2] <= 127) {
                            // one header byte: 0x7f is a bit-packed run of 63 groups (504 ids: 504 * width / 8 bytes)
                            packedTried++;
                            refused(patched(f, "packed", run[0], new byte[] {0x7f}), want, what + " bit-packed run of 63");
                        }
                    }
                    if (optional && !layout.v2()) {
                        int past = p.header().getCompressed_page_size() - 4 + 1;
                        refused(patched(f, "levels", p.dataAt(), new byte[] {(byte) past, (byte) (past >> 8), 0, 0}), want,
                                what + " levels of " + past + " bytes");
                        refused(patched(f, "levels", p.dataAt(), new byte[] {-1, -1, -1, 0x7f}), want, what + " levels 2^31-1");
                    }
                }
                assertTrue(rleTried > 0 && packedTried > 0, f + ": " + rleTried + " RLE and " + packedTried + " run damages");
            }
        }
    }

    /**
     * A BINARY decimal column (PLAIN: a 4-byte length before each value): a length that runs past the page is
     * refused, not read from the bytes after it; the page must hold exactly its values.
     */
    @Test
    void aBinaryValueRunningPastItsPageIsRefused() throws IOException {
        MessageType schema = new MessageType("m", Types.required(PrimitiveTypeName.BINARY)
                .as(org.apache.parquet.schema.LogicalTypeAnnotation.decimalType(2, 20)).named("x"));
        Path f = dir.resolve("binary.parquet");
        double[] want = new double[ROWS];
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(f)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                .withDictionaryEncoding(false).withPageWriteChecksumEnabled(false).withPageRowCountLimit(700).build()) {
            SimpleGroupFactory g = new SimpleGroupFactory(schema);
            for (int i = 0; i < ROWS; i++) {
                want[i] = (i - 1000) / 100.0;
                byte[] v = java.math.BigInteger.valueOf(i - 1000).toByteArray();
                w.write(g.newGroup().append("x", org.apache.parquet.io.api.Binary.fromConstantByteArray(v)));
            }
        }
        assertFalse(readAsWrittenOrRefused(Files.copy(f, dir.resolve("copy.parquet")), want, "as written"));
        int tried = 0;
        for (Page p : pages(f)) {
            int size = p.header().getCompressed_page_size();
            for (int past : new int[] {size - 4 + 1, Integer.MAX_VALUE}) {
                tried++;
                refused(patched(f, "length", p.dataAt(), new byte[] {(byte) past, (byte) (past >> 8), (byte) (past >> 16),
                        (byte) (past >> 24)}), want, "page " + p.index() + " of group " + p.group() + " value length " + past);
            }
        }
        assertTrue(tried >= 4, "pages: " + tried / 2);
    }
}
