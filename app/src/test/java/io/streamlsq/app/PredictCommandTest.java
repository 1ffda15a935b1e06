package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlsq.arrow.ArrowFileDataSource;
import io.streamlsq.arrow.ParquetDataSource;
import io.streamlsq.csv.CsvDataSource;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lsq predict} (issue 19 item 4). One fit of {@code a*exp(-b*u)+c} with the variable u bound to column x
 * ({@code --x u=x}, so the prediction must take the binding from the result JSON's {@code columns}) on 3 000 generated
 * rows; its predictions in CSV, Parquet and Arrow IPC are read back with the project's own readers and compared, row by
 * row, with the model and the delta-method band computed here by hand from the JSON's numbers: f = a e^(-b x) + c,
 * g = (e^(-b x), -a x e^(-b x), 1), se = sqrt(g' C g), t = scipy.stats.t.ppf(0.95, 2997) = 1.645362216585072.
 */
class PredictCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** scipy 1.17.1: {@code stats.t.ppf(0.95, 2997)} (the band at --level 0.9 of a fit of 3 000 rows, 3 parameters). */
    static final double T_0_95_2997 = 1.645362216585072;

    @TempDir
    static Path dir;
    static Path data;
    static Path result;

    @BeforeAll
    static void fit() {
        data = dir.resolve("decay.csv");
        Run gen = Run.of("gen", "decay", "--rows", "3000", "--out", data.toString(), "--seed", "3");
        assertEquals(0, gen.code(), gen.err());
        result = dir.resolve("result.json");
        Run fit = Run.of("fit", "--data", data.toString(), "--model", "a*exp(-b*u)+c", "--x", "u=x", "--p0",
                "a=1,b=0.5,c=0", "--quiet", "--out", result.toString());
        assertEquals(0, fit.code(), fit.err());
    }

    @Test
    void theResultJsonRecordsTheColumnsTheFitRead() throws IOException {
        JsonNode cols = JSON.readTree(result.toFile()).get("columns");
        assertEquals("x", cols.get("variables").get("u").asText());
        assertEquals("y", cols.get("y").asText());
        assertTrue(cols.get("sigma").isNull());
    }

    @Test
    void valuesResidualsAndBandEqualTheFormulasInEveryFormat() throws IOException {
        JsonNode r = JSON.readTree(result.toFile());
        double a = r.get("params").get("a").asDouble();
        double b = r.get("params").get("b").asDouble();
        double c = r.get("params").get("c").asDouble();
        double[][] cov = new double[3][3];
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < 3; k++) {
                cov[j][k] = r.get("covariance").get(j).get(k).asDouble();
            }
        }
        assertEquals(2997, r.get("dof").asLong());
        for (String ext : List.of("csv", "parquet", "arrow", "arrows")) {
            Path out = dir.resolve("pred." + ext);
            Run p = Run.of("predict", "--result", result.toString(), "--data", data.toString(), "--out", out.toString(),
                    "--level", "0.9");
            assertEquals(0, p.code(), ext + ": " + p.err());
            assertTrue(p.out().contains("wrote 3000 rows"), p.out());
            List<String> cols = List.of("x", "y", "model", "residual", "model_stderr", "lower", "upper");
            double[][] t = readBack(out, cols);
            assertEquals(3000, t[0].length, ext);
            double worstValue = 0;
            double worstSe = 0;
            for (int i = 0; i < t[0].length; i++) {
                double x = t[0][i];
                double e = Math.exp(-b * x);
                double f = a * e + c;
                double[] g = {e, -a * x * e, 1};
                double v = 0;
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 3; k++) {
                        v += g[j] * cov[j][k] * g[k];
                    }
                }
                double se = Math.sqrt(v);
                worstValue = Math.max(worstValue, Math.abs(t[2][i] - f) / Math.abs(f));
                assertEquals(t[1][i] - f, t[3][i], 1e-13 * Math.abs(f), ext + " residual, row " + i);
                worstSe = Math.max(worstSe, Math.abs(t[4][i] - se) / se);
                assertEquals(f - T_0_95_2997 * se, t[5][i], 1e-12 * Math.abs(f), ext + " lower, row " + i);
                assertEquals(f + T_0_95_2997 * se, t[6][i], 1e-12 * Math.abs(f), ext + " upper, row " + i);
            }
            assertTrue(worstValue < 1e-13, ext + ": model values differ from a e^(-b x) + c by " + worstValue);
            assertTrue(worstSe < 1e-10, ext + ": model_stderr differs from sqrt(g'Cg) by " + worstSe);
        }
        // the rows are the data's, in order
        double[][] in = readBack(data, List.of("x", "y"));
        double[][] csv = readBack(dir.resolve("pred.csv"), List.of("x", "y"));
        assertTrue(java.util.Arrays.equals(in[0], csv[0]) && java.util.Arrays.equals(in[1], csv[1]));
    }

    @Test
    void withoutBandOrResponseOnlyTheModelIsAdded() throws IOException {
        Path grid = dir.resolve("grid.csv");
        Files.writeString(grid, "x\n0\n0.5\n1\n");
        Path out = dir.resolve("grid-pred.csv");
        Run p = Run.of("predict", "--result", result.toString(), "--data", grid.toString(), "--out", out.toString(),
                "--no-residuals");
        assertEquals(0, p.code(), p.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("x,model", lines.get(0));
        JsonNode params = JSON.readTree(result.toFile()).get("params");
        double f = params.get("a").asDouble() * Math.exp(-params.get("b").asDouble() * 0.5) + params.get("c").asDouble();
        assertEquals(f, Double.parseDouble(lines.get(2).split(",")[1]), 1e-14 * f);
    }

    @Test
    void xAndYRebindTheColumns() throws IOException {
        Path renamed = dir.resolve("renamed.csv");
        Files.writeString(renamed, "t,obs\n0.5,2\n1.5,1\n");
        Path out = dir.resolve("renamed-pred.csv");
        Run p = Run.of("predict", "--result", result.toString(), "--data", renamed.toString(), "--out", out.toString(),
                "--x", "u=t", "--y", "obs");
        assertEquals(0, p.code(), p.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("t,obs,model,residual", lines.get(0));
        JsonNode params = JSON.readTree(result.toFile()).get("params");
        double f = params.get("a").asDouble() * Math.exp(-params.get("b").asDouble() * 1.5) + params.get("c").asDouble();
        String[] row = lines.get(2).split(",");
        assertEquals(f, Double.parseDouble(row[2]), 1e-14 * f);
        assertEquals(1 - f, Double.parseDouble(row[3]), 1e-14 * f);
    }

    @Test
    void anHdf5FitIsPredictedFromItsDatasetPathsOrRebound() throws IOException {
        Path h5 = io.streamlsq.testkit.SharedFiles.root().resolve("data").resolve("decay-h5py.h5");
        Path r = dir.resolve("h5.json");
        Run fit = Run.of("fit", "--data", h5.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0", "--x",
                "/data/x", "--y", "data/y", "--quiet", "--out", r.toString());
        assertEquals(0, fit.code(), fit.err());
        JsonNode params = JSON.readTree(r.toFile()).get("params");
        for (String[] extra : List.of(new String[0], new String[] {"--x", "x=data/x", "--y", "data/y"})) {
            Path out = dir.resolve("h5-pred" + extra.length + ".csv");
            List<String> args = new ArrayList<>(List.of("predict", "--result", r.toString(), "--data", h5.toString(),
                    "--out", out.toString()));
            args.addAll(List.of(extra));
            Run p = Run.of(args.toArray(String[]::new));
            assertEquals(0, p.code(), p.err());
            double[][] t = readBack(out, List.of("/data/x", "/data/y", "model", "residual"));
            assertEquals(100_000, t[0].length);
            for (int i = 0; i < t[0].length; i += 997) {
                double f = params.get("a").asDouble() * Math.exp(-params.get("b").asDouble() * t[0][i])
                        + params.get("c").asDouble();
                assertEquals(f, t[2][i], 1e-13 * Math.abs(f), "row " + i);
                assertEquals(t[1][i] - f, t[3][i], 1e-13 * Math.abs(f), "row " + i);
            }
        }
    }

    @Test
    void refusals() throws IOException {
        // a data file without the bound column
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "t,y\n1,2\n");
        Run missing = predict(other, dir.resolve("m.csv"));
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("variable u reads column 'x'") && missing.err().contains("columns: t, y")
                && missing.err().contains("--x u=COLUMN"), missing.err());
        // the response column missing
        Path noY = dir.resolve("noy.csv");
        Files.writeString(noY, "x\n1\n");
        Run y = predict(noY, dir.resolve("n.csv"));
        assertEquals(2, y.code());
        assertTrue(y.err().contains("response column 'y'") && y.err().contains("--no-residuals"), y.err());
        // unknown and unsupported extensions
        Run ext = predict(data, dir.resolve("p.txt"));
        assertEquals(2, ext.code());
        assertTrue(ext.err().contains("--out") && ext.err().contains("p.txt") && ext.err().contains("unknown format"),
                ext.err());
        Run h5 = predict(data, dir.resolve("p.h5"));
        assertEquals(2, h5.code());
        assertTrue(h5.err().contains("HDF5"), h5.err());
        // the output is the data
        Run same = predict(data, data);
        assertEquals(2, same.code());
        assertTrue(same.err().contains("same file as the data file"), same.err());
        // the result of another model: a name of the model text is no parameter, tie or variable of the result
        ObjectNode edited = (ObjectNode) JSON.readTree(result.toFile());
        edited.put("model", "a*exp(-b*u)+c*w");
        Path foreign = dir.resolve("foreign.json");
        JSON.writeValue(foreign.toFile(), edited);
        Run f = Run.of("predict", "--result", foreign.toString(), "--data", data.toString(), "--out",
                dir.resolve("f.csv").toString());
        assertEquals(2, f.code());
        assertTrue(f.err().contains("uses 'w'") && f.err().contains("not the result of this model"), f.err());
        // not a result JSON
        Path notResult = dir.resolve("config.json");
        Files.writeString(notResult, "{\"data\": \"x.csv\"}");
        Run nr = Run.of("predict", "--result", notResult.toString(), "--data", data.toString(), "--out",
                dir.resolve("g.csv").toString());
        assertEquals(2, nr.code());
        assertTrue(nr.err().contains("'format'") && nr.err().contains("streamlsq-result"), nr.err());
        // a band from an unknown covariance
        ObjectNode unknown = (ObjectNode) JSON.readTree(result.toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) unknown.get("covariance").get(1)).set(1,
                com.fasterxml.jackson.databind.node.NullNode.getInstance());
        Path nullCov = dir.resolve("nullcov.json");
        JSON.writeValue(nullCov.toFile(), unknown);
        Run band = Run.of("predict", "--result", nullCov.toString(), "--data", data.toString(), "--out",
                dir.resolve("h.csv").toString(), "--band");
        assertEquals(2, band.code());
        assertTrue(band.err().contains("unknown (null) for parameter b"), band.err());
        Run level = Run.of("predict", "--result", result.toString(), "--data", data.toString(), "--out",
                dir.resolve("i.csv").toString(), "--level", "95");
        assertEquals(2, level.code());
        assertTrue(level.err().contains("--level = 95.0 must be between 0 and 1"), level.err());
        // lsq demo's result has no model text
        Path demo = dir.resolve("demo.json");
        Run d = Run.of("demo", "--rows", "2000", "--out", demo.toString(), "--quiet");
        assertEquals(0, d.code(), d.err());
        Run fromDemo = Run.of("predict", "--result", demo.toString(), "--data", data.toString(), "--out",
                dir.resolve("j.csv").toString());
        assertEquals(2, fromDemo.code());
        assertTrue(fromDemo.err().contains("has no 'model' text"), fromDemo.err());
        for (String name : List.of("m.csv", "n.csv", "p.txt", "f.csv", "g.csv", "h.csv", "i.csv", "j.csv")) {
            assertFalse(Files.exists(dir.resolve(name)), name + " was written by a refused run");
        }
    }

    @Test
    void aTieIsRebuiltFromTheResult() throws IOException {
        Path tied = dir.resolve("tied.json");
        Run fit = Run.of("fit", "--data", data.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5",
                "--tie", "c=a/5", "--quiet", "--out", tied.toString());
        assertEquals(0, fit.code(), fit.err());
        Path out = dir.resolve("tied.csv");
        Run p = Run.of("predict", "--result", tied.toString(), "--data", data.toString(), "--out", out.toString());
        assertEquals(0, p.code(), p.err());
        JsonNode params = JSON.readTree(tied.toFile()).get("params");
        double a = params.get("a").asDouble();
        double b = params.get("b").asDouble();
        double[][] t = readBack(out, List.of("x", "model"));
        for (int i = 0; i < t[0].length; i++) {
            double f = a * Math.exp(-b * t[0][i]) + a / 5;
            assertEquals(f, t[1][i], 1e-13 * Math.abs(f), "row " + i);
        }
    }

    private static Run predict(Path data, Path out) {
        return Run.of("predict", "--result", result.toString(), "--data", data.toString(), "--out", out.toString());
    }

    /** The columns of a CSV, Parquet or Arrow IPC file, read by the project's readers. */
    static double[][] readBack(Path file, List<String> cols) throws IOException {
        String name = file.getFileName().toString();
        try (BufferAllocator allocator = new RootAllocator(1L << 30)) {
            DataSource s = name.endsWith(".csv") ? new CsvDataSource(file, 1000, InvalidRows.REFUSE)
                    : name.endsWith(".parquet") ? ParquetDataSource.open(file, InvalidRows.REFUSE, 1000)
                    : name.endsWith(".arrows") ? io.streamlsq.arrow.ArrowStreamDataSource.open(file, allocator,
                            InvalidRows.REFUSE, 1000)
                    : ArrowFileDataSource.open(file, allocator, InvalidRows.REFUSE, 1000);
            try (s) {
                List<List<Double>> v = new ArrayList<>();
                cols.forEach(c -> v.add(new ArrayList<>()));
                try (ChunkCursor cur = s.open(cols, 0)) {
                    for (Chunk ch = cur.next(); ch != null; ch = cur.next()) {
                        for (int i = 0; i < ch.rows(); i++) {
                            for (int k = 0; k < cols.size(); k++) {
                                v.get(k).add(ch.get(k, i));
                            }
                        }
                    }
                }
                double[][] out = new double[cols.size()][];
                for (int k = 0; k < cols.size(); k++) {
                    out[k] = v.get(k).stream().mapToDouble(Double::doubleValue).toArray();
                }
                return out;
            }
        }
    }
}
