package io.streamlsq.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test files written by h5py (Debian's python3-h5py at /usr/bin/python3; .ci/run installs it), and helpers. */
final class H5py {
    static final String PYTHON = "/usr/bin/python3";

    private H5py() {
    }

    /** Runs {@code script} (with {@code h5py}, {@code numpy as np} imported) in {@code dir}; returns its stdout. */
    static String run(Path dir, String script) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(Path.of(PYTHON)), "h5py is needed at " + PYTHON
                + " (apt-get install python3-h5py; .ci/run does it)");
        Process p = new ProcessBuilder(PYTHON, "-c", "import h5py, numpy as np\n" + script).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "python failed:\n" + script + "\n" + out);
        return out;
    }

    /** A copy of {@code src} with byte {@code offset} XOR {@code mask}. */
    static Path flip(Path src, Path dst, long offset, int mask) throws IOException {
        byte[] b = Files.readAllBytes(src);
        b[(int) offset] ^= (byte) mask;
        Files.write(dst, b);
        return dst;
    }

    /** Every row of the datasets, in one slice per {@code chunkRows}, as columns. */
    static double[][] readAll(Path file, List<String> datasets, int chunkRows) throws IOException {
        Hdf5DataSource s = Hdf5DataSource.open(file, datasets, chunkRows, InvalidRows.REFUSE);
        double[][] out = new double[datasets.size()][(int) s.rowCount()];
        try (ChunkCursor c = s.open(s.columnNames(), 0)) {
            int at = 0;
            for (Chunk ch = c.next(); ch != null; ch = c.next()) {
                for (int k = 0; k < out.length; k++) {
                    for (int i = 0; i < ch.rows(); i++) {
                        out[k][at + i] = ch.get(k, i);
                    }
                }
                at += ch.rows();
            }
            assertEquals(out[0].length, at, "rows read");
        }
        return out;
    }
}
