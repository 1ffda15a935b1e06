package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamlsq.arrow.ArrowFileDataSource;
import io.streamlsq.arrow.ArrowWriters;
import io.streamlsq.arrow.ParquetDataSource;
import io.streamlsq.csv.CsvDataSource;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lsq fit --group-by: formats in and out, start tables, refusals, agreement with scipy, kill and resume. */
class GroupedCliTest {
    static final String MODEL = "a*exp(-b*x)+c";
    /** Numeric columns of the results table for parameters a, b, c. */
    static final List<String> NUMERIC = List.of("id", "a", "a_stderr", "b", "b_stderr", "c", "c_stderr", "cost", "ssr",
            "rows", "iterations", "evaluations");

    @TempDir
    Path tmp;

    /**
     * {@code groups} decay curves of 30 rows (id = 10·g, x on [0, 4], sigma 0.01); group 3 has 2 rows only (fails),
     * group 5 has x all equal (b cannot be determined).
     */
    static Map<String, double[]> groups(int groups, long seed) {
        List<double[]> rows = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(seed);
        for (int g = 0; g < groups; g++) {
            double a = 1 + r.nextDouble();
            double b = 0.5 + r.nextDouble();
            double c = 0.2 * r.nextDouble();
            int n = g == 3 ? 2 : 30;
            for (int i = 0; i < n; i++) {
                double x = g == 5 ? 1.0 : 4.0 * i / (n - 1);
                rows.add(new double[] {10.0 * g, x, a * Math.exp(-b * x) + c + 0.01 * r.nextGaussian(), 0.01});
            }
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        String[] names = {"id", "x", "y", "sigma"};
        for (int k = 0; k < 4; k++) {
            final int kk = k;
            m.put(names[k], rows.stream().mapToDouble(v -> v[kk]).toArray());
        }
        return m;
    }

    static void writeCsv(Path file, Map<String, double[]> m) throws IOException {
        StringBuilder b = new StringBuilder(String.join(",", m.keySet())).append('\n');
        int n = m.values().iterator().next().length;
        for (int i = 0; i < n; i++) {
            int k = 0;
            for (double[] col : m.values()) {
                b.append(k++ > 0 ? "," : "").append(col[i]);
            }
            b.append('\n');
        }
        Files.writeString(file, b.toString());
    }

    static List<String> fitArgs(Path data, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("fit", "--data", data.toString(), "--model", MODEL, "--p0",
                "a=1,b=1,c=0", "--group-by", "id", "--sigma", "sigma", "--out", out.toString(), "--quiet"));
        a.addAll(List.of(more));
        return a;
    }

