package io.streamlsq.hdf5;

import io.streamlsq.data.InvalidDataException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * HDF5's Fletcher-32 filter (id 3) on decoding: the last 4 bytes of a chunk are the little-endian checksum of
 * the bytes before them (H5_checksum_fletcher32); jhdf 0.13 does not check it, so this does. As the HDF5
 * library does, the byte-swapped sum written by HDF5 before 1.6.3 is accepted too.
 */
final class Fletcher32 {
    private Fletcher32() {
    }

    /** H5_checksum_fletcher32 over {@code data[0…len-1]}: 16-bit big-endian words, sums folded every 360 words. */
    static int checksum(byte[] data, int len) {
        long sum1 = 0;
        long sum2 = 0;
        int words = len / 2;
        int p = 0;
        while (words > 0) {
            int block = Math.min(words, 360);
            words -= block;
            for (int i = 0; i < block; i++) {
                sum1 += ((data[p] & 0xff) << 8) | (data[p + 1] & 0xff);
                p += 2;
                sum2 += sum1;
            }
            sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
        }
        if ((len & 1) != 0) {
            sum1 += (data[p] & 0xff) << 8;
            sum2 += sum1;
            sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
        }
        sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
        return (int) ((sum2 << 16) | sum1);
    }

    /**
     * @param where names the chunk for the message
     * @return the chunk without its checksum
     * @throws InvalidDataException if the chunk is shorter than 4 bytes or its checksum does not match
     */
    static byte[] verifyAndStrip(byte[] chunk, Supplier<String> where) {
        if (chunk.length < 4) {
            throw new InvalidDataException(where.get() + " has " + chunk.length + " bytes, too few for its Fletcher-32 checksum");
        }
        int n = chunk.length - 4;
        int stored = (chunk[n] & 0xff) | (chunk[n + 1] & 0xff) << 8 | (chunk[n + 2] & 0xff) << 16 | (chunk[n + 3] & 0xff) << 24;
        int sum = checksum(chunk, n);
        int reversed = ((sum & 0x00ff00ff) << 8) | ((sum >>> 8) & 0x00ff00ff);
        if (stored != sum && stored != reversed) {
            throw new InvalidDataException(where.get() + " fails its Fletcher-32 checksum (stored "
                    + Integer.toHexString(stored) + ", computed " + Integer.toHexString(sum) + "): the data are damaged");
        }
        return Arrays.copyOf(chunk, n);
    }
}
