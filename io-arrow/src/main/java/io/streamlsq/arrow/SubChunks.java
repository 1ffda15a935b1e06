package io.streamlsq.arrow;

import java.util.Arrays;

/**
 * Where the chunks of a file of record batches (Arrow) or row groups (Parquet) lie, so that the chunk size
 * follows {@code chunkRows} and not the way the file was written.
 *
 * <p>The rule, for a batch of {@code n} rows: it becomes {@code p = ceil(n / chunkRows)} chunks (one chunk
 * when {@code n <= chunkRows}, also for an empty batch), of as equal sizes as possible: each has
 * {@code floor(n / p)} rows and the first {@code n mod p} one more. So a batch of 1.5 × chunkRows rows gives
 * two chunks of 0.75 × chunkRows, never one full chunk and a small remainder, and no chunk has more than
 * {@code chunkRows} rows. Batches are never merged: a small batch stays one small chunk. Chunks are numbered
 * in file order: those of batch 0, then those of batch 1, and so on.
 *
 * <p>Chunk k's batch and row range are therefore a pure function of the batches' row counts (known from the
 * footer or metadata when the source is opened) and {@code chunkRows}: every pass, every worker and a
 * resumed run see the same chunks. An Arrow stream, whose row counts are known only as it is read, applies
 * the same rule batch by batch ({@link #pieces}, {@link #pieceStart}, {@link #pieceRows}).
 */
final class SubChunks {
    /** Rows per chunk when the caller does not say (the CLI's default {@code --chunk-rows}). */
    static final int DEFAULT_CHUNK_ROWS = 65_536;

    private final int chunkRows;
    private final long[] batchRows;
    /** firstChunk[b]: index of batch b's first chunk; firstChunk[batches] = the number of chunks. */
    private final long[] firstChunk;
    /** firstRow[b]: row number in the file of batch b's first row; firstRow[batches] = the number of rows. */
    private final long[] firstRow;
    private final int maxChunkRows;

    /**
     * @param batchRows rows of each batch (row group), in file order; each at most 2³¹ − 1
     * @throws IllegalArgumentException if {@code chunkRows < 1} (the message names {@code file})
     */
    SubChunks(String file, long[] batchRows, int chunkRows) {
        requireChunkRows(file, chunkRows);
        this.chunkRows = chunkRows;
        this.batchRows = batchRows.clone();
        int b = batchRows.length;
        this.firstChunk = new long[b + 1];
        this.firstRow = new long[b + 1];
        int max = 1;
        for (int k = 0; k < b; k++) {
            long n = batchRows[k];
            int p = pieces(n, chunkRows);
            firstChunk[k + 1] = firstChunk[k] + p;
            firstRow[k + 1] = firstRow[k] + n;
            max = Math.max(max, pieceRows(n, p, 0));
        }
        this.maxChunkRows = max;
    }

    /** @throws IllegalArgumentException unless {@code chunkRows >= 1}, naming the file, the value and the rule */
    static void requireChunkRows(String file, int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException(file + ": chunk rows = " + chunkRows + " must be >= 1");
        }
    }

    /** How many chunks a batch of {@code n} rows becomes: {@code max(1, ceil(n / chunkRows))}. */
    static int pieces(long n, int chunkRows) {
        return (int) Math.max(1, (n + chunkRows - 1) / chunkRows);
    }

    /** First row, within its batch of {@code n} rows cut in {@code p} pieces, of piece {@code j}. */
    static int pieceStart(long n, int p, int j) {
        long base = n / p;
        long extra = n % p;
        return (int) (j * base + Math.min(j, extra));
    }

    /** Rows of piece {@code j} of a batch of {@code n} rows cut in {@code p} pieces. */
    static int pieceRows(long n, int p, int j) {
        return (int) (n / p + (j < n % p ? 1 : 0));
    }

    int chunkRows() {
        return chunkRows;
    }

    long chunkCount() {
        return firstChunk[firstChunk.length - 1];
    }

    long rowCount() {
        return firstRow[firstRow.length - 1];
    }

    /** The largest chunk (at least 1): exact, not just {@code chunkRows}. */
    int maxChunkRows() {
        return maxChunkRows;
    }

    /** The batch that holds chunk {@code k} (0 &le; k &lt; {@link #chunkCount()}). */
    int batchOf(long k) {
        if (k < 0 || k >= chunkCount()) {
            throw new IndexOutOfBoundsException("chunk " + k + " is outside 0.." + (chunkCount() - 1));
        }
        int i = Arrays.binarySearch(firstChunk, k);
        if (i >= 0) {
            // firstChunk is strictly increasing (every batch has at least one chunk): i is the batch
            return i;
        }
        return -i - 2;
    }

    /** Row, within batch {@code b}, of chunk {@code k}'s first row ({@code k} in batch {@code b}). */
    int startInBatch(int b, long k) {
        return pieceStart(batchRows[b], pieces(batchRows[b], chunkRows), (int) (k - firstChunk[b]));
    }

    /** Rows of chunk {@code k} ({@code k} in batch {@code b}). */
    int rowsOf(int b, long k) {
        return pieceRows(batchRows[b], pieces(batchRows[b], chunkRows), (int) (k - firstChunk[b]));
    }

    /** Row number in the file of batch {@code b}'s first row. */
    long batchFirstRow(int b) {
        return firstRow[b];
    }
}
