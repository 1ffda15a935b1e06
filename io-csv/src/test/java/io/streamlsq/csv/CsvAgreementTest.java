package io.streamlsq.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The row index and the parser agree on every file: random CSVs with quotes, escaped quotes, embedded line
 * ends, stray quotes inside fields, mixed line endings, blank lines and byte-order marks are read in small
 * chunks in random order and must give exactly the rows they were written from, in the same count as a
 * plain sequential parse by FastCSV.
 */
class CsvAgreementTest {
    @TempDir
    Path dir;

    private static final String[] ENDINGS = {"\n", "\r\n", "\r"};

    /** One generated file: its bytes and the (x, y) values of its data rows. */
    record Generated(String text, double[] x, double[] y, boolean loneCrInQuotes) {
    }

    static Generated generate(SplittableRandom rnd, boolean mixEndings) {
        String ending = ENDINGS[rnd.nextInt(3)];
        int rows = rnd.nextInt(400);
        int[] order = {0, 1, 2};
        shuffle(order, rnd);
        String[] names = {rnd.nextBoolean() ? "x" : "\"x\"", "y", rnd.nextBoolean() ? "note" : "\"a \"\"note\"\"\""};
        StringBuilder b = new StringBuilder();
        if (rnd.nextInt(4) == 0) {
            b.append('\uFEFF');
        }
        for (int i = 0; i < 3; i++) {
            b.append(i > 0 ? "," : "").append(names[order[i]]);
        }
        b.append(ending);
        double[] x = new double[rows];
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            x[r] = Math.round(rnd.nextDouble(-1e3, 1e3) * 1e4) / 1e4;
            y[r] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-30, 30));
            String[] cells = {number(x[r], rnd), number(y[r], rnd), note(rnd, ending)};
            for (int i = 0; i < 3; i++) {
                b.append(i > 0 ? "," : "").append(cells[order[i]]);
            }
            b.append(mixEndings ? ENDINGS[rnd.nextInt(3)] : ending);
            if (rnd.nextInt(25) == 0) {
                b.append(rnd.nextBoolean() ? ending : "  " + ending); // a blank line
            }
        }
        if (rows > 0 && rnd.nextInt(3) == 0) {
            b.setLength(b.length() - (b.toString().endsWith("\r\n") ? 2 : 1)); // no final line end
        }
        String text = b.toString();
        return new Generated(text, x, y, text.matches("(?s).*\"[^\"]*\r(?!\n)[^\"]*\".*"));
    }

    private static String number(double v, SplittableRandom rnd) {
        String s = switch (rnd.nextInt(4)) {
            case 0 -> Double.toString(v);
            case 1 -> String.format(java.util.Locale.ROOT, "%.17e", v);
            case 2 -> new java.math.BigDecimal(v).toPlainString();
            default -> String.format(java.util.Locale.ROOT, "%.17g", v);
        };
        if (Double.parseDouble(s) != v) {
            s = Double.toString(v);
        }
        return switch (rnd.nextInt(6)) {
            case 0 -> "\"" + s + "\"";
            case 1 -> " " + s + " ";
            default -> s;
        };
    }

    private static String note(SplittableRandom rnd, String ending) {
        return switch (rnd.nextInt(12)) {
            case 0 -> "12\" screen";                                  // a quote inside an unquoted field
            case 1 -> "a \"quoted\" word; not\"";                     // quotes inside an unquoted field
            case 2 -> "\"said \"\"hi\"\", then left\"";              // escaped quotes and a comma
            case 3 -> "\"two" + ENDINGS[rnd.nextInt(3)] + "lines\"";  // an embedded line end of any kind
            case 4 -> "\"\"";                                          // an empty quoted field
            case 5 -> "";
            case 6 -> "\"" + ending + ending + "\"";                   // only line ends
            case 7 -> "café ☕";
            case 8 -> "\"\"\"\"";                                      // a single quote character
            case 9 -> "it's 5\"";
            default -> "plain";
        };
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    @Test
    void randomFilesReadInRandomChunkOrderGiveTheWrittenRows() throws Exception {
        SplittableRandom rnd = new SplittableRandom(20261203);
        for (int t = 0; t < 300; t++) {
            Generated g = generate(rnd, t % 2 == 1);
            String text = g.text();
            Path f = dir.resolve("r" + t + ".csv");
            Files.writeString(f, text, StandardCharsets.UTF_8);
            int chunkRows = 1 + rnd.nextInt(40);
            String what = "file " + t + " (chunk rows " + chunkRows + ")";
            if (g.x().length == 0) {
                assertEquals(0, new CsvDataSource(f, chunkRows).rowCount(), what);
                continue;
            }
            CsvDataSource csv = new CsvDataSource(f, chunkRows);
            assertEquals(g.x().length, csv.rowCount(), what);
            if (!g.loneCrInQuotes()) {
                // FastCSV 3.4 joins a record whose quoted field holds a lone CR with the next one when that
                // record ends in LF (its CR flag outlives the quotes): compare only where it is right
                assertEquals(sequentialRows(f), csv.rowCount(), what + ": FastCSV reads another number of rows");
            }
            double[][] read = readInRandomChunkOrder(csv, rnd);
            assertArrayEquals(g.x(), read[0], what);
            assertArrayEquals(g.y(), read[1], what);
        }
    }

    /** Rows of a plain sequential parse with FastCSV (blank lines skipped, header not counted). */
    private static long sequentialRows(Path f) throws Exception {
        try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(f)) {
            long n = 0;
            for (CsvRecord rec : r) {
                if (!(rec.getFieldCount() == 1 && rec.getField(0).isBlank())) {
                    n++;
                }
            }
            return n - 1;
        }
    }

    static double[][] readInRandomChunkOrder(CsvDataSource csv, SplittableRandom rnd) throws Exception {
        double[][] out = new double[2][(int) csv.rowCount()];
        List<Long> chunks = new ArrayList<>();
        for (long k = 0; k < csv.chunkCount(); k++) {
            chunks.add(k);
        }
        Collections.shuffle(chunks, new java.util.Random(rnd.nextLong()));
        try (ChunkCursor a = csv.open(List.of("x", "y"), 0); ChunkCursor b = csv.open(List.of("y", "x"), 0)) {
            for (int i = 0; i < chunks.size(); i++) {
                boolean first = i % 2 == 0;
                ChunkCursor c = first ? a : b;
                c.seek(chunks.get(i));
                Chunk ch = c.next();
                assertEquals(chunks.get(i), ch.index());
                for (int r = 0; r < ch.rows(); r++) {
                    out[0][(int) ch.firstRow() + r] = ch.get(first ? 0 : 1, r);
                    out[1][(int) ch.firstRow() + r] = ch.get(first ? 1 : 0, r);
                }
            }
            a.seek(csv.chunkCount());
            assertNull(a.next());
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void aStrayQuoteInAnUnusedColumnKeepsEveryRow(String ending) throws Exception {
        for (int at : new int[] {0, 10, 500, 999}) {
            StringBuilder b = new StringBuilder("x,y,note").append(ending);
            for (int r = 0; r < 1000; r++) {
                b.append(r).append(',').append(2 * r).append(',').append(r == at || r == 900 ? "12\" screen" : "ok")
                        .append(ending);
            }
            Path f = dir.resolve("stray.csv");
            Files.writeString(f, b);
            CsvDataSource csv = new CsvDataSource(f, 64);
            assertEquals(1000, csv.rowCount());
            double[][] read = readInRandomChunkOrder(csv, new SplittableRandom(at));
            for (int r = 0; r < 1000; r++) {
                assertEquals(r, read[0][r]);
                assertEquals(2 * r, read[1][r]);
            }
        }
    }

    @Test
    void loneCarriageReturnsAndMixedEndingsKeepEveryRow() throws Exception {
        for (int at : new int[] {1, 63, 64, 500, 999}) {
            StringBuilder b = new StringBuilder("x,y\n");
            for (int r = 0; r < 1000; r++) {
                b.append(r).append(',').append(2 * r).append(r == at ? "\r" : r % 3 == 0 ? "\r\n" : "\n");
            }
            Path f = dir.resolve("cr.csv");
            Files.writeString(f, b);
            CsvDataSource csv = new CsvDataSource(f, 64);
            assertEquals(1000, csv.rowCount(), "lone CR after row " + at);
            double[][] read = readInRandomChunkOrder(csv, new SplittableRandom(at));
            assertEquals(999, read[0][999]);
            assertEquals(1998, read[1][999]);
        }
        Path cr = dir.resolve("cronly.csv");
        Files.writeString(cr, "x,y\r1,2\r3,4\r5,6");
        assertEquals(3, new CsvDataSource(cr, 2).rowCount());
    }

    @Test
    void aQuoteThatOpensAFieldAndNeverClosesIsRefusedWithItsLine() throws Exception {
        Path f = dir.resolve("open.csv");
        Files.writeString(f, "x,y,note\n1,2,ok\n3,4,\"never closed\n5,6,ok\n");
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> new CsvDataSource(f, 10));
        assertTrue(e.getMessage().contains("line 3 opens a quoted field that is never closed"), e.getMessage());
        // a stray opening quote that a later quote closes would swallow the records between them
        for (String tail : new String[] {"5,6,\"fine\n", "5,6,\"fine\"\n", "5,6,\"fine\"x\n7,8,ok\n"}) {
            Files.writeString(f, "x,y,note\n1,2,\"oops\n3,4,ok\n" + tail);
            e = assertThrows(InvalidDataException.class, () -> new CsvDataSource(f, 10), tail);
            assertTrue(e.getMessage().contains("line 4, field 3 has text after its closing quote")
                    || e.getMessage().contains("line 2 opens a quoted field that is never closed"), e.getMessage());
        }
        // the same in a quoted field with an unescaped quote inside
        Files.writeString(f, "x,y,note\n1,2,\"12\" screen\"\n3,4,ok\n");
        e = assertThrows(InvalidDataException.class, () -> new CsvDataSource(f, 10));
        assertTrue(e.getMessage().contains("line 2, field 3 has text after its closing quote"), e.getMessage());
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstName() throws Exception {
        Path f = dir.resolve("bom.csv");
        Files.write(f, ("\uFEFFx,y\r\n1,2\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("x", "y"), new CsvDataSource(f, 10).columnNames());
        Files.write(f, ("\uFEFF\"x\",y\n1,2\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("x", "y"), new CsvDataSource(f, 10).columnNames());
    }

    @Test
    void aHugeCellInAnUnusedColumnIsReadAndInAUsedOneRefused() throws Exception {
        Path f = dir.resolve("big.csv");
        String big = "z".repeat(20 << 20);
        try (var w = Files.newBufferedWriter(f)) {
            w.write("x,y,note\n");
            for (int r = 0; r < 1000; r++) {
                w.write(r + "," + 2 * r + "," + (r == 500 ? big : "n") + "\n");
            }
        }
        CsvDataSource csv = new CsvDataSource(f, 100);
        double[][] read = readInRandomChunkOrder(csv, new SplittableRandom(1));
        assertEquals(500, read[0][500]);
        CsvDataSource asY = new CsvDataSource(f, 100);
        try (ChunkCursor c = asY.open(List.of("x", "note"), 5)) {
            InvalidDataException e = assertThrows(InvalidDataException.class, c::next);
            assertTrue(e.getMessage().contains("row 500 (line 502), column 'note': a cell of more than"), e.getMessage());
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
    }

    @Test
    void nonFiniteSpellingsAreRefusedOrSkippedAlike() throws Exception {
        String[] nonFinite = {"nan", "NaN", "NAN", "inf", "-inf", "Infinity", "-Infinity", "+inf", "1e400", "-1e999", ""};
        for (String cell : nonFinite) {
            Path f = dir.resolve("nf.csv");
            Files.writeString(f, "x,y\n1,2\n" + cell + ",4\n5,6\n");
            CsvDataSource refuse = new CsvDataSource(f, 10);
            try (ChunkCursor c = refuse.open(List.of("x", "y"), 0)) {
                InvalidDataException e = assertThrows(InvalidDataException.class, c::next, cell);
                assertTrue(e.getMessage().contains("row 1 (line 3), column 'x'"), e.getMessage());
                assertTrue(e.getMessage().contains("--skip-invalid"), e.getMessage());
                if (!cell.isEmpty()) {
                    assertTrue(e.getMessage().contains("'" + cell + "'"), e.getMessage());
                }
            }
            CsvDataSource skip = new CsvDataSource(f, 10, InvalidRows.SKIP);
            try (ChunkCursor c = skip.open(List.of("x", "y"), 0)) {
                Chunk ch = c.next();
                assertEquals(2, ch.rows(), cell);
                assertEquals(5, ch.get(0, 1));
            }
            assertEquals(1, skip.skippedRows(), cell);
        }
    }

    @Test
    void javaOnlyNumberFormsAreNotNumbers() throws Exception {
        for (String cell : new String[] {"1d", "1f", "0x1p3", "1.5D", "1,5", "1e", "--1", "e5", ".", "1 2", "nanx"}) {
            Path f = dir.resolve("j.csv");
            Files.writeString(f, "x,y\n1,2\n" + (cell.contains(",") ? "\"" + cell + "\"" : cell) + ",4\n");
            CsvDataSource csv = new CsvDataSource(f, 10, InvalidRows.SKIP);
            try (ChunkCursor c = csv.open(List.of("x", "y"), 0)) {
                InvalidDataException e = assertThrows(InvalidDataException.class, c::next, cell);
                assertTrue(e.getMessage().contains("column 'x'"), e.getMessage());
            }
        }
        for (String cell : new String[] {"1", "-1.5", "+.5", "5.", "1E+3", "1e-3", " 2 ", "\"3\"", "\t4"}) {
            Path f = dir.resolve("ok.csv");
            Files.writeString(f, "x,y\n" + cell + ",4\n");
            try (ChunkCursor c = new CsvDataSource(f, 10).open(List.of("x"), 0)) {
                assertEquals(Double.parseDouble(cell.replace("\"", "").strip()), c.next().get(0, 0), cell);
            }
        }
    }

    @Test
    void absurdChunkRowsSizeTheBuffersByTheData() throws Exception {
        Path f = dir.resolve("s.csv");
        Files.writeString(f, "x,y\n1,2\n3,4\n");
        CsvDataSource csv = new CsvDataSource(f, Integer.MAX_VALUE);
        assertEquals(2, csv.maxChunkRows());
        try (ChunkCursor c = csv.open(List.of("x", "y"), 0)) {
            assertEquals(2, c.next().rows());
        }
    }

    @Test
    void notAFileIsRefusedByName() throws Exception {
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> new CsvDataSource(dir, 10));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }
}
