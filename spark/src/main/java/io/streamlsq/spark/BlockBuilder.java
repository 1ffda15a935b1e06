package io.streamlsq.spark;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ContentDigests;
import io.streamlsq.data.InvalidRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Row;

/**
 * Cuts one partition of rows (numeric columns, already cast to double) into {@link ChunkBlock}s of at most
 * {@code chunkRows} rows, in the partition's row order. Null becomes NaN; under {@link InvalidRows#SKIP} a row with
 * a null or non-finite value is dropped (and counted), under REFUSE it is kept so that the pass reports it.
 */
final class BlockBuilder implements Function2<Integer, Iterator<Row>, Iterator<ChunkBlock>> {
    private static final long serialVersionUID = 1L;

    private final int columns;
    private final int chunkRows;
    private final InvalidRows policy;

    BlockBuilder(int columns, int chunkRows, InvalidRows policy) {
        this.columns = columns;
        this.chunkRows = chunkRows;
        this.policy = policy;
    }

    @Override
    public Iterator<ChunkBlock> call(Integer partition, Iterator<Row> rows) {
        List<ChunkBlock> out = new ArrayList<>();
        double[][] cols = new double[columns][chunkRows];
        double[] row = new double[columns];
        int n = 0;
        long sourceRow = 0;
        long firstRow = 0;
        long skipped = 0;
        while (rows.hasNext()) {
            Row r = rows.next();
            boolean finite = true;
            for (int c = 0; c < columns; c++) {
                row[c] = r.isNullAt(c) ? Double.NaN : r.getDouble(c);
                finite &= Double.isFinite(row[c]);
            }
            sourceRow++;
            if (!finite && policy == InvalidRows.SKIP) {
                skipped++;
                continue;
            }
            if (n == chunkRows) {
                out.add(block(partition, out.size(), firstRow, n, cols, skipped));
                cols = new double[columns][chunkRows];
                n = 0;
                skipped = 0;
            }
            if (n == 0) {
                firstRow = sourceRow - 1;
            }
            for (int c = 0; c < columns; c++) {
                cols[c][n] = row[c];
            }
            n++;
        }
        if (n > 0) {
            out.add(block(partition, out.size(), firstRow, n, cols, skipped));
        }
        return out.iterator();
    }

    private static ChunkBlock block(int partition, int ordinal, long firstRow, int n, double[][] cols, long skipped) {
        double[][] exact = new double[cols.length][];
        Chunk view = new Chunk(cols.length);
        for (int c = 0; c < cols.length; c++) {
            exact[c] = n == cols[c].length ? cols[c] : Arrays.copyOf(cols[c], n);
            view.setColumn(c, exact[c]);
        }
        view.set(0, firstRow, 0, n);
        return new ChunkBlock(partition, ordinal, firstRow, n, exact, skipped, ContentDigests.digest(view));
    }
}
