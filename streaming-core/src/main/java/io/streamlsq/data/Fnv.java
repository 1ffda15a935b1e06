package io.streamlsq.data;

/** 64-bit FNV-1a style mixing for fingerprints (not cryptographic). */
public final class Fnv {
    private Fnv() {
    }

    /** Mixes the 8 bytes of {@code value} into {@code hash}. */
    public static long mix(long hash, long value) {
        long h = hash;
        for (int i = 0; i < 8; i++) {
            h ^= (value >>> (8 * i)) & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
