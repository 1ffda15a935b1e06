package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.testkit.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path decay;

    @BeforeAll
    static void generate() {
        decay = dir.resolve("decay.csv");
        Run r = Run.of("gen", "decay", "--rows", "20000", "--out", decay.toString(), "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 20000 rows"), r.out());
    }

    @Test
    void fitsAGeneratedFileAndWritesTheResultJson() throws IOException {
        Path out = dir.resolve("result.json");
        Run r = Run.of("fit", "--data", decay.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0",
                "--out", out.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[[Variables]]") && r.out().contains("C(a, b)"), r.out());
        JsonNode j = JSON.readTree(out.toFile());
        assertEquals("streamlsq-result", j.get("format").asText());
        assertEquals(1, j.get("version").asInt());
        assertEquals("converged", j.get("status").asText());
        assertEquals(List.of("a", "b", "c"), List.copyOf(iterable(j.get("params").fieldNames())));
        assertEquals(2.5, j.get("params").get("a").asDouble(), 0.01);
        assertEquals(1.3, j.get("params").get("b").asDouble(), 0.01);
        for (String key : List.of("stderr", "covariance", "correlation", "cost", "ssr", "rows", "dof", "reduced_chi2",
                "passes", "rows_evaluated", "iterations", "phases", "seconds", "resumed")) {
            assertTrue(j.has(key), "result JSON lacks " + key);
        }
        assertEquals(20000, j.get("rows").asLong());
        assertEquals(19997, j.get("dof").asLong());
        assertEquals(j.get("ssr").asDouble() / 2, j.get("cost").asDouble(), 1e-9);
        assertEquals(3, j.get("covariance").size());
        assertTrue(j.get("rows_evaluated").asLong() >= j.get("passes").asLong() * 20000);
        assertTrue(j.get("iterations").get("gauss_newton").asInt() > 0);
        assertFalse(r.err().contains("\r"), "no progress bar when stderr is not a terminal");
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    @Test
    void fitsTheCsvThatPandasWroteToTheReferenceFit() throws IOException {
        Path data = SharedFiles.root().resolve("data");
        JsonNode expected = JSON.readTree(data.resolve("expected.json").toFile()).get("decay-pandas.csv");
        Path out = dir.resolve("pandas.json");
        Run r = Run.of("fit", "--data", data.resolve("decay-pandas.csv").toString(), "--model",
                expected.get("model").asText(), "--p0", "a=1,b=0.5,c=0", "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode params = JSON.readTree(out.toFile()).get("params");
        for (String p : List.of("a", "b", "c")) {
            double ref = expected.get("reference_fit").get(p).asDouble();
            assertEquals(ref, params.get(p).asDouble(), 1e-6 * Math.abs(ref), p);
        }
        assertEquals(expected.get("reference_ssr").asDouble(), JSON.readTree(out.toFile()).get("ssr").asDouble(), 1e-8);
    }

    @Test
    void aConfigFileGivesTheSameNamesAndTheCommandLineOverridesIt() throws IOException {
        Path cfg = dir.resolve("fit.yaml");
        Files.writeString(cfg, "data: " + decay + "\nmodel: a*exp(-b*x)+c\np0: {a: 1, b: 0.5, c: 0}\n"
                + "bounds: {c: [-0.6, 0.6]}\nmax_passes: 2\nquiet: true\n");
        Run limited = Run.of("fit", "--config", cfg.toString());
        assertEquals(3, limited.code(), "max_passes from the file: " + limited.out() + limited.err());
        assertTrue(limited.out().contains("max_passes"), limited.out());
        Run overridden = Run.of("fit", "--config", cfg.toString(), "--max-passes", "100");
        assertEquals(0, overridden.code(), overridden.err());
        Path json = dir.resolve("fit.json");
        Files.writeString(json, "{\"data\": \"" + decay + "\", \"model\": \"a*exp(-b*x)+c\", \"p0\": \"a=1,b=0.5,c=0\", \"fix\": [\"c\"]}");
        Run fromJson = Run.of("fit", "--config", json.toString(), "--quiet");
        assertEquals(0, fromJson.code(), fromJson.err());
        assertTrue(fromJson.out().contains("(fixed)"), fromJson.out());
        Files.writeString(cfg, "data: x.csv\nmodle: a\n");
        Run typo = Run.of("fit", "--config", cfg.toString());
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("unknown setting 'modle'"), typo.err());
    }

    @Test
    void aScheduleInTheConfigFileRunsItsPhasesInOrder() throws IOException {
        Path cfg = dir.resolve("schedule.yaml");
        Path out = dir.resolve("schedule.json");
        Files.writeString(cfg, "data: " + decay + "\nmodel: a*exp(-b*x)+c\np0: {a: 1, b: 0.5, c: 0}\nquiet: true\n"
                + "out: " + out + "\n"
                + "schedule:\n"
                + "  - {name: offset, kind: warmup, max_iterations: 30, freeze: {'*': true, c: false}}\n"
                + "  - name: all\n    kind: gauss_newton\n    freeze: {'**': false}\n    seed: 5\n"
                + "    set: {a: {uniform: [2, 3]}, b: {value: 1.0}}\n"
                + "    plateau: {mode: relative, criterion: 1.0e-9}\n");
        Run r = Run.of("fit", "--config", cfg.toString());
        assertTrue(r.code() == 0 || r.code() == 3, r.out() + r.err());
        assertTrue(r.out().contains("# schedule") && r.out().contains("offset") && r.out().contains("all"), r.out());
        JsonNode j = JSON.readTree(out.toFile());
        JsonNode phases = j.get("schedule");
        assertEquals(2, phases.size());
        assertEquals("warmup", phases.get(0).get("kind").asText());
        assertEquals("completed", phases.get(0).get("state").asText());
        assertTrue(phases.get(0).get("steps").asInt() > 0 && phases.get(0).get("steps").asInt() <= 30, phases.toString());
        assertEquals("gauss_newton", phases.get(1).get("kind").asText());
        assertEquals(2.5, j.get("params").get("a").asDouble(), 0.01);
        assertEquals(1.3, j.get("params").get("b").asDouble(), 0.01);
        // the same fit without a schedule reaches the same minimum
        Path plain = dir.resolve("plain.json");
        assertEquals(0, Run.of("fit", "--data", decay.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0",
                "--out", plain.toString(), "--quiet").code());
        JsonNode p = JSON.readTree(plain.toFile());
        for (String k : List.of("a", "b", "c")) {
            assertEquals(p.get("params").get(k).asDouble(), j.get("params").get(k).asDouble(),
                    3 * p.get("stderr").get(k).asDouble(), k);
        }
    }

    @Test
    void theWarmupMethodCanBeAdam() throws IOException {
        Path out = dir.resolve("adam.json");
        Run r = Run.of("fit", "--data", decay.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=10,b=0.05,c=-3",
                "--warmup", "--warmup-method", "adam", "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode j = JSON.readTree(out.toFile());
        assertTrue(j.get("iterations").get("warmup").asInt() > 0, j.toString());
        assertEquals(2.5, j.get("params").get("a").asDouble(), 0.01);
        Run bad = Run.of("fit", "--data", decay.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0",
                "--warmup", "--warmup-method", "sgd");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--warmup-method 'sgd' is not one of lbfgs, adam"), bad.err());
    }

    @Test
    void aBadScheduleIsRefusedWithItsPhaseAndKeyNamed() throws IOException {
        Path cfg = dir.resolve("bad-schedule.yaml");
        String head = "data: " + decay + "\nmodel: a*exp(-b*x)+c\np0: {a: 1, b: 0.5, c: 0}\nquiet: true\nschedule:\n";
        String[][] cases = {
                {"  - {kind: adam}\n", "schedule phase 0 ('phase 0'): kind 'adam' is not warmup or gauss_newton"},
                {"  - {name: w, kind: warmup, freeze: {width: true}}\n", "pattern 'width' matches no parameter"},
                {"  - {kind: gauss_newton, max_iterations: 3}\n", "max_iterations is for warmup phases"},
                {"  - {kind: gauss_newton, plateau: {criterion: -1}}\n", "plateau criterion = -1.0: must be positive"},
                {"  - {kind: gauss_newton, frezee: {a: true}}\n", "unknown key 'frezee'"},
                {"  []\n", "schedule: must be a non-empty list"},
                {"  - {name: r, kind: gauss_newton, set: {a: {normal: [2, 0.1]}}}\n", "phase 'r': set a: a random initial value needs a seed"},
                {"  - {kind: gauss_newton, set: {a: {gamma: [2, 0.1]}}}\n", "must be a number, {value: x}, {normal: [mean, std]} or {uniform: [lo, hi]}"},
        };
        for (String[] c : cases) {
            Files.writeString(cfg, head + c[0]);
            Run r = Run.of("fit", "--config", cfg.toString());
            assertEquals(2, r.code(), c[0] + ": " + r.out() + r.err());
            assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
        }
    }

    @Test
    void fitsSyntheticDataAndNamedVariableBindings() {
        Run r = Run.of("fit", "--data", "synthetic:decay:50000:4", "--model", "A*exp(-k*t) + base", "--x", "t=x",
                "--p0", "A=1,k=0.5,base=0", "--bounds", "k=0:", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("A:") && r.out().contains("k:"), r.out());
    }

    @Test
    void theWarmupRunsOnRequestAndIsReported() throws IOException {
        Path out = dir.resolve("warm.json");
        Run r = Run.of("fit", "--data", "synthetic:decay:300000:3", "--model", "a*exp(-b*x)+c", "--p0", "a=10,b=0.05,c=-3",
                "--warmup", "--warmup-sample-rows", "1e5", "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("# warmup outcome"), r.out());
        JsonNode j = JSON.readTree(out.toFile());
        assertTrue(j.get("iterations").get("warmup").asInt() > 0, j.toString());
        assertTrue(j.get("warmup").get("guards").has("step_exploration"), j.get("warmup").toString());
    }

    @Test
    void theMetricsFileIsPrometheusTextWithTheFitsMeters() throws IOException {
        Path metrics = dir.resolve("m.prom");
        Run r = Run.of("fit", "--data", "synthetic:decay:200000:3", "--model", "a*exp(-b*x)+c", "--p0", "a=10,b=0.05,c=-3",
                "--warmup", "--warmup-sample-rows", "1e5", "--chunk-rows", "20000", "--quiet", "--metrics-file", metrics.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(metrics);
        java.util.regex.Pattern sample = java.util.regex.Pattern.compile(
                "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? (-?[0-9.]+([eE][-+]?[0-9]+)?|NaN|[-+]Inf)");
        for (String l : lines) {
            assertTrue(l.isEmpty() || l.startsWith("#") || sample.matcher(l).matches(), "not Prometheus text: " + l);
        }
        String text = String.join("\n", lines);
        for (String meter : List.of("lsq_passes_total", "lsq_rows_total", "lsq_pass_seconds_count", "lsq_chunk_seconds_count",
                "lsq_cost ", "lsq_damping ", "lsq_trust_radius ", "lsq_iterations_total{accepted=\"true\",phase=\"gauss_newton\"}",
                "lsq_guard_triggers_total{guard=\"step_exploration\"}")) {
            assertTrue(text.contains(meter), meter + " missing in:\n" + text);
        }
        double passes = lines.stream().filter(l -> l.startsWith("lsq_passes_total ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow();
        double rowsRead = lines.stream().filter(l -> l.startsWith("lsq_rows_total ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow();
        assertEquals(passes * 200_000, rowsRead, 0.0);
    }

    @Test
    void aPassLimitGivesExitCodeThree() {
        Run r = Run.of("fit", "--data", decay.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0",
                "--max-passes", "2", "--quiet");
        assertEquals(3, r.code());
        assertTrue(r.out().contains("max_passes"), r.out());
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        for (String cmd : List.of("fit", "gen", "demo")) {
            Run r = Run.of(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Example"), cmd + ": " + r.out());
        }
        Run top = Run.of("--help");
        assertTrue(top.out().contains("fit") && top.out().contains("gen") && top.out().contains("demo"), top.out());
    }

    @Test
    void theDemoRuns() {
        Run r = Run.of("demo", "--rows", "20000", "--threads", "1", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("converged"), r.out());
    }

    /**
     * Issue 12 through the CLI: a degree-10 polynomial on x in [-8.8, -3.2] (cond(J) ≈ 2e15 in user units). auto
     * changes to QR and says why; --solver normal keeps the old arithmetic, exits 0 with the status it reached, and
     * says on stderr, in the report and in the JSON which numbers are not reliable.
     */
    @Test
    void anIllConditionedPolynomialIsSolvedByQrOrFlaggedByName() throws IOException {
        Path csv = dir.resolve("poly.csv");
        StringBuilder b = new StringBuilder("x,y\n");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        for (int i = 0; i < 82; i++) {
            double x = -8.8 + 5.6 * i / 81;
            b.append(x).append(',').append(Math.sin(x) + Math.exp(0.3 * (x + 6)) + 1e-3 * rnd.nextGaussian()).append('\n');
        }
        Files.writeString(csv, b);
        StringBuilder model = new StringBuilder("b0");
        StringBuilder p0 = new StringBuilder("b0=0");
        for (int k = 1; k <= 10; k++) {
            model.append("+b").append(k).append("*x^").append(k);
            p0.append(",b").append(k).append("=0");
        }
        Path auto = dir.resolve("poly-auto.json");
        Run r = Run.of("fit", "--data", csv.toString(), "--model", model.toString(), "--p0", p0.toString(),
                "--out", auto.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(auto.toFile());
        assertEquals("qr", j.get("solver").asText());
        assertTrue(j.get("solver_note").asText().startsWith("auto: the column-equilibrated J has condition number"),
                j.get("solver_note").asText());
        assertTrue(j.get("condition_number_j").asDouble() > 1e9, j.toString());
        assertEquals(11, j.get("reliable").get("params").size());

        Path normal = dir.resolve("poly-normal.json");
        r = Run.of("fit", "--data", csv.toString(), "--model", model.toString(), "--p0", p0.toString(),
                "--solver", "normal", "--out", normal.toString(), "--quiet");
        assertEquals(0, r.code(), "the status keeps its meaning: " + r.err());
        j = JSON.readTree(normal.toFile());
        assertEquals("normal", j.get("solver").asText());
        assertFalse(j.get("reliable").get("params").get("b10").asBoolean(), j.toString());
        assertTrue(r.err().contains("lsq: warning: values not reliable to 6 digits") && r.err().contains("b10")
                && r.err().contains("--solver qr"), r.err());
        assertTrue(j.get("warnings").toString().contains("not reliable"), j.toString());

        r = Run.of("fit", "--data", csv.toString(), "--model", model.toString(), "--p0", p0.toString(),
                "--solver", "cholesky");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--solver 'cholesky' is not one of auto, normal, qr"), r.err());
    }
}
