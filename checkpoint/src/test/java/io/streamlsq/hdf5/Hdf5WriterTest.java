package io.streamlsq.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 6 of the findings' newcomer list: lsq gen can write HDF5; h5py and Hdf5DataSource read it back. */
class Hdf5WriterTest {
    @TempDir
    Path dir;

    private static Map<String, double[]> columns(int rows) {
        SplittableRandom rng = new SplittableRandom(3);
        double[] x = new double[rows];
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            x[i] = 10 * rng.nextDouble();
            y[i] = 2.5 * Math.exp(-1.3 * x[i]) + 0.5 + 0.05 * rng.nextGaussian();
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("x", x);
        m.put("y", y);
        return m;
    }

    @Test
    void hdf5DataSourceReadsTheSameBits() throws Exception {
        Map<String, double[]> c = columns(100_003);
        Path f = dir.resolve("g.h5");
        Hdf5Writer.write(f, c);
        double[][] back = H5py.readAll(f, List.of("/data/x", "data/y"), 30_000);
        assertArrayEquals(c.get("x"), back[0]);
        assertArrayEquals(c.get("y"), back[1]);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("g.h5"), s.map(p -> p.getFileName().toString()).toList(), "no temporary file");
        }
    }

    @Test
    void h5pyReadsTheSameValues() throws Exception {
        Map<String, double[]> c = columns(1000);
        Hdf5Writer.write(dir.resolve("g.h5"), c);
        String out = H5py.run(dir, """
                f = h5py.File('g.h5', 'r')
                print(f['data/x'].dtype, f['data/x'].shape, f['data/y'].shape)
                print(*[repr(float(v)) for v in f['data/x'][()]])
                print(*[repr(float(v)) for v in f['data/y'][()]])
                """);
        String[] lines = out.trim().split("\n");
        assertEquals("float64 (1000,) (1000,)", lines[0]);
        assertArrayEquals(c.get("x"), Stream.of(lines[1].split(" ")).mapToDouble(Double::parseDouble).toArray());
        assertArrayEquals(c.get("y"), Stream.of(lines[2].split(" ")).mapToDouble(Double::parseDouble).toArray());
    }

    @Test
    void overwritingALargerFileLeavesNoStaleTail() throws Exception {
        Path f = dir.resolve("g.h5");
        Hdf5Writer.write(f, columns(50_000));
        Hdf5Writer.write(f, columns(10));
        assertTrue(Files.size(f) < 10_000, "size " + Files.size(f));
        assertEquals(10, H5py.readAll(f, List.of("/data/x"), 4)[0].length);
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWritten() {
        Path f = dir.resolve("bad.h5");
        assertThrows(IllegalArgumentException.class, () -> Hdf5Writer.write(f, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Hdf5Writer.write(f, Map.of("x", new double[0])));
        assertThrows(IllegalArgumentException.class, () -> Hdf5Writer.write(f, Map.of("a/b", new double[1])));
        Map<String, double[]> unequal = new LinkedHashMap<>();
        unequal.put("x", new double[2]);
        unequal.put("y", new double[3]);
        var e = assertThrows(IllegalArgumentException.class, () -> Hdf5Writer.write(f, unequal));
        assertTrue(e.getMessage().contains("'y' has 3 rows"), e.getMessage());
        assertTrue(Files.notExists(f));
        assertEquals(16L * Hdf5Writer.MAX_ROWS * 2, Hdf5Writer.heapBytes(Hdf5Writer.MAX_ROWS, 2));
    }
}
