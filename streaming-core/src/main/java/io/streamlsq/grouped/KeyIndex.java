package io.streamlsq.grouped;

/**
 * An open-addressing map from a key (a double, compared by value: -0.0 equals 0.0) to a long, without boxing:
 * 16 bytes per slot, at most half of the slots used. NaN is not a key.
 */
final class KeyIndex {
    private static final long EMPTY = Long.MIN_VALUE; // the bits of -0.0, which is stored as 0.0
    private long[] keys;
    private long[] vals;
    private int size;

    KeyIndex(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        vals = new long[cap];
        java.util.Arrays.fill(keys, EMPTY);
    }

    int size() {
        return size;
    }

    private static long bits(double key) {
        return Double.doubleToLongBits(key == 0 ? 0.0 : key);
    }

    private static int slot(long bits, int mask) {
        long h = bits * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** The value for {@code key}, or {@code missing}. */
    long get(double key, long missing) {
        long b = bits(key);
        int mask = keys.length - 1;
        for (int i = slot(b, mask); ; i = (i + 1) & mask) {
            if (keys[i] == b) {
                return vals[i];
            }
            if (keys[i] == EMPTY) {
                return missing;
            }
        }
    }

    /** Puts {@code key → value} if absent; returns the value already there, or {@code missing} when it was added. */
    long putIfAbsent(double key, long value, long missing) {
        long b = bits(key);
        int mask = keys.length - 1;
        for (int i = slot(b, mask); ; i = (i + 1) & mask) {
            if (keys[i] == b) {
                return vals[i];
            }
            if (keys[i] == EMPTY) {
                keys[i] = b;
                vals[i] = value;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return missing;
            }
        }
    }

    private void grow() {
        long[] ok = keys;
        long[] ov = vals;
        keys = new long[ok.length * 2];
        vals = new long[ok.length * 2];
        java.util.Arrays.fill(keys, EMPTY);
        int mask = keys.length - 1;
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != EMPTY) {
                int i = slot(ok[j], mask);
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = ok[j];
                vals[i] = ov[j];
            }
        }
    }
}
