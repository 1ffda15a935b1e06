package io.streamlsq.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.DecayModel;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.SharedFiles;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hdf5DataSourceTest {
    static final Path FILE = SharedFiles.root().resolve("data/decay-h5py.h5");
    @TempDir
    Path dir;

    private static FitProblem problem(Hdf5DataSource s) {
        return FitProblem.builder(new DecayModel(), s).bind("x", "/data/x").y("/data/y").initial(1, 0.5, 0).build();
    }

    @Test
    void theFileH5pyWroteFitsToItsReference() throws Exception {
        Hdf5DataSource s = Hdf5DataSource.open(FILE, List.of("/data/x", "data/y"), 30_000, InvalidRows.REFUSE);
        assertEquals(100_000, s.rowCount());
        assertEquals(4, s.chunkCount());
        FitResult r = Fits.fit(problem(s));
        assertTrue(r.termination().isConverged(), r.briefReport());
        JsonNode ref = new ObjectMapper().readTree(SharedFiles.root().resolve("data/expected.json").toFile())
                .get("decay-h5py.h5").get("reference_fit");
        for (String p : List.of("a", "b", "c")) {
            assertEquals(ref.get(p).asDouble(), r.value(p), 1e-6 * ref.get(p).asDouble(), p);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            FitResult two = Fits.fit(problem(s), FitOptions.defaults(), PassExecutor.parallel(pool, 2));
            assertArrayEquals(r.values(), two.values(), "two threads read their own slices, same bits");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMissingDatasetIsNamedWithTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Hdf5DataSource.open(FILE, List.of("/data/t"), 1000, InvalidRows.REFUSE));
        assertTrue(e.getMessage().contains("'/data/t'") && e.getMessage().contains("/data/x"), e.getMessage());
    }

    @Test
    void truncatedFilesAreRefused() throws Exception {
        long size = Files.size(FILE);
        for (long cut : new long[] {0, 7, 40, 500, size / 2, size - 1}) {
            Path t = dir.resolve("cut" + cut + ".h5");
            Files.copy(FILE, t);
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            InvalidDataException e = assertThrows(InvalidDataException.class, () -> {
                Hdf5DataSource s = Hdf5DataSource.open(t, List.of("/data/x", "/data/y"), 30_000, InvalidRows.REFUSE);
                Fits.fit(problem(s));
            }, "cut at " + cut);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("empty"), "cut " + cut + ": " + e.getMessage());
        }
    }
}
