package io.streamlsq.data;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A view of some chunks of another source: evenly spaced chunks totalling at most about {@code maxRows}
 * rows (all of them when the source is smaller), or the first ones when the source is sequential. Chunk i
 * of the view is chunk {@code chunks[i]} of the source, re-indexed so that an ordered merge works on the
 * view. Used by the warmup, whose cost must not grow with the data.
 */
public final class SampledDataSource implements DataSource {
    private final DataSource base;
    private final long[] chunks;
    private final boolean firstOnly;

    private SampledDataSource(DataSource base, long[] chunks, boolean firstOnly) {
        this.base = base;
        this.chunks = chunks;
        this.firstOnly = firstOnly;
    }

    /** The sample of {@code base} with at most about {@code maxRows} rows (at least one chunk). */
    public static SampledDataSource of(DataSource base, long maxRows) {
        long per = Math.max(1, base.maxChunkRows());
        long wanted = Math.max(1, maxRows / per);
        long count = base.chunkCount();
        if (count < 0 || !base.isRandomAccess()) {
            long[] first = new long[(int) Math.min(wanted, 1 << 20)];
            for (int i = 0; i < first.length; i++) {
                first[i] = i;
            }
            return new SampledDataSource(base, first, true);
        }
        int m = (int) Math.max(1, Math.min(count, wanted));
        long[] picked = new long[m];
        for (int i = 0; i < m; i++) {
            picked[i] = (long) ((double) i * count / m);
        }
        return new SampledDataSource(base, picked, false);
    }

    /** Indices in the source of the sampled chunks (a copy). */
    public long[] chunks() {
        return chunks.clone();
    }

    @Override
    public List<String> columnNames() {
        return base.columnNames();
    }

    @Override
    public long chunkCount() {
        return firstOnly ? -1 : chunks.length;
    }

    @Override
    public long rowCount() {
        return -1;
    }

    @Override
    public int maxChunkRows() {
        return base.maxChunkRows();
    }

    @Override
    public boolean isRandomAccess() {
        return !firstOnly;
    }

    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
        ChunkCursor inner = base.open(columns, firstOnly ? firstChunk : 0);
        return new ChunkCursor() {
            private long next = firstChunk;

            @Override
            public Chunk next() throws IOException {
                if (next >= chunks.length) {
                    return null;
                }
                if (!firstOnly) {
                    inner.seek(chunks[(int) next]);
                }
                Chunk c = inner.next();
                if (c == null) {
                    next = chunks.length;
                    return null;
                }
                c.set(next++, c.firstRow(), c.offset(), c.rows());
                return c;
            }

            @Override
            public void seek(long chunkIndex) {
                next = chunkIndex;
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
    }

    @Override
    public String fingerprint() throws IOException {
        return "sample(" + Arrays.hashCode(chunks) + ") of " + base.fingerprint();
    }

    @Override
    public String describe() {
        return base.describe();
    }
}
