package io.streamlsq.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet logical types: every annotation that is accepted is read by it (decimals scaled, unsigned integers
 * unsigned, float16 widened), every other one is refused by name; for required and optional columns, PLAIN,
 * dictionary and the v2 (delta) encodings, one and several row groups. Files written with parquet-java.
 */
class ParquetTypesTest {
    @TempDir
    Path dir;

    /** The encodings a writer picks: PLAIN (v1, no dictionary), dictionary, v2 (delta) without a dictionary. */
    enum Layout {
        PLAIN, DICTIONARY, V2
    }

    private Path write(String name, Type field, Layout layout, int rowGroupRows, List<BiConsumer<Group, String>> rows)
            throws IOException {
        MessageType schema = new MessageType("m", field, Types.required(PrimitiveTypeName.DOUBLE).named("y"));
        Path f = dir.resolve(name + "-" + field.getRepetition() + "-" + layout + ".parquet");
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(f)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                .withDictionaryEncoding(layout == Layout.DICTIONARY)
                .withWriterVersion(layout == Layout.V2 ? ParquetProperties.WriterVersion.PARQUET_2_0
                        : ParquetProperties.WriterVersion.PARQUET_1_0)
                .withRowGroupSize((long) rowGroupRows * 8).withPageRowCountLimit(Math.max(1, rowGroupRows / 3))
                .build()) {
            SimpleGroupFactory g = new SimpleGroupFactory(schema);
            for (BiConsumer<Group, String> r : rows) {
                Group row = g.newGroup();
                r.accept(row, field.getName());
                row.add("y", 1.0);
                w.write(row);
            }
        }
        return f;
    }

    static double[] read(DataSource s, String column) throws IOException {
        List<Double> out = new ArrayList<>();
        try (ChunkCursor c = s.open(List.of(column), 0)) {
            for (Chunk k = c.next(); k != null; k = c.next()) {
                for (int i = 0; i < k.rows(); i++) {
                    out.add(k.get(0, i));
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Writes {@code n} rows of each value in turn (so that dictionaries and pages repeat) and reads them back. */
    private void roundTrip(String name, Type.Repetition rep, PrimitiveTypeName physical, int length,
            LogicalTypeAnnotation logical, List<BiConsumer<Group, String>> values, double[] expected) throws IOException {
        for (Layout layout : Layout.values()) {
            var b = Types.primitive(physical, rep);
            if (length > 0) {
                b = b.length(length);
            }
            Type field = b.as(logical).named("x");
            List<BiConsumer<Group, String>> rows = new ArrayList<>();
            double[] want = new double[600];
            for (int i = 0; i < want.length; i++) {
                rows.add(values.get(i % values.size()));
                want[i] = expected[i % expected.length];
            }
            Path f = write(name, field, layout, 200, rows);
            try (ParquetDataSource s = ParquetDataSource.open(f, InvalidRows.REFUSE)) {
                assertArrayEquals(want, read(s, "x"), f.getFileName() + " read wrongly");
            }
        }
    }

    private static BiConsumer<Group, String> i32(int v) {
        return (g, n) -> g.add(n, v);
    }

    private static BiConsumer<Group, String> i64(long v) {
        return (g, n) -> g.add(n, v);
    }

    private static BiConsumer<Group, String> bytes(byte[] v) {
        return (g, n) -> g.add(n, Binary.fromConstantByteArray(v));
    }

    /** Big-endian two's complement of {@code v} in {@code len} bytes (len 0: minimal). */
    private static byte[] twos(BigInteger v, int len) {
        byte[] min = v.toByteArray();
        if (len == 0) {
            return min;
        }
        byte[] out = new byte[len];
        Arrays.fill(out, (byte) (v.signum() < 0 ? 0xff : 0));
        System.arraycopy(min, 0, out, len - min.length, min.length);
        return out;
    }

    @Test
    void int32DecimalsAreScaled() throws IOException {
        int[] unscaled = {1234, -1, 999_999_999, -999_999_999, 0, 5, 4_978};
        double[] want = Arrays.stream(unscaled).mapToDouble(u -> new BigDecimal(BigInteger.valueOf(u), 3).doubleValue()).toArray();
        for (Type.Repetition rep : List.of(Type.Repetition.REQUIRED, Type.Repetition.OPTIONAL)) {
            roundTrip("dec9_3", rep, PrimitiveTypeName.INT32, 0, LogicalTypeAnnotation.decimalType(3, 9),
                    Arrays.stream(unscaled).mapToObj(ParquetTypesTest::i32).toList(), want);
        }
        // scale 0 and the largest int32 scale
        roundTrip("dec9_0", Type.Repetition.REQUIRED, PrimitiveTypeName.INT32, 0, LogicalTypeAnnotation.decimalType(0, 9),
                List.of(i32(7), i32(-8)), new double[] {7, -8});
        roundTrip("dec9_9", Type.Repetition.REQUIRED, PrimitiveTypeName.INT32, 0, LogicalTypeAnnotation.decimalType(9, 9),
                List.of(i32(123_456_789), i32(-1)), new double[] {0.123456789, -1e-9});
    }

    @Test
    void int64DecimalsAreScaledAsExactlyAsADoubleAllows() throws IOException {
        long[] unscaled = {123_456_789_012_345_678L, -1, 9_007_199_254_740_993L, Long.MAX_VALUE, Long.MIN_VALUE + 1, 42};
        double[] want = Arrays.stream(unscaled).mapToDouble(u -> BigDecimal.valueOf(u, 6).doubleValue()).toArray();
        for (Type.Repetition rep : List.of(Type.Repetition.REQUIRED, Type.Repetition.OPTIONAL)) {
            roundTrip("dec18_6", rep, PrimitiveTypeName.INT64, 0, LogicalTypeAnnotation.decimalType(6, 18),
                    Arrays.stream(unscaled).mapToObj(ParquetTypesTest::i64).toList(), want);
        }
    }

    @Test
    void byteArrayDecimalsAreScaled() throws IOException {
        BigInteger[] unscaled = {BigInteger.valueOf(12_345), BigInteger.valueOf(-12_345), BigInteger.TEN.pow(25).negate(),
            new BigInteger("123456789012345678901234567"), BigInteger.ZERO, BigInteger.ONE.negate()};
        double[] want = Arrays.stream(unscaled).mapToDouble(u -> new BigDecimal(u, 4).doubleValue()).toArray();
        for (Type.Repetition rep : List.of(Type.Repetition.REQUIRED, Type.Repetition.OPTIONAL)) {
            roundTrip("decflba", rep, PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, 12, LogicalTypeAnnotation.decimalType(4, 28),
                    Arrays.stream(unscaled).map(u -> bytes(twos(u, 12))).toList(), want);
            roundTrip("decbin", rep, PrimitiveTypeName.BINARY, 0, LogicalTypeAnnotation.decimalType(4, 28),
                    Arrays.stream(unscaled).map(u -> bytes(twos(u, 0))).toList(), want);
        }
        roundTrip("decflba4", Type.Repetition.REQUIRED, PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, 4,
                LogicalTypeAnnotation.decimalType(2, 9), List.of(bytes(twos(BigInteger.valueOf(-150), 4))),
                new double[] {-1.5});
    }

    @Test
    void unsignedIntegersAreReadUnsigned() throws IOException {
        for (Type.Repetition rep : List.of(Type.Repetition.REQUIRED, Type.Repetition.OPTIONAL)) {
            roundTrip("u32", rep, PrimitiveTypeName.INT32, 0, LogicalTypeAnnotation.intType(32, false),
                    List.of(i32(0), i32(Integer.MIN_VALUE), i32(-1), i32(7)), new double[] {0, 2147483648.0, 4294967295.0, 7});
            roundTrip("u64", rep, PrimitiveTypeName.INT64, 0, LogicalTypeAnnotation.intType(64, false),
                    List.of(i64(0), i64(Long.MIN_VALUE), i64(-1), i64(7)),
                    new double[] {0, 9.223372036854775808e18, 1.8446744073709551615e19, 7});
        }
        roundTrip("u8", Type.Repetition.REQUIRED, PrimitiveTypeName.INT32, 0, LogicalTypeAnnotation.intType(8, false),
                List.of(i32(255), i32(0)), new double[] {255, 0});
        roundTrip("u16", Type.Repetition.REQUIRED, PrimitiveTypeName.INT32, 0, LogicalTypeAnnotation.intType(16, false),
                List.of(i32(65_535), i32(1)), new double[] {65_535, 1});
        roundTrip("i8", Type.Repetition.REQUIRED, PrimitiveTypeName.INT32, 0, LogicalTypeAnnotation.intType(8, true),
                List.of(i32(-128), i32(127)), new double[] {-128, 127});
        roundTrip("i64", Type.Repetition.REQUIRED, PrimitiveTypeName.INT64, 0, LogicalTypeAnnotation.intType(64, true),
                List.of(i64(Long.MIN_VALUE), i64(-1)), new double[] {-9.223372036854775808e18, -1});
    }

    @Test
    void float16IsWidened() throws IOException {
        // 1.5, -2, 65504 (largest), 2^-24 (smallest subnormal), +inf, -0
        short[] bits = {0x3e00, (short) 0xc000, 0x7bff, 0x0001, 0x7c00, (short) 0x8000};
        double[] want = {1.5, -2, 65504, Math.pow(2, -24), Double.POSITIVE_INFINITY, -0.0};
        for (Type.Repetition rep : List.of(Type.Repetition.REQUIRED, Type.Repetition.OPTIONAL)) {
            List<BiConsumer<Group, String>> v = new ArrayList<>();
            for (short s : bits) {
                v.add(bytes(new byte[] {(byte) s, (byte) (s >> 8)})); // little-endian, as the spec says
            }
            // the policy refuses +inf by default; read with SKIP would drop it, so compare the raw decode
            roundTripAllowingInfinity("f16", rep, v, want);
        }
    }

    private void roundTripAllowingInfinity(String name, Type.Repetition rep, List<BiConsumer<Group, String>> values,
            double[] want) throws IOException {
        Type field = Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep).length(2)
                .as(LogicalTypeAnnotation.float16Type()).named("x");
        Path f = write(name, field, Layout.PLAIN, 1000, values);
        try (ParquetDataSource s = ParquetDataSource.open(f, InvalidRows.REFUSE)) {
            assertArrayEquals(want, read(s, "x"), f.getFileName().toString());
        }
    }

    @Test
    void timestampsDatesTimesTextAndInt96AreRefusedByName() throws IOException {
        record Case(PrimitiveTypeName physical, LogicalTypeAnnotation logical, BiConsumer<Group, String> value, String says) {
        }
        List<Case> cases = List.of(
                new Case(PrimitiveTypeName.INT64, LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS),
                        i64(1_700_000_000_000L), "TIMESTAMP"),
                new Case(PrimitiveTypeName.INT64, LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS),
                        i64(1), "TIMESTAMP"),
                new Case(PrimitiveTypeName.INT32, LogicalTypeAnnotation.dateType(), i32(19_000), "DATE"),
                new Case(PrimitiveTypeName.INT32, LogicalTypeAnnotation.timeType(true, LogicalTypeAnnotation.TimeUnit.MILLIS),
                        i32(1000), "TIME"),
                new Case(PrimitiveTypeName.INT64, LogicalTypeAnnotation.timeType(true, LogicalTypeAnnotation.TimeUnit.NANOS),
                        i64(1000), "TIME"),
                new Case(PrimitiveTypeName.BINARY, LogicalTypeAnnotation.stringType(), bytes("1.5".getBytes()), "STRING"),
                new Case(PrimitiveTypeName.BINARY, null, bytes(new byte[] {1}), "BINARY"),
                new Case(PrimitiveTypeName.BOOLEAN, null, (g, n) -> g.add(n, true), "BOOLEAN"),
                new Case(PrimitiveTypeName.INT96, null, bytes(new byte[12]), "INT96"));
        for (Case c : cases) {
            for (Type.Repetition rep : List.of(Type.Repetition.REQUIRED, Type.Repetition.OPTIONAL)) {
                Type field = Types.primitive(c.physical(), rep).as(c.logical()).named("x");
                Path f = write("refused-" + cases.indexOf(c), field, Layout.PLAIN, 100, List.of(c.value()));
                try (ParquetDataSource s = ParquetDataSource.open(f, InvalidRows.REFUSE)) {
                    InvalidDataException e = assertThrows(InvalidDataException.class, () -> read(s, "x"), field.toString());
                    String m = e.getMessage();
                    assertTrue(m.contains(f.toString()) && m.contains("column 'x'") && m.contains(c.says())
                            && m.contains("only numeric columns"), m);
                }
            }
        }
    }

    @Test
    void plainColumnsStillReadAndTheSkipPolicyStillSkips() throws IOException {
        for (Layout layout : Layout.values()) {
            Type field = Types.optional(PrimitiveTypeName.DOUBLE).named("x");
            List<BiConsumer<Group, String>> rows = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int k = i;
                rows.add(k % 7 == 0 ? (g, n) -> { } : (g, n) -> g.add(n, k * 0.5));
            }
            Path f = write("plain", field, layout, 128, rows);
            try (ParquetDataSource s = ParquetDataSource.open(f, InvalidRows.SKIP)) {
                double[] got = read(s, "x");
                double[] want = java.util.stream.IntStream.range(0, 500).filter(i -> i % 7 != 0).mapToDouble(i -> i * 0.5)
                        .toArray();
                assertArrayEquals(want, got, layout.toString());
                assertTrue(s.skippedRows() == 72, "skipped " + s.skippedRows());
            }
        }
    }

    @Test
    void duplicateColumnNamesAreRefused() throws IOException {
        for (PrimitiveTypeName t : List.of(PrimitiveTypeName.DOUBLE, PrimitiveTypeName.INT64)) {
            MessageType schema = new MessageType("m", Types.required(t).named("x"), Types.required(PrimitiveTypeName.DOUBLE)
                    .named("y"), Types.required(t).named("x"));
            Path f = dir.resolve("dup-" + t + ".parquet");
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(f)).withType(schema)
                    .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.UNCOMPRESSED).build()) {
                for (int i = 0; i < 10; i++) {
                    Group g = new SimpleGroupFactory(schema).newGroup();
                    if (t == PrimitiveTypeName.DOUBLE) {
                        g.add(0, 100.0 * i);
                        g.add(1, 1.0);
                        g.add(2, (double) i);
                    } else {
                        g.add(0, 100L * i);
                        g.add(1, 1.0);
                        g.add(2, (long) i);
                    }
                    w.write(g);
                }
            }
            InvalidDataException e = assertThrows(InvalidDataException.class, () -> {
                try (ParquetDataSource s = ParquetDataSource.open(f, InvalidRows.REFUSE)) {
                    read(s, "x");
                }
            });
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("column name 'x' appears twice"),
                    e.getMessage());
        }
    }
}
