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
