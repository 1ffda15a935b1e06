package io.streamlsq.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

/**
 * Arrow IPC column types, in files (mapped fast path without nulls, stock reader with nulls) and streams:
 * unsigned integers, float16 and decimals are read as written; timestamps, dates, text, lists, booleans and
 * dictionary-encoded columns are refused by name; duplicate column names are refused.
 */
class ArrowTypesTest extends ArrowTestBase {
    static final int ROWS = 1000;

    /** Writes column x (made by {@code make}) and a float64 y into a file and a stream; two batches. */
    private List<Path> write(String name, Function<BufferAllocator, FieldVector> make, DictionaryProvider dictionaries)
            throws IOException {
        Path file = dir.resolve(name + ".arrow");
        Path stream = dir.resolve(name + ".arrows");
        try (BufferAllocator a = root.newChildAllocator("w", 0, Long.MAX_VALUE)) {
            try (FieldVector x = make.apply(a); Float8Vector y = new Float8Vector("y", a)) {
                y.allocateNew(x.getValueCount());
                for (int i = 0; i < x.getValueCount(); i++) {
                    y.set(i, i);
                }
                y.setValueCount(x.getValueCount());
                try (VectorSchemaRoot r = new VectorSchemaRoot(List.of(x, y))) {
                    r.setRowCount(x.getValueCount());
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                            ArrowFileWriter w = new ArrowFileWriter(r, dictionaries, ch)) {
                        twice(w);
                    }
                    try (OutputStream os = Files.newOutputStream(stream);
                            ArrowStreamWriter w = new ArrowStreamWriter(r, dictionaries, os)) {
                        twice(w);
                    }
                }
            }
        }
        return List.of(file, stream);
    }

    private static void twice(ArrowWriter w) throws IOException {
        w.start();
        w.writeBatch();
        w.writeBatch();
        w.end();
    }

    private DataSource open(Path f, InvalidRows policy) throws IOException {
        return f.toString().endsWith(".arrows") ? ArrowStreamDataSource.open(f, root, policy)
                : ArrowFileDataSource.open(f, root, policy);
    }

    /** Sets row {@code row} of {@code v} to the test's value number {@code k}. */
    interface Setter<V> {
        void set(V v, int row, int k);
    }

    /** Fills {@code ROWS} values cycling through {@code values}; with {@code nullAt >= 0} that row is null. */
    private static <V extends BaseFixedWidthVector> Function<BufferAllocator, FieldVector> filled(
            Function<BufferAllocator, V> make, int count, Setter<V> set, int nullAt) {
        return a -> {
            V v = make.apply(a);
            v.allocateNew(ROWS);
            for (int i = 0; i < ROWS; i++) {
                if (i == nullAt) {
                    v.setNull(i);
                } else {
                    set.set(v, i, i % count);
                }
            }
            v.setValueCount(ROWS);
            return (FieldVector) v;
        };
    }

    /** Both files, with and without a null (the null row skipped), read back {@code expected} cycled. */
    private void readsAs(String name, Function<BufferAllocator, BaseFixedWidthVector> make,
            Setter<BaseFixedWidthVector> set, double[] expected) throws IOException {
        for (int nullAt : new int[] {-1, 3}) {
            List<Path> files = write(name + (nullAt < 0 ? "" : "-nulls"), filled(make, expected.length, set, nullAt), null);
            for (Path f : files) {
                List<Double> want = new ArrayList<>();
                for (int batch = 0; batch < 2; batch++) {
                    for (int i = 0; i < ROWS; i++) {
                        if (i != nullAt) {
                            want.add(expected[i % expected.length]);
                        }
                    }
                }
                try (DataSource s = open(f, InvalidRows.SKIP)) {
                    assertArrayEquals(want.stream().mapToDouble(Double::doubleValue).toArray(), ParquetTypesTest.read(s, "x"),
                            f.getFileName() + " read wrongly");
                }
            }
        }
    }

    @Test
    void unsignedIntegersAreReadUnsigned() throws IOException {
        long[] u64 = {0, Long.MIN_VALUE, -1, 7, Long.MAX_VALUE};
        readsAs("u64", a -> new UInt8Vector("x", a), (v, r, k) -> ((UInt8Vector) v).set(r, u64[k]),
                new double[] {0, 9.223372036854775808e18, 1.8446744073709551615e19, 7, 9.223372036854775807e18});
        int[] u32 = {0, Integer.MIN_VALUE, -1, 7};
        readsAs("u32", a -> new UInt4Vector("x", a), (v, r, k) -> ((UInt4Vector) v).set(r, u32[k]),
                new double[] {0, 2147483648.0, 4294967295.0, 7});
        readsAs("u16", a -> new UInt2Vector("x", a), (v, r, k) -> ((UInt2Vector) v).set(r, new char[] {0, 65_535, 9}[k]),
                new double[] {0, 65_535, 9});
        readsAs("u8", a -> new UInt1Vector("x", a), (v, r, k) -> ((UInt1Vector) v).set(r, new byte[] {0, -1, 9}[k]),
                new double[] {0, 255, 9});
        readsAs("i8", a -> new TinyIntVector("x", a), (v, r, k) -> ((TinyIntVector) v).set(r, new byte[] {-128, 127}[k]),
                new double[] {-128, 127});
        readsAs("i16", a -> new SmallIntVector("x", a), (v, r, k) -> ((SmallIntVector) v).set(r, new short[] {-32768, 5}[k]),
                new double[] {-32768, 5});
    }

    @Test
    void float16IsWidened() throws IOException {
        short[] bits = {0x3e00, (short) 0xc000, 0x7bff, 0x0001, (short) 0x8000};
        readsAs("f16", a -> new Float2Vector("x", a), (v, r, k) -> ((Float2Vector) v).set(r, bits[k]),
                new double[] {1.5, -2, 65504, Math.pow(2, -24), -0.0});
    }

    @Test
    void decimalsAreScaled() throws IOException {
        BigDecimal[] d9 = {new BigDecimal("1.234"), new BigDecimal("-0.001"), new BigDecimal("999999.999")};
        readsAs("dec9", a -> new DecimalVector("x", a, 9, 3), (v, r, k) -> ((DecimalVector) v).set(r, d9[k]),
                new double[] {1.234, -0.001, 999999.999});
        BigDecimal[] d38 = {new BigDecimal("12345678901234567890.1234567890"), new BigDecimal("-1.0000000001"),
            new BigDecimal(BigInteger.TEN.pow(37).negate(), 10)};
        readsAs("dec38", a -> new DecimalVector("x", a, 38, 10), (v, r, k) -> ((DecimalVector) v).set(r, d38[k]),
                java.util.Arrays.stream(d38).mapToDouble(BigDecimal::doubleValue).toArray());
        BigDecimal[] d76 = {new BigDecimal("1.5").setScale(20), new BigDecimal(BigInteger.TEN.pow(60), 20).negate(),
            new BigDecimal("0.00000000000000000001")};
        readsAs("dec76", a -> new Decimal256Vector("x", a, 76, 20), (v, r, k) -> ((Decimal256Vector) v).set(r, d76[k]),
                java.util.Arrays.stream(d76).mapToDouble(BigDecimal::doubleValue).toArray());
    }

    private void refused(String name, Function<BufferAllocator, FieldVector> make, DictionaryProvider p, String says)
            throws IOException {
        for (Path f : write(name, make, p)) {
            try (DataSource s = open(f, InvalidRows.REFUSE)) {
                InvalidDataException e = assertThrows(InvalidDataException.class, () -> ParquetTypesTest.read(s, "x"),
                        f.toString());
                String m = e.getMessage();
                assertTrue(m.contains(f.toString()) && m.contains("column 'x'") && m.contains(says)
                        && m.contains("only numeric columns"), m);
                // the other column still reads
                assertEquals(2 * ROWS, ParquetTypesTest.read(s, "y").length);
            }
        }
    }

    @Test
    void nonNumericColumnsAreRefusedByName() throws IOException {
        refused("ts", filled(a -> new TimeStampMilliVector("x", a), 1, (v, r, k) -> v.set(r, 1_700_000_000_000L), -1), null,
                "Timestamp");
        refused("date", filled(a -> new DateDayVector("x", a), 1, (v, r, k) -> v.set(r, 19_000), -1), null, "Date");
        refused("bool", filled(a -> new BitVector("x", a), 1, (v, r, k) -> v.set(r, 1), -1), null, "Bool");
        refused("large", a -> {
            LargeVarCharVector v = new LargeVarCharVector("x", a);
            v.allocateNew(ROWS);
            for (int i = 0; i < ROWS; i++) {
                v.setSafe(i, "1.5".getBytes());
            }
            v.setValueCount(ROWS);
            return v;
        }, null, "LargeUtf8");
        refused("list", a -> {
            ListVector v = ListVector.empty("x", a);
            var w = v.getWriter();
            for (int i = 0; i < ROWS; i++) {
                w.setPosition(i);
                w.startList();
                w.float8().writeFloat8(1.0);
                w.endList();
            }
            v.setValueCount(ROWS);
            return v;
        }, null, "List");
    }

    @Test
    void dictionaryEncodedColumnsAreRefusedNotReadAsTheirIndices() throws IOException {
        for (ArrowType.Int index : List.of(new ArrowType.Int(32, true), new ArrowType.Int(8, true))) {
            try (BufferAllocator a = root.newChildAllocator("dict", 0, Long.MAX_VALUE);
                    Float8Vector values = new Float8Vector("dict", a)) {
                values.allocateNew(2);
                values.set(0, 1.5);
                values.set(1, 2.5);
                values.setValueCount(2);
                DictionaryEncoding enc = new DictionaryEncoding(1, false, index);
                DictionaryProvider.MapDictionaryProvider p = new DictionaryProvider.MapDictionaryProvider();
                p.put(new Dictionary(values, enc));
                refused("dict" + index.getBitWidth(), al -> {
                    FieldVector v = new Field("x", new FieldType(false, index, enc), null).createVector(al);
                    v.setInitialCapacity(ROWS);
                    v.allocateNew();
                    for (int i = 0; i < ROWS; i++) {
                        if (v instanceof IntVector iv) {
                            iv.set(i, i % 2);
                        } else {
                            ((TinyIntVector) v).set(i, i % 2);
                        }
                    }
                    v.setValueCount(ROWS);
                    return v;
                }, p, "dictionary-encoded");
            }
        }
    }

    @Test
    void duplicateColumnNamesAreRefused() throws IOException {
        for (Path f : write("dup", a -> {
            Float8Vector v = new Float8Vector("y", a);
            v.allocateNew(ROWS);
            for (int i = 0; i < ROWS; i++) {
                v.set(i, 100.0 * i);
            }
            v.setValueCount(ROWS);
            return v;
        }, null)) {
            InvalidDataException e = assertThrows(InvalidDataException.class, () -> {
                try (DataSource s = open(f, InvalidRows.REFUSE)) {
                    ParquetTypesTest.read(s, "y");
                }
            }, f.toString());
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("column name 'y' appears twice"),
                    e.getMessage());
        }
    }
}
