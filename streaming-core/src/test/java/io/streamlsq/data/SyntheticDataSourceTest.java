package io.streamlsq.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.problems.BuiltinProblem;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticDataSourceTest {
    @Test
    void everyOpeningAndSeekGivesTheSameRows() throws Exception {
        SyntheticDataSource s = SyntheticDataSource.of(BuiltinProblem.DECAY, 10_500, 1_000, 4);
        assertEquals(11, s.chunkCount());
        double[] third;
        try (ChunkCursor c = s.open(List.of("x", "y"), 3)) {
            Chunk k = c.next();
            assertEquals(3, k.index());
            assertEquals(3_000, k.firstRow());
            third = Arrays.copyOfRange(k.column(1), k.offset(), k.offset() + k.rows());
        }
        try (ChunkCursor c = s.open(List.of("y"), 0)) {
            c.seek(3);
            Chunk k = c.next();
            assertArrayEquals(third, Arrays.copyOfRange(k.column(0), k.offset(), k.offset() + k.rows()));
            c.seek(10);
            assertEquals(500, c.next().rows());
            assertNull(c.next());
        }
    }

    @Test
    void theNoiseHasTheStatedSize() throws Exception {
        SyntheticDataSource s = SyntheticDataSource.of(BuiltinProblem.DECAY, 200_000, 50_000, 9);
        double sum = 0;
        double sum2 = 0;
        long n = 0;
        try (ChunkCursor c = s.open(List.of("x", "y"), 0)) {
            for (Chunk k = c.next(); k != null; k = c.next()) {
                for (int i = 0; i < k.rows(); i++) {
                    double x = k.get(0, i);
                    assertTrue(x >= 0 && x < 10);
                    double e = k.get(1, i) - (2.5 * Math.exp(-1.3 * x) + 0.5);
                    sum += e;
                    sum2 += e * e;
                    n++;
                }
            }
        }
        assertEquals(0, sum / n, 5e-4);
        assertEquals(0.05, Math.sqrt(sum2 / n), 5e-4);
    }

    @Test
    void fingerprintsDependOnTheSeedAndUnknownColumnsAreNamed() {
        SyntheticDataSource a = SyntheticDataSource.of(BuiltinProblem.DECAY, 100, 10, 1);
        SyntheticDataSource b = SyntheticDataSource.of(BuiltinProblem.DECAY, 100, 10, 2);
        assertNotEquals(a.fingerprint(), b.fingerprint());
        assertEquals(a.fingerprint(), SyntheticDataSource.of(BuiltinProblem.DECAY, 100, 10, 1).fingerprint());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.open(List.of("z"), 0));
        assertTrue(e.getMessage().contains("'z'") && e.getMessage().contains("x, y, sigma"), e.getMessage());
    }
}
