package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lsq fit --tie}: two Gaussian lines on a baseline with tied centres and widths fit as the model written by
 * hand with the substitution, and as scipy on the reduced problem; the tied values and their delta-method errors in
 * the result JSON; the refusals; the config file's {@code ties:}; checkpoints that refuse other ties.
 */
class TiesCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "A1*exp(-(x-m1)^2/(2*w1^2)) + A2*exp(-(x-m2)^2/(2*w2^2)) + c";
    static final String BY_HAND = "A1*exp(-(x-m1)^2/(2*w1^2)) + A2*exp(-(x-(m1 + 1.2))^2/(2*w1^2)) + c";
    static final String P0 = "A1=0.8,m1=0.2,w1=0.5,A2=0.4,c=0";
    static final String[] FREE = {"A1", "m1", "w1", "A2", "c"};
    static final String[] TIGHT = {"--ftol", "1e-15", "--xtol", "1e-15", "--gtol", "1e-15"};
    @TempDir
    static Path dir;
    static Path data;

    /** 2000 rows of two lines (centres 0.3 and 1.5, widths 0.6) on a baseline 0.1, with uniform noise of ±0.02. */
    @BeforeAll
    static void lines() throws IOException {
        SplittableRandom rng = new SplittableRandom(1616);
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 2000; i++) {
            double x = -4 + 10.0 * i / 2000;
            double y = Math.exp(-Math.pow(x - 0.3, 2) / (2 * 0.36)) + 0.5 * Math.exp(-Math.pow(x - 1.5, 2) / (2 * 0.36))
                    + 0.1 + 0.04 * (rng.nextDouble() - 0.5);
            csv.append(String.format(Locale.ROOT, "%.17g,%.17g%n", x, y));
        }
        data = dir.resolve("lines.csv");
        Files.writeString(data, csv);
    }

    private static Run fit(String model, String... more) {
        List<String> a = new ArrayList<>(List.of("fit", "--data", data.toString(), "--model", model, "--p0", P0, "--quiet"));
        a.addAll(List.of(more));
        return Run.of(a.toArray(String[]::new));
    }

    private static JsonNode fitJson(String name, String model, String... more) throws IOException {
        Path out = dir.resolve(name + ".json");
        List<String> a = new ArrayList<>(List.of(more));
        a.addAll(List.of(TIGHT));
        a.addAll(List.of("--out", out.toString()));
        Run r = fit(model, a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err() + r.out());
        return JSON.readTree(out.toFile());
    }

    @Test
    void tiedLinesFitAsTheModelWrittenByHand() throws IOException {
        JsonNode tied = fitJson("tied", MODEL, "--tie", "m2=m1+1.2", "--tie", "w2=w1");
        JsonNode hand = fitJson("hand", BY_HAND);
        assertEquals(hand.get("cost").asDouble(), tied.get("cost").asDouble(), 1e-9 * hand.get("cost").asDouble());
        for (String p : FREE) {
            assertEquals(hand.get("params").get(p).asDouble(), tied.get("params").get(p).asDouble(), 1e-9, p);
            assertEquals(hand.get("stderr").get(p).asDouble(), tied.get("stderr").get(p).asDouble(),
                    1e-6 * hand.get("stderr").get(p).asDouble(), "stderr " + p);
        }
        assertEquals(List.of(FREE), names(tied.get("params")), "the tied names are not free parameters");
        JsonNode m2 = tied.get("tied").get("m2");
        assertTrue(m2.get("tied").asBoolean());
        assertEquals("m1+1.2", m2.get("expr").asText());
        // T2.2 after a fit: the tie holds to rounding
        assertEquals(1.2, m2.get("value").asDouble() - tied.get("params").get("m1").asDouble(), 1e-12);
        assertEquals(tied.get("stderr").get("m1").asDouble(), m2.get("stderr").asDouble(), 1e-15);
        assertEquals(tied.get("params").get("w1").asDouble(), tied.get("tied").get("w2").get("value").asDouble(), 0.0);
        assertEquals(1.5, m2.get("value").asDouble(), 0.01);
    }

    @Test
    void theDeltaMethodGivesTheErrorOfAnyTie() throws IOException {
        JsonNode j = fitJson("derived", MODEL, "--tie", "m2=m1+1.2", "--tie", "w2=w1", "--tie", "ratio=A2/A1",
                "--tie", "fwhm=2*sqrt(2*log(2))*w2");
        List<String> names = names(j.get("params"));
        double a1 = j.get("params").get("A1").asDouble();
        double a2 = j.get("params").get("A2").asDouble();
        double[] g = new double[names.size()];
        g[names.indexOf("A1")] = -a2 / (a1 * a1);
        g[names.indexOf("A2")] = 1 / a1;
        double var = 0;
        for (int i = 0; i < g.length; i++) {
            for (int k = 0; k < g.length; k++) {
                var += g[i] * j.get("covariance").get(i).get(k).asDouble() * g[k];
            }
        }
        JsonNode ratio = j.get("tied").get("ratio");
        assertEquals(a2 / a1, ratio.get("value").asDouble(), 1e-15);
        assertEquals(Math.sqrt(var), ratio.get("stderr").asDouble(), 1e-12 * Math.sqrt(var));
        double k = 2 * Math.sqrt(2 * Math.log(2));
        JsonNode fwhm = j.get("tied").get("fwhm");
        assertEquals(k * j.get("params").get("w1").asDouble(), fwhm.get("value").asDouble(), 1e-14);
        assertEquals(k * j.get("stderr").get("w1").asDouble(), fwhm.get("stderr").asDouble(), 1e-14);
        assertEquals("(2.3548200450309493*w1)", fwhm.get("resolved").asText()); // constants folded, w2 substituted
    }

    @Test
    void theConfigFilesTiesAreTheSame() throws IOException {
        Path config = dir.resolve("ties.yaml");
        Files.writeString(config, "ties: {m2: \"m1 + 1.2\", w2: w1}\n");
        JsonNode viaConfig = fitJson("config", MODEL, "--config", config.toString());
        JsonNode viaOptions = fitJson("options", MODEL, "--tie", "m2=m1+1.2", "--tie", "w2=w1");
        assertEquals(viaOptions.get("cost").asDouble(), viaConfig.get("cost").asDouble(), 0.0);
        assertEquals(viaOptions.get("tied").get("m2").get("value").asDouble(),
                viaConfig.get("tied").get("m2").get("value").asDouble(), 0.0);
    }

    @Test
    void refusalsNameWhatIsWrong() {
        record Case(String expect, String[] args) {
        }
        List<Case> cases = List.of(
                new Case("a -> b -> a", new String[] {"--tie", "m2=m1+a", "--tie", "w2=w1", "--tie", "a=b", "--tie", "b=a*2"}),
                new Case("uses 'q', which is neither a parameter", new String[] {"--tie", "m2=q+1.2", "--tie", "w2=w1"}),
                new Case("uses 'x', a data variable", new String[] {"--tie", "m2=m1+x", "--tie", "w2=w1"}),
                new Case("'w2' is tied and also in --fix", new String[] {"--tie", "m2=m1+1.2", "--tie", "w2=w1", "--fix", "w2"}),
                new Case("'m2' is tied and also in --bounds", new String[] {"--tie", "m2=m1+1.2", "--tie", "w2=w1",
                    "--bounds", "m2=0:2"}),
                new Case("is not NAME=EXPRESSION", new String[] {"--tie", "m2", "--tie", "w2=w1"}),
                new Case("'m2' is tied twice", new String[] {"--tie", "m2=m1", "--tie", "m2=m1+1", "--tie", "w2=w1"}));
        for (Case c : cases) {
            Run r = fit(MODEL, c.args);
            assertEquals(2, r.code(), String.join(" ", c.args) + "\n" + r.err());
            assertTrue(r.err().contains(c.expect), c.expect + " in\n" + r.err());
        }
        Run p0 = Run.of("fit", "--data", data.toString(), "--model", MODEL, "--p0", P0 + ",m2=1", "--tie", "m2=m1+1.2",
                "--tie", "w2=w1", "--quiet");
        assertEquals(2, p0.code(), p0.err());
        assertTrue(p0.err().contains("'m2' is tied and also in --p0"), p0.err());
    }

    @Test
    void aCheckpointStoresTheTiesAndRefusesOthers() throws Exception {
        Path ck = dir.resolve("ck");
        Run first = fit(MODEL, "--tie", "m2=m1+1.2", "--tie", "w2=w1", "--checkpoint-dir", ck.toString(),
                "--max-passes", "2");
        assertEquals(3, first.code(), first.err());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("data", data.toString());
        settings.put("model", MODEL);
        settings.put("p0", P0);
        settings.put("quiet", true);
        settings.put("ties", Map.of("m2", "m1 + 1.3", "w2", "w1"));
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Exception e = assertThrows(Exception.class, () -> FitCommand.execute(Settings.of(settings, "test"), ck, sink, sink));
        assertTrue(e.getMessage().contains("m2 = m1+1.2") && e.getMessage().contains("m2 = m1 + 1.3"), e.getMessage());
        Path out = dir.resolve("resumed.json");
        Run resumed = Run.of("resume", ck.toString(), "--max-passes", "500", "--quiet", "--out", out.toString());
        assertEquals(0, resumed.code(), resumed.err());
        JsonNode j = JSON.readTree(out.toFile());
        assertTrue(j.get("resumed").asBoolean());
        assertEquals(1.2, j.get("tied").get("m2").get("value").asDouble() - j.get("params").get("m1").asDouble(), 1e-12);
    }

    /** The report section (TieSpecs.report, for the report on stdout): each tie with its value and error, aligned. */
    @Test
    void theReportSectionListsEachTie() throws IOException {
        JsonNode j = fitJson("report", MODEL, "--tie", "m2=m1+1.2", "--tie", "w2=w1");
        Map<String, String> defs = new LinkedHashMap<>();
        defs.put("m2", "m1+1.2");
        defs.put("w2", "w1");
        List<String> params = List.of("A1", "m1", "w1", "A2", "c");
        io.streamlsq.expr.Ties ties = io.streamlsq.expr.Ties.resolve(defs, params, List.of("x"));
        double[] values = new double[5];
        double[][] cov = new double[5][5];
        for (int k = 0; k < 5; k++) {
            values[k] = j.get("params").get(params.get(k)).asDouble();
            for (int i = 0; i < 5; i++) {
                cov[k][i] = j.get("covariance").get(k).get(i).asDouble();
            }
        }
        io.streamlsq.result.FitResult r = new io.streamlsq.result.FitResult(params, values, values, new double[5],
                new boolean[5], cov, cov, new io.streamlsq.result.Termination.Converged(io.streamlsq.result.Termination.Criterion.FTOL, "test"), 0, 0, 1, 1, 0, 0, 0,
                List.of(), 0, 0, List.of(), false, Map.of(), "not enabled", null, null, null);
        String report = TieSpecs.report(ties, r);
        assertTrue(report.startsWith("[[Tied]]"), report);
        assertTrue(report.contains(String.format(Locale.ROOT, "    m2: %14.8g +/- %-11.4g", values[1] + 1.2,
                j.get("stderr").get("m1").asDouble())) && report.contains("== m1+1.2"), report);
        assertEquals("", TieSpecs.report(io.streamlsq.expr.Ties.none(), r));
        Run printed = fit(MODEL, "--tie", "m2=m1+1.2", "--tie", "w2=w1");
        assertEquals(0, printed.code(), printed.err());
        assertTrue(printed.out().contains("[[Tied]] (standard errors through the tie: delta method)\n    m2:"),
                "lsq fit prints the section after the report: " + printed.out());
    }

    /** scipy's least_squares on the reduced problem (five free parameters, the ties written out): the same minimum. */
    @Test
    void scipyOnTheReducedProblemAgrees() throws Exception {
        String python = System.getProperty("streamlsq.python", "python3");
        assumeTrue(io.streamlsq.testkit.Scipy.available(python), python + " with scipy is not available");
        String script = String.join("\n",
                "import json, sys, numpy as np",
                "from scipy.optimize import least_squares",
                "d = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1); x, y = d[:, 0], d[:, 1]",
                "def f(p):",
                "    a1, m1, w1, a2, c = p",
                "    return a1*np.exp(-(x-m1)**2/(2*w1**2)) + a2*np.exp(-(x-(m1+1.2))**2/(2*w1**2)) + c - y",
                "eps = np.finfo(float).eps",
                "r = least_squares(f, [0.8, 0.2, 0.5, 0.4, 0.0], ftol=eps, xtol=eps, gtol=eps, max_nfev=10000)",
                "print(json.dumps({'cost': float(r.cost), 'x': [float(v) for v in r.x]}))");
        Process p = new ProcessBuilder(python, "-c", script, data.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, text);
        JsonNode scipy = JSON.readTree(text);
        JsonNode tied = fitJson("vs_scipy", MODEL, "--tie", "m2=m1+1.2", "--tie", "w2=w1");
        double cost = scipy.get("cost").asDouble();
        assertEquals(cost, tied.get("cost").asDouble(), 1e-9 * cost);
        for (int k = 0; k < FREE.length; k++) {
            assertEquals(scipy.get("x").get(k).asDouble(), tied.get("params").get(FREE[k]).asDouble(), 1e-6, FREE[k]);
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> l = new ArrayList<>();
        object.fieldNames().forEachRemaining(l::add);
        return l;
    }
}
