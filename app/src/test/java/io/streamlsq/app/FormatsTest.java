package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.testkit.SharedFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every format end to end through {@code lsq fit --data FILE}, including the files of ../shared/data. */
class FormatsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DATA = SharedFiles.root().resolve("data");
    @TempDir
    Path dir;

    private JsonNode fit(String data, String... more) throws IOException {
        Path out = dir.resolve("r" + System.nanoTime() + ".json");
        String[] base = {"fit", "--data", data, "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0", "--quiet",
            "--out", out.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        Run r = Run.of(all);
        assertEquals(0, r.code(), data + ": " + r.err());
        return JSON.readTree(out.toFile());
    }

    @Test
    void theExternalFilesFitToTheirReferences() throws IOException {
        JsonNode expected = JSON.readTree(DATA.resolve("expected.json").toFile());
        for (String file : List.of("decay-pyarrow.arrow", "decay-pyarrow.arrows", "decay-lz4.feather",
                "decay-pyarrow.parquet", "decay-pandas.csv")) {
            JsonNode j = fit(DATA.resolve(file).toString(), "--threads", "2");
            JsonNode ref = expected.get(file).get("reference_fit");
            for (String p : List.of("a", "b", "c")) {
                assertEquals(ref.get(p).asDouble(), j.get("params").get(p).asDouble(), 1e-6 * ref.get(p).asDouble(),
                        file + " " + p);
            }
            assertEquals(100_000, j.get("rows").asLong(), file);
            assertEquals(0, j.get("skipped_rows").asLong(), file);
        }
    }

    @Test
    void theFloat32ParquetPeaksFileFitsThroughItsExpression() throws IOException {
        JsonNode e = JSON.readTree(DATA.resolve("expected.json").toFile()).get("peaks-f32.parquet");
        StringBuilder p0 = new StringBuilder();
        e.get("p0").fields().forEachRemaining(f -> p0.append(p0.length() > 0 ? "," : "").append(f.getKey()).append('=')
                .append(f.getValue().asDouble()));
        Path out = dir.resolve("peaks.json");
        Run r = Run.of("fit", "--data", DATA.resolve("peaks-f32.parquet").toString(), "--model", e.get("model").asText(),
                "--p0", p0.toString(), "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode params = JSON.readTree(out.toFile()).get("params");
        e.get("reference_fit").fields().forEachRemaining(f -> assertEquals(f.getValue().asDouble(),
                params.get(f.getKey()).asDouble(), 1e-6 * Math.abs(f.getValue().asDouble()), f.getKey()));
    }

    @Test
    void theHdf5FileOfH5pyFitsWithDatasetPaths() throws IOException {
        JsonNode j = fit(DATA.resolve("decay-h5py.h5").toString(), "--x", "/data/x", "--y", "data/y", "--threads", "2");
        JsonNode ref = JSON.readTree(DATA.resolve("expected.json").toFile()).get("decay-h5py.h5").get("reference_fit");
        for (String p : List.of("a", "b", "c")) {
            assertEquals(ref.get(p).asDouble(), j.get("params").get(p).asDouble(), 1e-6 * ref.get(p).asDouble(), p);
        }
        Run missing = Run.of("fit", "--data", DATA.resolve("decay-h5py.h5").toString(), "--model", "a*exp(-b*x)+c",
                "--p0", "a=1,b=0.5,c=0", "--quiet");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("dataset '/x' not found") && missing.err().contains("/data/x, /data/y"), missing.err());
    }

    @Test
    void nullsAreRefusedByDefaultAndSkippedAndCountedOnRequest() throws IOException {
        String f = DATA.resolve("decay-nulls.parquet").toString();
        Run refused = Run.of("fit", "--data", f, "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0", "--quiet");
        assertEquals(2, refused.code());
        assertEquals(1, refused.errorLines(), refused.err());
        assertTrue(refused.err().contains("column 'y' is null at row 33"), refused.err());
        JsonNode j = fit(f, "--skip-invalid");
        assertEquals(987, j.get("skipped_rows").asLong());
        assertEquals(100_000 - 987, j.get("rows").asLong());
        JsonNode ref = JSON.readTree(DATA.resolve("expected.json").toFile()).get("decay-nulls.parquet")
                .get("reference_fit_skipping_nulls");
        assertEquals(ref.get("b").asDouble(), j.get("params").get("b").asDouble(), 1e-6);
    }

    @Test
    void genWritesEveryFormatAndTheFitsAgreeToTheBit() throws IOException {
        JsonNode first = null;
        for (String ext : List.of("csv", "arrow", "arrows", "parquet")) {
            Path f = dir.resolve("g." + ext);
            Run g = Run.of("gen", "decay", "--rows", "30000", "--out", f.toString(), "--batch-rows", "7000");
            assertEquals(0, g.code(), g.err());
            JsonNode j = fit(f.toString(), "--chunk-rows", "7000");
            if (first == null) {
                first = j;
            } else {
                assertEquals(first.get("params"), j.get("params"), ext + " read different numbers");
            }
        }
    }

    @Test
    void nanInACsvIsSkippedWithSkipInvalid() throws IOException {
        Path f = dir.resolve("nan.csv");
        StringBuilder b = new StringBuilder("x,y\n");
        for (int i = 0; i < 200; i++) {
            double x = i * 0.05;
            b.append(x).append(',').append(i == 17 ? "NaN" : i == 18 ? "" : Double.toString(2.5 * Math.exp(-1.3 * x) + 0.5))
                    .append('\n');
        }
        Files.writeString(f, b);
        JsonNode j = fit(f.toString(), "--skip-invalid");
        assertEquals(2, j.get("skipped_rows").asLong());
        assertEquals(198, j.get("rows").asLong());
        assertEquals(1.3, j.get("params").get("b").asDouble(), 1e-9);
    }

    @Test
    void aTruncatedArrowFileIsExitCodeTwoWithAClearLine() throws IOException {
        Path f = dir.resolve("t.arrow");
        assertEquals(0, Run.of("gen", "decay", "--rows", "20000", "--out", f.toString()).code());
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(f) / 2);
        }
        Run r = Run.of("fit", "--data", f.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0", "--quiet");
        assertEquals(2, r.code());
        assertEquals(1, r.errorLines(), r.err());
        assertTrue(r.err().contains("truncated"), r.err());
    }
}
