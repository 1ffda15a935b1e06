package io.streamlsq.data;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A source whose rows with a sigma that gives no finite weight — σ ≤ 0, or so small that 1/σ² overflows — are left
 * out before any term sees them (data, loss, curvature and smoothness series, penalties' row count), and counted
 * with the inner source's skipped rows. This is {@code --skip-invalid} for the sigma column; without it such a row
 * stops the fit with an error naming it. A chunk with no such row is passed on as it is (no copy); one with some is
 * compacted into the cursor's own buffers, allocated once.
 */
public final class SigmaMask extends ForwardingDataSource {
    private final String sigma;
    private final ConcurrentHashMap<Long, Long> masked = new ConcurrentHashMap<>();

    private SigmaMask(DataSource inner, String sigma) {
        super(inner);
        this.sigma = sigma;
    }

    /**
     * {@code inner} with rows of a non-positive (or weight-overflowing) {@code sigmaColumn} left out and counted.
     *
     * @throws IllegalArgumentException if the column does not exist (the message lists those that do)
     */
    public static DataSource of(DataSource inner, String sigmaColumn) {
        DataSource.requireColumn(inner, sigmaColumn);
        return new SigmaMask(inner, sigmaColumn);
    }

    /** Whether σ gives a finite positive weight 1/σ². */
    static boolean usable(double s) {
        double w = 1.0 / s;
        return s > 0 && w * w <= Double.MAX_VALUE;
    }

    @Override
    public String fingerprint() throws IOException {
        return inner.fingerprint() + "|sigma>0:" + sigma;
    }

    /** The inner source's skipped rows plus the rows left out here, over the distinct chunks read so far. */
    @Override
    public long skippedRows() {
        long n = inner.skippedRows();
        for (long v : masked.values()) {
            n += v;
        }
        return n;
    }

    /** Rows left out for their sigma alone, over the distinct chunks read so far. */
    public long maskedRows() {
        long n = 0;
        for (long v : masked.values()) {
            n += v;
        }
        return n;
    }

    /**
     * A cursor over the rows kept, with the given columns; the sigma column is read to mask the rows even when
     * {@code columns} does not name it (a plot's sample of x and y shows the rows the fit used, not the masked ones).
     */
    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
        int s = columns.indexOf(sigma);
        if (s >= 0) {
            return new Cursor(inner.open(columns, firstChunk), columns.size(), s);
        }
        List<String> withSigma = new java.util.ArrayList<>(columns);
        withSigma.add(sigma);
        return new Cursor(inner.open(withSigma, firstChunk), columns.size(), columns.size());
    }

    private final class Cursor implements ChunkCursor {
        private final ChunkCursor in;
        /** Columns delivered: those asked for (the inner cursor reads sigma after them when they do not hold it). */
        private final int ncol;
        private final int s;
        private final Chunk out;
        /** Clean chunks without the extra sigma column: a view of the inner chunk's arrays (null when not needed). */
        private final Chunk view;
        private double[][] buffers;

        Cursor(ChunkCursor in, int ncol, int s) {
            this.in = in;
            this.ncol = ncol;
            this.s = s;
            this.out = new Chunk(ncol);
            this.view = s >= ncol ? new Chunk(ncol) : null;
        }

        @Override
        public Chunk next() throws IOException {
            Chunk c = in.next();
            if (c == null) {
                return null;
            }
            double[] sig = c.column(s);
            int off = c.offset();
            int n = c.rows();
            int bad = 0;
            for (int i = 0; i < n; i++) {
                if (!usable(sig[off + i])) {
                    bad++;
                }
            }
            masked.put(c.index(), (long) bad);
            if (bad == 0) {
                if (view == null) {
                    return c;
                }
                view.sliceOf(c, 0, n);
                return view;
            }
            if (buffers == null || buffers[0].length < n) {
                buffers = new double[ncol][Math.max(n, maxChunkRows())];
                for (int k = 0; k < ncol; k++) {
                    out.setColumn(k, buffers[k]);
                }
            }
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (usable(sig[off + i])) {
                    for (int k = 0; k < ncol; k++) {
                        buffers[k][kept] = c.column(k)[off + i];
                    }
                    kept++;
                }
            }
            return out.set(c.index(), c.firstRow(), 0, kept);
        }

        @Override
        public void seek(long chunkIndex) throws IOException {
            in.seek(chunkIndex);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
