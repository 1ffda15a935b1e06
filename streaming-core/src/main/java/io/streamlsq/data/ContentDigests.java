package io.streamlsq.data;

import java.util.Arrays;

/**
 * What a fit has read, chunk by chunk: a 64-bit digest of every value of every used column of each chunk
 * (with its row count and first row), so that a resumed fit can tell whether the data it reads now is the
 * data it summed before. The digest is of the values as decoded, not of file bytes, so it is the same for
 * every format and covers exactly what the answer rests on.
 *
 * <p>Each chunk is hashed once per process: the first time a full pass reads it, its digest is either
 * recorded (never seen) or compared with the one restored from a checkpoint; later passes in the same process
 * skip it. That costs one hash per value once (a few percent of one pass) and catches a file that changed
 * between a kill and a resume, wherever the change is. Thread-safe: workers of one pass call
 * {@link #check} for distinct chunks.
 */
public final class ContentDigests {
    private static final long P = 0x9E3779B97F4A7C15L;

    private long[] digests;
    private boolean[] checked;

    /** No chunk known yet. */
    public ContentDigests() {
        this(new long[0]);
    }

    /**
     * Digests restored from a checkpoint: {@code digests[k]} is chunk k's, 0 where it was never read.
     * The array is copied.
     */
    public ContentDigests(long[] digests) {
        this.digests = digests.clone();
        this.checked = new boolean[digests.length];
    }

    /** A copy of the digests so far (0 for chunks not read yet), for a checkpoint. */
    public synchronized long[] toArray() {
        int n = digests.length;
        while (n > 0 && digests[n - 1] == 0) {
            n--;
        }
        return Arrays.copyOf(digests, n);
    }

    /**
     * Records chunk {@code chunk.index()}'s digest the first time, or compares it with the one known.
     *
     * @throws DataChangedException if the chunk's values differ from those read before
     */
    public void check(DataSource source, Chunk chunk) {
        long k = chunk.index();
        if (k < 0 || k >= Integer.MAX_VALUE || isChecked(k)) {
            return;
        }
        record(source, k, digest(chunk), "rows " + chunk.firstRow() + " to " + (chunk.firstRow() + chunk.rows() - 1)
                + " (chunk " + k + ")", chunk.firstRow());
    }

    /**
     * The same with a digest computed elsewhere (by {@link #digest} on another machine, e.g. a Spark executor).
     *
     * @throws DataChangedException if it differs from the one known for chunk {@code k}
     */
    public void check(DataSource source, long k, long digest) {
        if (k < 0 || k >= Integer.MAX_VALUE || isChecked(k)) {
            return;
        }
        record(source, k, digest, "chunk " + k, -1);
    }

    /** Whether chunk {@code k} was checked (or first recorded) by this process. */
    public synchronized boolean isChecked(long k) {
        return k >= 0 && k < checked.length && checked[(int) k];
    }

    private synchronized void record(DataSource source, long k, long d, String what, long row) {
        int i = (int) k;
        if (i >= digests.length) {
            int n = Math.max(i + 1, 2 * digests.length);
            digests = Arrays.copyOf(digests, n);
            checked = Arrays.copyOf(checked, n);
        }
        if (digests[i] != 0 && digests[i] != d) {
            throw new DataChangedException(source.describe() + ": " + what + " are not what this fit read"
                    + " before (the data changed since the checkpoint was written, or while the fit ran): the"
                    + " fit cannot go on; start it again", row);
        }
        digests[i] = d;
        checked[i] = true;
    }

    /** Chunks read before (digest known) but not yet read again by this process, in increasing order. */
    public synchronized long[] unchecked() {
        return java.util.stream.IntStream.range(0, digests.length).filter(k -> digests[k] != 0 && !checked[k])
                .asLongStream().toArray();
    }

    /**
     * The digest of all chunks in order, once every one of {@code chunks} chunks is known, else 0: one
     * number that identifies the rows a fit used.
     */
    public synchronized long combined(long chunks) {
        if (chunks < 0 || chunks > digests.length) {
            return 0;
        }
        long h = chunks;
        for (int k = 0; k < chunks; k++) {
            if (digests[k] == 0) {
                return 0;
            }
            h = mix(h * P + digests[k]);
        }
        return h == 0 ? 1 : h;
    }

    /** The digest of one chunk's rows (never 0). */
    public static long digest(Chunk chunk) {
        int n = chunk.rows();
        int off = chunk.offset();
        long h = mix(n * P + chunk.firstRow());
        for (int c = 0; c < chunk.columnCount(); c++) {
            double[] v = chunk.column(c);
            // four independent lanes, so the multiply latency is hidden
            long a = 1;
            long b = 2;
            long e = 3;
            long f = 4;
            int i = 0;
            for (; i + 4 <= n; i += 4) {
                a = (a ^ Double.doubleToRawLongBits(v[off + i])) * P;
                b = (b ^ Double.doubleToRawLongBits(v[off + i + 1])) * P;
                e = (e ^ Double.doubleToRawLongBits(v[off + i + 2])) * P;
                f = (f ^ Double.doubleToRawLongBits(v[off + i + 3])) * P;
            }
            for (; i < n; i++) {
                a = (a ^ Double.doubleToRawLongBits(v[off + i])) * P;
            }
            h = mix(h ^ a);
            h = mix(h ^ b);
            h = mix(h ^ e);
            h = mix(h ^ f);
        }
        return h == 0 ? 1 : h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