    static double[][] read(DataSource s, List<String> cols) throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (ChunkCursor c = s.open(cols, 0)) {
            for (Chunk ch = c.next(); ch != null; ch = c.next()) {
                for (int i = 0; i < ch.rows(); i++) {
                    double[] row = new double[cols.size()];
                    for (int k = 0; k < row.length; k++) {
                        row[k] = ch.get(k, i);
                    }
                    rows.add(row);
                }
            }
        }
        return rows.toArray(double[][]::new);
    }

    static void assertSameBits(double[][] a, double[][] b, String what) {
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                assertEquals(Double.doubleToLongBits(a[i][k]), Double.doubleToLongBits(b[i][k]),
                        what + " row " + i + " column " + NUMERIC.get(k) + ": " + a[i][k] + " vs " + b[i][k]);
            }
        }
    }

    /** status and message of every row of the Parquet file, read by parquet-mr (not Arrow's C++ writer's code). */
    static List<String[]> parquetText(Path file, int[] numericOut, double[][] numeric) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (org.apache.parquet.hadoop.ParquetFileReader r = new org.apache.parquet.hadoop.ParquetFileReader(
                new org.apache.parquet.io.LocalInputFile(file), org.apache.parquet.ParquetReadOptions.builder(
                        new org.apache.parquet.conf.PlainParquetConfiguration()).build())) {
            org.apache.parquet.schema.MessageType schema = r.getFooter().getFileMetaData().getSchema();
            org.apache.parquet.column.page.PageReadStore pages;
            int row = 0;
            while ((pages = r.readNextRowGroup()) != null) {
                org.apache.parquet.io.RecordReader<org.apache.parquet.example.data.Group> rr =
                        new org.apache.parquet.io.ColumnIOFactory().getColumnIO(schema).getRecordReader(pages,
                                new org.apache.parquet.example.data.simple.convert.GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    org.apache.parquet.example.data.Group g = rr.read();
                    out.add(new String[] {g.getString("status", 0), g.getString("message", 0)});
                    for (int k = 0; k < NUMERIC.size(); k++) {
                        String name = NUMERIC.get(k);
                        numeric[row][k] = k >= 9 ? g.getLong(name, 0) : g.getDouble(name, 0);
                    }
                    row++;
                }
            }
            numericOut[0] = row;
        }
        return out;
    }

    /** The CSV's numeric columns, parsed with Double.parseDouble (NaN included). */
    static double[][] csvNumbers(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(String.join(",", NUMERIC), lines.get(0).substring(0, lines.get(0).indexOf(",status")));
        double[][] out = new double[lines.size() - 1][NUMERIC.size()];
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", NUMERIC.size() + 1);
            for (int k = 0; k < NUMERIC.size(); k++) {
                out[i - 1][k] = Double.parseDouble(f[k]);
            }
        }
        return out;
    }

    /** The CSV's status and message columns (the message may be quoted). */
    static List<String[]> csvText(Path file) throws IOException {
        List<String[]> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String l : lines.subList(1, lines.size())) {
            int cut = 0;
            for (int k = 0; k < 12; k++) {
                cut = l.indexOf(',', cut) + 1;
            }
            String rest = l.substring(cut);
            int comma = rest.indexOf(',');
            String msg = rest.substring(comma + 1);
            if (msg.startsWith("\"")) {
                msg = msg.substring(1, msg.length() - 1).replace("\"\"", "\"");
            }
            out.add(new String[] {rest.substring(0, comma), msg});
        }
        return out;
    }

    @Test
    void everyInputFormatGivesTheSameTableInEveryOutputFormat() throws Exception { // groups cross the 97-row batches
        Map<String, double[]> m = groups(40, 1);
        Path csv = tmp.resolve("in.csv");
        writeCsv(csv, m);
        Path arrow = tmp.resolve("in.arrow");
        Path parquet = tmp.resolve("in.parquet");
        Path stream = tmp.resolve("in.arrows");
        Path h5 = tmp.resolve("in.h5");
        try (BufferAllocator a = new RootAllocator()) {
            ArrowWriters.writeFile(new InMemoryDataSource(m, 97), List.copyOf(m.keySet()), arrow, 97, a);
            ArrowWriters.writeParquet(new InMemoryDataSource(m, 97), List.copyOf(m.keySet()), parquet, 97, a);
            ArrowWriters.writeStream(new InMemoryDataSource(m, 97), List.copyOf(m.keySet()), stream, 97, a);
        }
        io.streamlsq.hdf5.Hdf5Writer.write(h5, m);
        Path reference = tmp.resolve("ref.csv");
        Run ref = Run.of(fitArgs(csv, reference, "--threads", "1").toArray(String[]::new));
        assertEquals(0, ref.code(), ref.err());
        assertTrue(ref.out().contains("groups             = 40 (by id)") && ref.out().contains("failed             = 1")
                && ref.out().contains("singular           = 1"), ref.out());
        assertTrue(ref.out().contains("key 30 (failed): the group has 2 rows but 3 free parameters"), ref.out());
        assertTrue(ref.out().contains("key 50 (singular)"), ref.out());
        byte[] refBytes = Files.readAllBytes(reference);
        for (Path in : List.of(arrow, stream, parquet, h5)) {
            Path out = tmp.resolve("from-" + in.getFileName() + ".csv");
            List<String> args = in == h5
                    ? List.of("fit", "--data", h5.toString(), "--model", MODEL, "--p0", "a=1,b=1,c=0", "--x", "data/x",
                            "--y", "data/y", "--sigma", "data/sigma", "--group-by", "data/id", "--out", out.toString(),
                            "--quiet", "--threads", "2")
                    : fitArgs(in, out, "--threads", "2");
            Run r = Run.of(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            String body = Files.readString(out);
            String refBody = new String(refBytes, StandardCharsets.UTF_8);
            if (in == h5) { // the key column is named by its dataset path
                body = body.replaceFirst("^data/id,", "id,");
            }
            assertEquals(refBody, body, "results from " + in.getFileName());
        }
        Path outArrow = tmp.resolve("out.arrow");
        Path outParquet = tmp.resolve("out.parquet");
        assertEquals(0, Run.of(fitArgs(csv, outArrow).toArray(String[]::new)).code());
        assertEquals(0, Run.of(fitArgs(csv, outParquet).toArray(String[]::new)).code());
        double[][] fromCsv = csvNumbers(reference);
        assertEquals(40, fromCsv.length);
        double[][] pq = new double[40][NUMERIC.size()];
        int[] n = new int[1];
        List<String[]> text = parquetText(outParquet, n, pq);
        assertEquals(40, n[0]);
        assertSameBits(fromCsv, pq, "Parquet read by parquet-mr");
        // the project's readers refuse or skip rows with NaN (the failed and the singular group): compared without them
        double[][] finite = java.util.Arrays.stream(fromCsv).filter(r -> java.util.Arrays.stream(r).allMatch(
                Double::isFinite)).toArray(double[][]::new);
        assertEquals(38, finite.length);
        try (CsvDataSource s = new CsvDataSource(reference, 1000, InvalidRows.SKIP)) {
            assertSameBits(finite, read(s, NUMERIC), "CSV read by CsvDataSource");
        }
        try (BufferAllocator a = new RootAllocator();
                ArrowFileDataSource s = ArrowFileDataSource.open(outArrow, a, InvalidRows.SKIP)) {
            assertSameBits(finite, read(s, NUMERIC), "Arrow IPC file read by ArrowFileDataSource");
        }
        try (ParquetDataSource s = ParquetDataSource.open(outParquet, InvalidRows.SKIP)) {
            assertSameBits(finite, read(s, NUMERIC), "Parquet read by ParquetDataSource");
        }
        List<String[]> csvText = csvText(reference);
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(csvText.get(i), text.get(i), "status and message of row " + i);
        }
        assertEquals("failed", text.get(3)[0]);
        assertEquals("singular", text.get(5)[0]);
        try (BufferAllocator a = new RootAllocator();
                org.apache.arrow.vector.ipc.ArrowFileReader r = new org.apache.arrow.vector.ipc.ArrowFileReader(
                        java.nio.channels.FileChannel.open(outArrow), a)) {
            int row = 0;
            while (r.loadNextBatch()) {
                org.apache.arrow.vector.VarCharVector st = (org.apache.arrow.vector.VarCharVector) r.getVectorSchemaRoot()
                        .getVector("status");
                org.apache.arrow.vector.VarCharVector msg = (org.apache.arrow.vector.VarCharVector) r
                        .getVectorSchemaRoot().getVector("message");
                for (int i = 0; i < st.getValueCount(); i++, row++) {
                    assertEquals(csvText.get(row)[0], new String(st.get(i), StandardCharsets.UTF_8));
                    assertEquals(csvText.get(row)[1], new String(msg.get(i), StandardCharsets.UTF_8));
                }
            }
            assertEquals(40, row);
        }
        assertFalse(Files.list(tmp).anyMatch(p -> p.getFileName().toString().contains(".tmp")
                || p.getFileName().toString().contains(".parts")), "no temporary file is left");
    }

    @Test
    void aKeyThatComesBackIsRefusedWithExit2AndNoTable() throws IOException {
        Map<String, double[]> m = groups(6, 2);
        double[] id = m.get("id");
        for (int i = 0; i < id.length; i++) {
            if (id[i] == 40) {
                id[i] = 10; // group 4 (rows 92..121) takes group 1's key
            }
        }
        Path csv = tmp.resolve("shuffled.csv");
        writeCsv(csv, m);
        Path out = tmp.resolve("res.parquet");
        Run r = Run.of(fitArgs(csv, out).toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("group key 10 (column 'id') reappears at row 92 after other groups; its first rows"
                + " start at row 30"), r.err());
        assertFalse(Files.exists(out));
        assertEquals(List.of("shuffled.csv"), Files.list(tmp).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void startTablesGiveStartsAndBoundsPerGroupAndAMissingKeyIsNamed() throws IOException {
        Map<String, double[]> m = groups(12, 3);
        Path csv = tmp.resolve("in.csv");
        writeCsv(csv, m);
        StringBuilder t = new StringBuilder("id,a,b,b_lo,b_hi\n");
        for (int g = 0; g < 12; g++) {
            t.append(10 * g).append(",1.5,").append(g == 7 ? "0.4,0.2,0.45" : "1.0,0.2,3").append('\n');
        }
        Path table = tmp.resolve("starts.csv");
        Files.writeString(table, t.toString());
        Path out = tmp.resolve("res.csv");
        Run r = Run.of(fitArgs(csv, out, "--p0-table", table.toString()).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        double[][] res = csvNumbers(out);
        Path shared = tmp.resolve("shared.csv");
        assertEquals(0, Run.of(fitArgs(csv, shared).toArray(String[]::new)).code());
        double[][] free = csvNumbers(shared);
        assertEquals(0.45, res[7][3], 0.0, "group 7's b (truth >= 0.5) is held at its own upper bound 0.45");
        assertTrue(free[7][3] > 0.5, "without the table it is not");
        for (int g : new int[] {0, 1, 8, 11}) { // the other groups reach the minimum they reach from the shared start
            for (int k = 1; k <= 5; k += 2) {
                assertEquals(free[g][k], res[g][k], 1e-7 * Math.abs(free[g][k]) + 1e-9, "group " + g + " column " + k);
            }
        }
        Files.writeString(table, t.toString().replace("\n110,", "\n111,"));
        Run missing = Run.of(fitArgs(csv, tmp.resolve("res2.csv"), "--p0-table", table.toString()).toArray(String[]::new));
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("group key 110 has no row in the start table --p0-table " + table), missing.err());
        assertFalse(Files.exists(tmp.resolve("res2.csv")));
        Files.writeString(table, "id,a,q_lo\n0,1,2\n");
        Run unknown = Run.of(fitArgs(csv, tmp.resolve("res3.csv"), "--p0-table", table.toString()).toArray(String[]::new));
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("column(s) q_lo are neither the key 'id' nor a parameter"), unknown.err());
        Run json = Run.of(fitArgs(csv, tmp.resolve("res.json")).toArray(String[]::new));
        assertEquals(2, json.code());
        assertTrue(json.err().contains("name it .csv, .arrow or .parquet"), json.err());
    }

    /**
     * Ties, a penalty row and a robust loss act per group as in a single fit: each of three groups' row equals
     * {@code lsq fit} on that group's rows alone with the same options (cost 1e-12, values 1e-7).
     */
    @Test
    void tiesPenaltiesAndLossesActPerGroupAsInASingleFit() throws Exception {
        Map<String, double[]> m = groups(8, 6);
        Path csv = tmp.resolve("in.csv");
        writeCsv(csv, m);
        String[] same = {"--model", "a*exp(-b*x)+c", "--tie", "c=0.1*a", "--penalty", "(b-1)/0.5", "--loss", "soft_l1",
            "--f-scale", "2", "--sigma", "sigma", "--p0", "a=1,b=1", "--quiet"};
        Path out = tmp.resolve("res.csv");
        List<String> args = new ArrayList<>(List.of("fit", "--data", csv.toString(), "--group-by", "id", "--out",
                out.toString()));
        args.addAll(List.of(same));
        Run r = Run.of(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("id,a,a_stderr,b,b_stderr,cost,ssr,rows,iterations,evaluations,status,message", lines.get(0));
        for (int g : new int[] {0, 4, 7}) {
            Map<String, double[]> one = new LinkedHashMap<>();
            double[] id = m.get("id");
            int from = 0;
            while (id[from] != 10 * g) {
                from++;
            }
            int to = from;
            while (to < id.length && id[to] == 10 * g) {
                to++;
            }
            for (Map.Entry<String, double[]> e : m.entrySet()) {
                one.put(e.getKey(), java.util.Arrays.copyOfRange(e.getValue(), from, to));
            }
            Path single = tmp.resolve("g" + g + ".csv");
            writeCsv(single, one);
            Path json = tmp.resolve("g" + g + ".json");
            List<String> a = new ArrayList<>(List.of("fit", "--data", single.toString(), "--out", json.toString()));
            a.addAll(List.of(same));
            Run s1 = Run.of(a.toArray(String[]::new));
            assertEquals(0, s1.code(), s1.err());
            com.fasterxml.jackson.databind.JsonNode j = KillResumeTest.JSON.readTree(json.toFile());
            String[] f = lines.get(1 + g).split(",");
            double cost = j.get("cost").asDouble();
            assertEquals(cost, Double.parseDouble(f[5]), 1e-12 * cost, "group " + g + " cost");
            assertEquals(j.get("params").get("a").asDouble(), Double.parseDouble(f[1]), 1e-7, "group " + g + " a");
            assertEquals(j.get("params").get("b").asDouble(), Double.parseDouble(f[3]), 1e-7, "group " + g + " b");
            assertEquals(j.get("stderr").get("b").asDouble(), Double.parseDouble(f[4]),
                    1e-5 * j.get("stderr").get("b").asDouble(), "group " + g + " b's error");
        }
    }

    /** A sample of groups against scipy's least_squares (method lm, the same data and start). */
    @Test
    void groupsAgreeWithScipy() throws Exception {
        String python = System.getProperty("streamlsq.python", "python3");
        assumeTrue(io.streamlsq.testkit.Scipy.available(python), python + " with scipy is not available");
        Map<String, double[]> m = groups(25, 4);
        Path csv = tmp.resolve("in.csv");
        writeCsv(csv, m);
        Path out = tmp.resolve("res.csv");
        assertEquals(0, Run.of(fitArgs(csv, out, "--absolute-sigma").toArray(String[]::new)).code());
        String script = String.join("\n",
                "import sys, numpy as np",
                "from scipy.optimize import least_squares",
                "d = np.genfromtxt(sys.argv[1], delimiter=',', names=True)",
                "for g in [0, 1, 2, 4, 6, 9, 13, 17, 24]:",
                "    s = d[d['id'] == 10 * g]",
                "    x, y, w = s['x'], s['y'], 1 / s['sigma']",
                "    f = lambda p: (p[0] * np.exp(-p[1] * x) + p[2] - y) * w",
                "    def j(p):",
                "        e = np.exp(-p[1] * x)",
                "        return np.column_stack([e * w, -p[0] * x * e * w, w])",
                "    r = least_squares(f, [1.0, 1.0, 0.0], jac=j, method='lm', xtol=1e-15, ftol=1e-15, gtol=1e-15)",
                "    cov = np.linalg.inv(r.jac.T @ r.jac)",
                "    print(g, *r.x, *np.sqrt(np.diag(cov)), r.cost)");
        Process p = new ProcessBuilder(python, "-c", script, csv.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), text);
        double[][] res = csvNumbers(out);
        int compared = 0;
        for (String line : text.strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            int g = Integer.parseInt(f[0]);
            double[] row = res[g];
            for (int k = 0; k < 3; k++) {
                double v = Double.parseDouble(f[1 + k]);
                double e = Double.parseDouble(f[4 + k]);
                assertEquals(v, row[1 + 2 * k], 1e-7 * Math.max(1, Math.abs(v)), "group " + g + " parameter " + k);
                assertEquals(e, row[2 + 2 * k], 1e-6 * e, "group " + g + " stderr " + k);
            }
            double cost = Double.parseDouble(f[7]);
            assertEquals(cost, row[7], 1e-10 * cost, "group " + g + " cost");
            compared++;
        }
        assertEquals(9, compared);
    }

    /**
     * A child JVM halted (as by SIGKILL) right after its 3rd checkpoint, every 5 groups; lsq resume on one thread writes a
     * table with the bits of an uninterrupted run on two.
     */
    @Test
    void killedAndResumedRunsWriteTheUninterruptedTable() throws Exception {
        Map<String, double[]> m = groups(300, 5);
        Path csv = tmp.resolve("in.csv");
        writeCsv(csv, m);
        for (String ext : List.of("csv")) {
            Path whole = tmp.resolve("whole." + ext);
            assertEquals(0, Run.of(fitArgs(csv, whole, "--threads", "2").toArray(String[]::new)).code());
            for (int halt : new int[] {3}) {
                Path dir = tmp.resolve("ck-" + ext + "-" + halt);
                Path out = tmp.resolve("resumed-" + halt + "." + ext);
                List<String> args = fitArgs(csv, out, "--threads", "2", "--checkpoint-dir", dir.toString(),
                        "--checkpoint-groups", "5");
                Path log = tmp.resolve("log-" + ext + halt);
                Process p = KillResumeTest.start(args, log, "-D" + HaltAfterCheckpoint.PROPERTY + "=" + halt);
                assertEquals(HaltAfterCheckpoint.STATUS, p.waitFor(), Files.readString(log));
                assertFalse(Files.exists(out), "a killed run leaves no table");
                Run r = Run.of("resume", dir.toString(), "--threads", "1", "--quiet");
                assertEquals(0, r.code(), r.err());
                assertTrue(r.out().contains("resumed            = "), r.out());
                assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(out), ext + " after a halt at checkpoint "
                        + halt);
            }
        }
    }

    /**
     * SIGTERM once the first checkpoint is written: the run checkpoints at the next group, exits with 130 and leaves no
     * table; lsq resume writes the uninterrupted run's Arrow file, byte for byte.
     */
    @Test
    void sigtermCheckpointsAndStopsAndTheResumeWritesTheSameTable() throws Exception {
        Map<String, double[]> m = groups(6_000, 7);
        Path data = tmp.resolve("in.arrow");
        try (BufferAllocator a = new RootAllocator()) {
            ArrowWriters.writeFile(new InMemoryDataSource(m, 65_536), List.copyOf(m.keySet()), data, 65_536, a);
        }
        Path whole = tmp.resolve("whole.arrow");
        assertEquals(0, Run.of(fitArgs(data, whole, "--threads", "2").toArray(String[]::new)).code());
        Path dir = tmp.resolve("ck");
        Path out = tmp.resolve("stopped.arrow");
        Path log = tmp.resolve("term.log");
        Process p = KillResumeTest.start(fitArgs(data, out, "--threads", "2", "--checkpoint-dir", dir.toString(),
                "--checkpoint-groups", "100"), log);
        Path state = dir.resolve(GroupedCheckpoint.STATE);
        while (p.isAlive() && !(Files.exists(state) && !Files.readString(state).contains("\"groups_done\" : 0,"))) {
            Thread.sleep(2);
        }
        assertTrue(p.isAlive(), "the run ended before the signal: use more groups. " + Files.readString(log));
        assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
        assertEquals(Lsq.INTERRUPTED, p.waitFor(), Files.readString(log));
        String err = Files.readString(log);
        assertTrue(err.contains("lsq: SIGTERM: writing a checkpoint") && err.contains("lsq resume " + dir), err);
        assertFalse(Files.exists(out), "a stopped run leaves no table");
        Run r = Run.of("resume", dir.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resumed            = "), r.out());
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(out));
    }
}
