package io.streamlsq.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link SigmaMask} leaves out the rows whose sigma gives no finite weight from every cursor, whether or not it asks
 * for the sigma column: a cursor of x and y alone (the plots' sample) used to get every row, the masked ones (often
 * fill values) included.
 */
class SigmaMaskTest {

    @Test
    void maskedRowsAreLeftOutWhateverColumnsACursorReads() throws IOException {
        int n = 50;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] s = new double[n];
        List<Double> keptX = new ArrayList<>();
        List<Double> keptY = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            x[i] = i;
            boolean bad = i % 7 == 3 || i % 11 == 5;
            s[i] = i % 7 == 3 ? 0.0 : i % 11 == 5 ? -1.0 : 0.1;
            y[i] = bad ? -999.0 : 2.0 * i;
            if (!bad) {
                keptX.add(x[i]);
                keptY.add(y[i]);
            }
        }
        // chunks of 6 rows: some without a masked row (passed on as they are), some with
        DataSource masked = SigmaMask.of(new InMemoryDataSource(Map.of("x", x, "y", y, "s", s), 6), "s");
        double[][] withSigma = read(masked, List.of("x", "y", "s"));
        double[][] withoutSigma = read(masked, List.of("y", "x"));
        double[] ex = keptX.stream().mapToDouble(Double::doubleValue).toArray();
        double[] ey = keptY.stream().mapToDouble(Double::doubleValue).toArray();
        assertArrayEquals(ex, withSigma[0]);
        assertArrayEquals(ey, withSigma[1]);
        assertArrayEquals(ey, withoutSigma[0], "y read without the sigma column");
        assertArrayEquals(ex, withoutSigma[1], "x read without the sigma column");
        assertEquals(n - ex.length, masked.skippedRows());
    }

    /** Every row of every chunk, column by column. */
    private static double[][] read(DataSource src, List<String> columns) throws IOException {
        List<List<Double>> cols = new ArrayList<>();
        for (int k = 0; k < columns.size(); k++) {
            cols.add(new ArrayList<>());
        }
        try (ChunkCursor c = src.open(columns, 0)) {
            Chunk chunk;
            while ((chunk = c.next()) != null) {
                assertEquals(columns.size(), chunk.columnCount());
                for (int k = 0; k < columns.size(); k++) {
                    for (int i = 0; i < chunk.rows(); i++) {
                        cols.get(k).add(chunk.column(k)[chunk.offset() + i]);
                    }
                }
            }
        }
        double[][] out = new double[columns.size()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = cols.get(k).stream().mapToDouble(Double::doubleValue).toArray();
        }
        return out;
    }
}
