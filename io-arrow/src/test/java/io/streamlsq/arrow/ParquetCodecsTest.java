package io.streamlsq.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import io.streamlsq.data.InvalidDataException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The Hadoop-free page codecs: each decompresses what its library compressed; the others are refused by name. */
class ParquetCodecsTest {
    private static byte[] page() {
        byte[] b = new byte[100_000];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i % 97 < 50 ? i % 7 : r.nextInt(256));
        }
        return b;
    }

    private static void roundTrip(CompressionCodecName codec, byte[] compressed, byte[] page) throws Exception {
        var d = new ParquetCodecs("f.parquet").getDecompressor(codec);
        assertArrayEquals(page, d.decompress(BytesInput.from(compressed), page.length).toByteArray(), codec.toString());
        ByteBuffer out = ByteBuffer.allocate(page.length);
        d.decompress(ByteBuffer.wrap(compressed), compressed.length, out, page.length);
        assertArrayEquals(page, out.array(), codec + " (buffers)");
    }

    @Test
    void eachSupportedCodecDecompressesItsLibrarysOutput() throws Exception {
        byte[] page = page();
        roundTrip(CompressionCodecName.UNCOMPRESSED, page, page);
        roundTrip(CompressionCodecName.SNAPPY, Snappy.compress(page), page);
        roundTrip(CompressionCodecName.ZSTD, Zstd.compress(page), page);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(page);
        }
        roundTrip(CompressionCodecName.GZIP, gz.toByteArray(), page);
        ByteArrayOutputStream lz = new ByteArrayOutputStream();
        try (BlockLZ4CompressorOutputStream l = new BlockLZ4CompressorOutputStream(lz)) {
            l.write(page);
        }
        roundTrip(CompressionCodecName.LZ4_RAW, lz.toByteArray(), page);
    }

    @Test
    void aShortPageAndAnUnsupportedCodecAreRefused() throws Exception {
        byte[] page = page();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(page, 0, 1000);
        }
        var d = new ParquetCodecs("f.parquet").getDecompressor(CompressionCodecName.GZIP);
        var e = assertThrows(java.io.IOException.class, () -> d.decompress(BytesInput.from(gz.toByteArray()), page.length));
        assertTrue(e.getMessage().contains("page ends after 1000"), e.getMessage());
        var u = assertThrows(InvalidDataException.class,
                () -> new ParquetCodecs("f.parquet").getDecompressor(CompressionCodecName.BROTLI));
        assertTrue(u.getMessage().contains("f.parquet uses the Parquet compression BROTLI"), u.getMessage());
    }

    /** A page that decompresses to more or fewer bytes than its header's uncompressed size is refused. */
    @Test
    void aPageOfAnotherSizeThanItsHeaderSaysIsRefused() throws Exception {
        byte[] page = page();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(page);
        }
        ByteArrayOutputStream lz = new ByteArrayOutputStream();
        try (BlockLZ4CompressorOutputStream l = new BlockLZ4CompressorOutputStream(lz)) {
            l.write(page);
        }
        var pages = new java.util.LinkedHashMap<CompressionCodecName, byte[]>();
        pages.put(CompressionCodecName.UNCOMPRESSED, page);
        pages.put(CompressionCodecName.SNAPPY, Snappy.compress(page));
        pages.put(CompressionCodecName.ZSTD, Zstd.compress(page));
        pages.put(CompressionCodecName.GZIP, gz.toByteArray());
        pages.put(CompressionCodecName.LZ4_RAW, lz.toByteArray());
        for (var e : pages.entrySet()) {
            var d = new ParquetCodecs("f.parquet").getDecompressor(e.getKey());
            for (int size : new int[] {page.length - 1, page.length + 1, page.length + 4096}) {
                assertThrows(java.io.IOException.class, () -> d.decompress(BytesInput.from(e.getValue()), size).toByteArray(),
                        e.getKey() + " to " + size + " bytes of " + page.length);
            }
        }
    }
}
