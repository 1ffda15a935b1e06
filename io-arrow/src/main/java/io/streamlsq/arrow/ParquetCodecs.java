package io.streamlsq.arrow;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Page decompression for the Parquet reader without Hadoop: parquet-java's own codec factory builds a
 * Hadoop {@code Configuration} for any compressed page, which needs Hadoop's full runtime. Uncompressed,
 * Snappy (snappy-java), gzip (the JDK), zstd (zstd-jni) and LZ4_RAW (commons-compress) pages are read;
 * Brotli, LZO and the Hadoop-framed LZ4 are refused by name. Reading only: the writer is Arrow Dataset's.
 */
final class ParquetCodecs implements CompressionCodecFactory {
    private final String file;

    ParquetCodecs(String file) {
        this.file = file;
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("this codec factory only reads");
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW -> new Decompressor(codec);
            default -> throw new io.streamlsq.data.InvalidDataException(file + " uses the Parquet compression " + codec
                    + ", which this reader does not support (supported: uncompressed, snappy, gzip, zstd, lz4_raw); "
                    + "rewrite the file with one of those, or convert it to Arrow IPC");
        };
    }

    @Override
    public void release() {
    }

    private static final class Decompressor implements BytesInputDecompressor {
        private final CompressionCodecName codec;

        Decompressor(CompressionCodecName codec) {
            this.codec = codec;
        }

        /**
         * Decompresses one page to exactly {@code uncompressedSize} bytes (its header's): a page that
         * decompresses to fewer or more bytes, or an uncompressed page of another size, is refused with an
         * {@link IOException} saying both sizes.
         */
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            if (uncompressedSize < 0) {
                throw new IOException("the page header says " + uncompressedSize + " bytes uncompressed");
            }
            if (codec == CompressionCodecName.UNCOMPRESSED) {
                requireSize(bytes.size(), uncompressedSize);
                return bytes;
            }
            byte[] in = bytes.toByteArray();
            byte[] out = new byte[uncompressedSize];
            switch (codec) {
                case SNAPPY -> {
                    requireSize(Snappy.uncompressedLength(in, 0, in.length), uncompressedSize);
                    requireSize(Snappy.uncompress(in, 0, in.length, out, 0), uncompressedSize);
                }
                case ZSTD -> {
                    long n;
                    try {
                        n = Zstd.decompressByteArray(out, 0, out.length, in, 0, in.length);
                    } catch (RuntimeException e) { // ZstdException: corrupt, or more than the header's size
                        throw new IOException("zstd: " + e.getMessage(), e);
                    }
                    if (Zstd.isError(n)) {
                        throw new IOException("zstd: " + Zstd.getErrorName(n));
                    }
                    requireSize(n, uncompressedSize);
                }
                case GZIP -> readFully(new GZIPInputStream(new java.io.ByteArrayInputStream(in)), out);
                case LZ4_RAW -> readFully(new BlockLZ4CompressorInputStream(new java.io.ByteArrayInputStream(in)), out);
                default -> throw new IllegalStateException(codec.toString());
            }
            return BytesInput.from(out);
        }

        private static void requireSize(long got, int header) throws IOException {
            if (got != header) {
                throw new IOException("the page decompresses to " + got + " bytes, but its header says " + header);
            }
        }

        /** Fills {@code out} and requires the stream to end there. */
        private static void readFully(InputStream s, byte[] out) throws IOException {
            try (s) {
                int off = 0;
                while (off < out.length) {
                    int r = s.read(out, off, out.length - off);
                    if (r < 0) {
                        throw new IOException("page ends after " + off + " of " + out.length + " bytes");
                    }
                    off += r;
                }
                if (s.read() >= 0) {
                    throw new IOException("the page decompresses to more than the " + out.length
                            + " bytes its header says");
                }
            }
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            byte[] out = decompress(BytesInput.from(in), uncompressedSize).toByteArray();
            output.put(out, 0, uncompressedSize);
        }

        @Override
        public void release() {
        }
    }
}
