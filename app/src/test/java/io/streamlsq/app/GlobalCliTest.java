package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code lsq fit --global}: every method through the command line, bad input, the config block, the JSON. */
class GlobalCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "A*sin(w*x+phi)+c";
    static final String BOUNDS = "A=0:5,w=0.1:6,phi=-3.1416:3.1416,c=-2:2";

    @TempDir
    static Path tmp;
    static Path data;
    /** The best known minimum: the fit from the truth. */
    static double best;

    /** {@code y = 2 sin(3.1x + 0.4) + 0.5} plus noise 0.1, x in [0, 20]: a local fit from w = 1 misses it. */
    @BeforeAll
    static void write() throws IOException {
        data = tmp.resolve("freq.csv");
        Random r = new Random(11);
        StringBuilder b = new StringBuilder("x,y\n");
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double x = 20.0 * i / (n - 1);
            b.append(x).append(',').append(2 * Math.sin(3.1 * x + 0.4) + 0.5 + 0.1 * r.nextGaussian()).append('\n');
        }
        Files.writeString(data, b);
        best = fit("truth.json", "--p0", "A=2,w=3.1,phi=0.4,c=0.5").get("cost").asDouble();
    }

    static JsonNode fit(String out, String... more) throws IOException {
        List<String> a = new ArrayList<>(List.of("fit", "--data", data.toString(), "--model", MODEL, "--bounds", BOUNDS,
                "--quiet", "--out", tmp.resolve(out).toString()));
        a.addAll(List.of(more));
        if (!a.contains("--p0")) {
            a.addAll(List.of("--p0", "A=1,w=1,phi=0,c=0"));
        }
        Run r = Run.of(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err() + r.out());
        return JSON.readTree(tmp.resolve(out).toFile());
    }

    @Test
    void aLocalFitFromTheStartEndsInAWrongMinimum() throws IOException {
        JsonNode local = fit("local.json");
        assertTrue(local.get("cost").asDouble() > 10 * best, "the local fit found the minimum: the method tests prove nothing");
        assertFalse(local.has("global"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sobol", "halton", "lhs", "random", "de", "de-best", "cmaes", "bobyqa", "nelder-mead",
        "powell", "portfolio", "bo"})
    void eachMethodReachesTheBestKnownMinimumWithItsDefaultBudget(String method) throws IOException {
        JsonNode r = fit(method + ".json", "--global", method, "--global-sample-rows", "5000");
        assertEquals(best, r.get("cost").asDouble(), 1e-6 * best, method + ": " + r.get("global"));
        JsonNode g = r.get("global");
        assertEquals(method, g.get("method").asText());
        assertEquals(200, g.get("budget").asInt());
        assertEquals(200, g.get("trials").asInt(), "the default budget is spent");
        assertEquals(5000, g.get("sample_rows").asLong());
        assertTrue(g.get("best_trials").size() > 0 && g.get("finalists").size() > 0, g.toString());
        assertTrue(g.get("rows_evaluated").asLong() > 0);
        assertEquals("converged", r.get("status").asText());
    }

    static final String PEAKS = "A1*exp(-(x-mu1)^2/(2*s1^2))+A2*exp(-(x-mu2)^2/(2*s2^2))+A3*exp(-(x-mu3)^2/(2*s3^2))+c0+c1*x";
    static final String PEAK_BOUNDS = "A1=0:5,mu1=0:10,s1=0.05:2,A2=0:5,mu2=0:10,s2=0.05:2,A3=0:5,mu3=0:10,s3=0.05:2,"
            + "c0=-1:1,c1=-0.2:0.2";
    /** The peaks in the wrong order, two of them on one true peak. */
    static final String PEAKS_START = "A1=3,mu1=7.5,s1=0.3,A2=1.5,mu2=8,s2=0.5,A3=2,mu3=2,s3=0.4,c0=0,c1=0";

    /** Three Gaussian peaks (3, 2, 0.3), (1.5, 5, 0.5), (2, 7.5, 0.4) on 0.2 + 0.01x, noise 0.02; its best cost. */
    static double writePeaks(Path file) throws IOException {
        Random r = new Random(12);
        double[] t = {3, 2, 0.3, 1.5, 5, 0.5, 2, 7.5, 0.4, 0.2, 0.01};
        StringBuilder b = new StringBuilder("x,y\n");
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double x = 10.0 * i / (n - 1);
            double y = t[9] + t[10] * x;
            for (int q = 0; q < 3; q++) {
                y += t[3 * q] * Math.exp(-(x - t[3 * q + 1]) * (x - t[3 * q + 1]) / (2 * t[3 * q + 2] * t[3 * q + 2]));
            }
            b.append(x).append(',').append(y + 0.02 * r.nextGaussian()).append('\n');
        }
        Files.writeString(file, b);
        return peaks(file, "peaks-best.json", "--p0", "A1=3,mu1=2,s1=0.3,A2=1.5,mu2=5,s2=0.5,A3=2,mu3=7.5,s3=0.4,c0=0.2,c1=0.01")
                .get("cost").asDouble();
    }

    static JsonNode peaks(Path file, String out, String... more) throws IOException {
        List<String> a = new ArrayList<>(List.of("fit", "--data", file.toString(), "--model", PEAKS, "--bounds", PEAK_BOUNDS,
                "--quiet", "--out", tmp.resolve(out).toString()));
        a.addAll(List.of(more));
        if (!a.contains("--p0")) {
            a.addAll(List.of("--p0", PEAKS_START));
        }
        Run r = Run.of(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err() + r.out());
        return JSON.readTree(tmp.resolve(out).toFile());
    }

    static Path peaksData;
    static double peaksBest;

    @ParameterizedTest
    @ValueSource(strings = {"sobol", "halton", "lhs", "random", "de", "de-best", "cmaes", "bobyqa", "nelder-mead",
        "powell", "portfolio", "bo"})
    void eachMethodFindsTheThreePeaksALocalFitStartedWithThemSwappedMisses(String method) throws IOException {
        synchronized (GlobalCliTest.class) {
            if (peaksData == null) {
                peaksData = tmp.resolve("peaks.csv");
                peaksBest = writePeaks(peaksData);
                double local = peaks(peaksData, "peaks-local.json").get("cost").asDouble();
                assertTrue(local > 10 * peaksBest, "the local fit found the peaks: " + local + " vs " + peaksBest);
            }
        }
        JsonNode r = peaks(peaksData, "peaks-" + method + ".json", "--global", method, "--global-sample-rows", "2000");
        assertEquals(peaksBest, r.get("cost").asDouble(), 1e-6 * peaksBest, method + ": " + r.get("global"));
    }

    @Test
    void theReportShowsTheSearch() {
        Run r = Run.of("fit", "--data", data.toString(), "--model", MODEL, "--bounds", BOUNDS, "--p0", "A=1,w=1,phi=0,c=0",
                "--global", "lhs", "--global-budget", "16", "--global-sample-rows", "2000", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[[Global Search]]") && r.out().contains("lhs: 16 of 16 trials (0 failed), each a local"
                + " fit on 2000 rows") && r.out().contains("<- reported"), r.out());
    }

    @Test
    void aMissingBoundIsRefusedWithExit2NamingTheParameter() {
        Path out = tmp.resolve("never.json");
        Run r = Run.of("fit", "--data", data.toString(), "--model", MODEL, "--bounds", "A=0:5,w=0.1:6,phi=-3.2:3.2",
                "--p0", "A=1,w=1,phi=0,c=0", "--global", "de", "--quiet", "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("'c'") && r.err().contains("--search c=LO:HI"), r.err());
        assertFalse(Files.exists(out));
        // a --search range is a box too
        Run ok = Run.of("fit", "--data", data.toString(), "--model", MODEL, "--bounds", "A=0:5,w=0.1:6,phi=-3.2:3.2",
                "--p0", "A=1,w=1,phi=0,c=0", "--global", "lhs", "--global-budget", "8", "--search", "c=-1:1",
                "--global-sample-rows", "1000", "--quiet");
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void badGlobalSettingsAreRefusedWithExit2() {
        String[][] cases = {
            {"--global", "annealing"},
            {"--global-budget", "10"},
            {"--global", "de", "--global-budget", "0"},
            {"--global", "de", "--search", "w=1"},
            {"--global", "de", "--search", "w=5:1"},
            {"--global", "de", "--search", "w=0:1:log"},
            {"--global", "de", "--search", "w=0.5:9"},
            {"--global", "de", "--search", "q=0:1"},
            {"--global", "de", "--seed", "x"},
        };
        String[] expected = {"is not one of", "needs --global", "must be >= 1", "not name=lo:hi", "violates finite lo < hi",
            "needs lo > 0", "leaves its bounds", "'q', which is not a parameter", "not a whole number"};
        for (int i = 0; i < cases.length; i++) {
            List<String> a = new ArrayList<>(List.of("fit", "--data", data.toString(), "--model", MODEL, "--bounds", BOUNDS,
                    "--p0", "A=1,w=1,phi=0,c=0", "--quiet"));
            a.addAll(List.of(cases[i]));
            Run r = Run.of(a.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertTrue(r.err().contains(expected[i]), String.join(" ", cases[i]) + ": " + r.err());
        }
    }

    @Test
    void aGlobalBlockInTheConfigFileWorksAndTheCommandLineWins() throws IOException {
        Path cfg = tmp.resolve("fit.yaml");
        Files.writeString(cfg, "data: " + data + "\nmodel: \"" + MODEL + "\"\np0: {A: 1, w: 1, phi: 0, c: 0}\nbounds: \""
                + BOUNDS + "\"\nglobal:\n  method: sobol\n  budget: 24\n  sample_rows: 2000\n  keep: 2\n  seed: 5\n"
                + "  search: {w: [1, 5]}\n");
        Path out = tmp.resolve("cfg.json");
        Run r = Run.of("fit", "--config", cfg.toString(), "--global-budget", "16", "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode g = JSON.readTree(out.toFile()).get("global");
        assertEquals("sobol", g.get("method").asText());
        assertEquals(16, g.get("budget").asInt());
        assertEquals(2000, g.get("sample_rows").asLong());
        assertTrue(g.get("finalists").size() <= 2);
        for (JsonNode t : g.get("best_trials")) {
            double w = t.get("start").get("w").asDouble();
            assertTrue(w >= 1 && w <= 5, "a start outside the search range: " + t);
        }
        Files.writeString(cfg, "data: " + data + "\nmodel: \"a*x\"\np0: {a: 1}\nbounds: {a: [0, 1]}\nglobal: {method: de, budgets: 3}\n");
        Run bad = Run.of("fit", "--config", cfg.toString(), "--quiet");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("global.budgets is unknown"), bad.err());
    }
}
