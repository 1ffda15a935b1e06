package io.streamlsq.app.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.expr.ExpressionModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PredictionSource} as a {@link DataSource}: the same rows whatever the chunk size, any subset and order of
 * its columns, a cursor opened at a later chunk or moved by seek, the base's chunk structure, fixed parameters out of
 * the band, and names that would collide refused.
 */
class PredictionSourceTest {
    static final ExpressionModel MODEL = ExpressionCompiler.compile("p*t + q*w*w", List.of("p", "q"), List.of("t", "w"));
    static final double[] THETA = {1.5, -0.25};
    /** q's row and column are 0: a fixed parameter adds nothing to the band. */
    static final double[][] COV = {{0.04, 0}, {0, 0}};

    static InMemoryDataSource data(int chunkRows) {
        int n = 1_003;
        Map<String, double[]> c = new LinkedHashMap<>();
        double[] t = new double[n];
        double[] w = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = i * 0.01;
            w[i] = Math.cos(i);
            y[i] = Math.sin(i);
        }
        c.put("time", t);
        c.put("w", w);
        c.put("y", y);
        return new InMemoryDataSource(c, chunkRows);
    }

    static PredictionSource predictions(DataSource base) {
        return new PredictionSource(base, MODEL, THETA, List.of("time", "w"), "y", List.of("time", "w", "y"), COV, 2.0);
    }

    static double[][] all(DataSource s, List<String> cols, long firstChunk) throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (ChunkCursor c = s.open(cols, firstChunk)) {
            for (Chunk ch = c.next(); ch != null; ch = c.next()) {
                for (int i = 0; i < ch.rows(); i++) {
                    double[] r = new double[cols.size()];
                    for (int k = 0; k < r.length; k++) {
                        r[k] = ch.get(k, i);
                    }
                    rows.add(r);
                }
            }
        }
        return rows.toArray(double[][]::new);
    }

    @Test
    void theColumnsAreTheFormulasWhateverTheChunkSize() throws IOException {
        List<String> cols = List.of("time", "w", "y", "model", "residual", "model_stderr", "lower", "upper");
        PredictionSource small = predictions(data(7));
        assertEquals(cols, small.columnNames());
        assertEquals(data(7).chunkCount(), small.chunkCount());
        double[][] a = all(small, cols, 0);
        double[][] b = all(predictions(data(65_536)), cols, 0);
        assertEquals(1_003, a.length);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "row " + i);
            double t = i * 0.01;
            double w = Math.cos(i);
            double f = 1.5 * t - 0.25 * w * w;
            assertEquals(f, a[i][3], 1e-15 * Math.max(1, Math.abs(f)));
            assertEquals(Math.sin(i) - f, a[i][4], 1e-15 * Math.max(1, Math.abs(f)));
            assertEquals(0.2 * t, a[i][5], 1e-15); // sqrt(g'Cg) with g = (t, w^2), C = diag(0.04, 0)
            assertEquals(f - 0.4 * t, a[i][6], 1e-14);
            assertEquals(f + 0.4 * t, a[i][7], 1e-14);
        }
    }

    @Test
    void anySubsetInAnyOrderFromAnyChunk() throws IOException {
        PredictionSource s = predictions(data(100));
        double[][] full = all(s, List.of("residual", "model", "time"), 0);
        double[][] later = all(s, List.of("time", "residual"), 3);
        assertEquals(1_003 - 300, later.length);
        for (int i = 0; i < later.length; i++) {
            assertEquals(full[300 + i][2], later[i][0]);
            assertEquals(full[300 + i][0], later[i][1]);
        }
        try (ChunkCursor c = s.open(List.of("model"), 0)) {
            c.seek(10);
            Chunk ch = c.next();
            assertEquals(10, ch.index());
            assertEquals(1_000, ch.firstRow());
            assertEquals(3, ch.rows());
            assertEquals(full[1_000][1], ch.get(0, 0));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.open(List.of("nope"), 0));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("model, residual"), e.getMessage());
    }

    @Test
    void withoutResponseOrBandThoseColumnsAreAbsentAndNamesMustNotCollide() {
        PredictionSource bare = new PredictionSource(data(50), MODEL, THETA, List.of("time", "w"), null,
                List.of("time"), null, Double.NaN);
        assertEquals(List.of("time", "model"), bare.columnNames());
        Map<String, double[]> c = new LinkedHashMap<>();
        c.put("t", new double[] {1});
        c.put("w", new double[] {1});
        c.put("model", new double[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PredictionSource(
                new InMemoryDataSource(c, 10), MODEL, THETA, List.of("t", "w"), null, List.of("t", "model"), null, 0));
        assertTrue(e.getMessage().contains("two columns named 'model'"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> new PredictionSource(
                data(10), MODEL, THETA, List.of("t", "w"), "y", List.of(), null, 0));
        assertTrue(missing.getMessage().contains("'t' not found"), missing.getMessage());
    }
}
