package io.streamlsq.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.problems.BuiltinProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDataSourceTest {
    @TempDir
    Path dir;

    @Test
    void writtenRowsReadBackBitForBitInChunksFromAnyChunk() throws Exception {
        SyntheticDataSource src = SyntheticDataSource.of(BuiltinProblem.DECAY, 2_500, 1_000, 5);
        Path f = dir.resolve("d.csv");
        assertEquals(2_500, CsvWriter.write(src, List.of("x", "y"), f));
        CsvDataSource csv = new CsvDataSource(f, 1_000);
        assertEquals(List.of("x", "y"), csv.columnNames());
        try (ChunkCursor a = src.open(List.of("y", "x"), 1); ChunkCursor b = csv.open(List.of("y", "x"), 1)) {
            for (int k = 1; k < 3; k++) {
                Chunk ca = a.next();
                Chunk cb = b.next();
                assertEquals(ca.rows(), cb.rows());
                assertEquals(ca.firstRow(), cb.firstRow());
                for (int i = 0; i < ca.rows(); i++) {
                    assertEquals(ca.get(0, i), cb.get(0, i), 0.0);
                    assertEquals(ca.get(1, i), cb.get(1, i), 0.0);
                }
            }
            assertNull(b.next());
        }
    }

    @Test
    void chunksStartAtTheRightRecordsWithQuotesBlankLinesAndCrlf() throws Exception {
        Path f = dir.resolve("q.csv");
        StringBuilder b = new StringBuilder("\"x\",y,note\r\n");
        for (int i = 0; i < 25; i++) {
            b.append(i).append(',').append(2 * i).append(',').append(i % 7 == 0 ? "\"two\nlines, \"\"quoted\"\"\"" : "plain")
                    .append(i % 5 == 0 ? "\r\n\r\n" : "\r\n");
        }
        Files.writeString(f, b);
        CsvDataSource csv = new CsvDataSource(f, 4);
        assertEquals(25, csv.rowCount());
        assertEquals(7, csv.chunkCount());
        try (ChunkCursor c = csv.open(List.of("y", "x"), 0)) {
            for (int k = 6; k >= 0; k--) {
                c.seek(k);
                Chunk ch = c.next();
                assertEquals(k * 4L, ch.firstRow());
                assertEquals(k == 6 ? 1 : 4, ch.rows());
                for (int i = 0; i < ch.rows(); i++) {
                    assertEquals(k * 4 + i, ch.get(1, i), 0.0);
                    assertEquals(2 * (k * 4 + i), ch.get(0, i), 0.0);
                }
            }
        }
    }

    @Test
    void parallelPassesGiveTheBitsOfOneThread() throws Exception {
        SyntheticDataSource src = SyntheticDataSource.of(BuiltinProblem.DECAY, 30_000, 1_000, 9);
        Path f = dir.resolve("p.csv");
        CsvWriter.write(src, List.of("x", "y"), f);
        CsvDataSource csv = new CsvDataSource(f, 2_000);
        var problem = io.streamlsq.problem.FitProblem.builder(BuiltinProblem.DECAY.model(), csv).initial(1, 0.5, 0).build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var one = io.streamlsq.testkit.Fits.fit(problem, io.streamlsq.options.FitOptions.defaults(),
                    io.streamlsq.exec.PassExecutor.sequential());
            var two = io.streamlsq.testkit.Fits.fit(problem, io.streamlsq.options.FitOptions.defaults(),
                    io.streamlsq.exec.PassExecutor.parallel(pool, 2));
            org.junit.jupiter.api.Assertions.assertArrayEquals(one.values(), two.values());
            assertTrue(one.termination().isConverged());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theFingerprintChangesWithTheContent() throws Exception {
        Path f = dir.resolve("f.csv");
        Files.writeString(f, "x,y\n1,2\n3,4\n");
        String before = new CsvDataSource(f, 10).fingerprint();
        Files.writeString(f, "x,y\n1,2\n3,5\n");
        assertNotEquals(before, new CsvDataSource(f, 10).fingerprint());
    }

    @Test
    void aHeaderWithARepeatedOrEmptyNameIsRefused() throws Exception {
        Path f = dir.resolve("h.csv");
        Files.writeString(f, "x,x\n1,2\n");
        assertTrue(assertThrows(InvalidDataException.class, () -> new CsvDataSource(f, 10)).getMessage()
                .contains("'x' appears twice"));
        Files.writeString(f, "x,,y\n1,2,3\n");
        assertTrue(assertThrows(InvalidDataException.class, () -> new CsvDataSource(f, 10)).getMessage()
                .contains("column 2 of the header has no name"));
    }
}
