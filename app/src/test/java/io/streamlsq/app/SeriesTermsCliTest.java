package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lsq fit --curvature γ --smoothness δ}: the fit minimizes ½Σr² + γΣ(D2 r)² + δΣ(D1 r)² (r = f − y, D1 =
 * numpy.gradient), the same minimum as scipy's least_squares on the stacked residuals, whatever the chunking, solver
 * and thread count; the report and the result JSON say so; bad weights and --global are refused.
 */
class SeriesTermsCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "a*exp(-b*x)+c";
    @TempDir
    static Path dir;
    static Path data;

    /** 3 000 decay rows with a slow ripple the series terms smooth over. */
    @BeforeAll
    static void files() throws IOException {
        SplittableRandom rng = new SplittableRandom(2404);
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 3_000; i++) {
            double x = 6.0 * i / 3_000;
            double y = 2.5 * Math.exp(-1.3 * x) + 0.5 + 0.05 * Math.sin(7 * x) + 0.05 * (rng.nextDouble() - 0.5);
            csv.append(String.format(Locale.ROOT, "%.17g,%.17g%n", x, y));
        }
        data = dir.resolve("ripple.csv");
        Files.writeString(data, csv);
    }

    private static Run run(String name, String... more) {
        Path out = dir.resolve(name + ".json");
        List<String> a = new ArrayList<>(List.of("fit", "--data", data.toString(), "--model", MODEL, "--p0",
                "a=1,b=0.5,c=0", "--quiet", "--ftol", "1e-15", "--xtol", "1e-15", "--gtol", "1e-15", "--out", out.toString()));
        a.addAll(List.of(more));
        return Run.of(a.toArray(String[]::new));
    }

    private static JsonNode fit(String name, String... more) throws IOException {
        Run r = run(name, more);
        assertEquals(0, r.code(), r.err() + r.out());
        return JSON.readTree(dir.resolve(name + ".json").toFile());
    }

    @Test
    void scipyOnTheStackedResidualsAgreesForEveryChunkingSolverAndThreadCount() throws Exception {
        String python = System.getProperty("streamlsq.python", "python3");
        assumeTrue(io.streamlsq.testkit.Scipy.available(python), python + " with scipy is not available");
        String script = String.join("\n",
                "import json, sys, numpy as np",
                "from scipy.optimize import least_squares",
                "d = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1); x, y = d[:, 0], d[:, 1]",
                "g, s = 2000.0, 300.0",
                "def f(p):",
                "    r = p[0]*np.exp(-p[1]*x) + p[2] - y",
                "    d1 = np.gradient(r)",
                "    return np.concatenate([r, np.sqrt(2*g)*np.gradient(d1), np.sqrt(2*s)*d1])",
                "eps = np.finfo(float).eps",
                "r = least_squares(f, [1, 0.5, 0], ftol=eps, xtol=eps, gtol=eps, max_nfev=10000)",
                "print(json.dumps({'cost': float(r.cost), 'x': [float(v) for v in r.x]}))");
        Process p = new ProcessBuilder(python, "-c", script, data.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, text);
        JsonNode scipy = JSON.readTree(text);
        double cost = scipy.get("cost").asDouble();
        JsonNode plain = fit("plain");
        assertTrue(plain.get("cost").asDouble() < 0.9 * cost, "the terms add to the cost: " + plain.get("cost"));
        List<String[]> variants = List.of(new String[] {"--chunk-rows", "1000"}, new String[] {"--chunk-rows", "3000"},
                new String[] {"--chunk-rows", "7", "--threads", "2"}, new String[] {"--chunk-rows", "1000", "--solver", "qr"},
                new String[] {"--chunk-rows", "500", "--warmup", "--warmup-sample-rows", "full"});
        for (String[] v : variants) {
            String what = String.join(" ", v);
            List<String> args = new ArrayList<>(List.of("--curvature", "2000", "--smoothness", "300"));
            args.addAll(List.of(v));
            JsonNode j = fit("terms", args.toArray(String[]::new));
            assertEquals(cost, j.get("cost").asDouble(), 1e-9 * cost, what);
            for (int k = 0; k < 3; k++) {
                String name = List.of("a", "b", "c").get(k);
                assertEquals(scipy.get("x").get(k).asDouble(), j.get("params").get(name).asDouble(), 1e-6, name + ", " + what);
            }
            assertEquals(3_000, j.get("rows").asLong(), "the series rows are not data rows, " + what);
            assertEquals(2000.0, j.get("series_terms").get("curvature").asDouble());
            assertEquals(300.0, j.get("series_terms").get("smoothness").asDouble());
        }
    }

    @Test
    void theReportSaysWhatWasAdded() throws Exception {
        Path out = dir.resolve("report.json");
        Run r = Run.of("fit", "--data", data.toString(), "--model", MODEL, "--p0", "a=1,b=0.5,c=0", "--curvature", "50",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[[Series terms]]\n    curvature 50.0000 * sum (D2 r)^2, smoothness 0.00000"), r.out());
        // chi-square, reduced chi-square and the standard errors' scale hold the terms too, and the report says so
        // (it used to name the cost alone)
        assertTrue(r.out().contains("included in the cost, in chi-square (as 2 * curvature * sum (D2 r)^2 + 2 *"
                + " smoothness * sum (D1 r)^2), in reduced chi-square and in the standard errors' scale s^2 = 2 cost / dof"
                + " (unless --absolute-sigma); not in the data points or dof"), r.out());
        JsonNode j = JSON.readTree(out.toFile());
        double cost = j.get("cost").asDouble();
        assertEquals(2 * cost, j.get("ssr").asDouble(), 1e-9 * cost, "ssr = 2 cost: the series rows are in it");
        assertEquals(j.get("ssr").asDouble() / j.get("dof").asDouble(), j.get("reduced_chi2").asDouble(), 1e-12);
        assertEquals(3_000 - 3, j.get("dof").asLong());
    }

    @Test
    void negativeWeightsAndAGlobalSearchAreRefused() {
        Run bad = run("bad", "--curvature", "-1");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("curvature = -1.0") && bad.err().contains("finite and >= 0"), bad.err());
        Run global = run("global", "--smoothness", "5", "--global", "lhs", "--bounds", "a=0:5,b=0:5,c=-1:1");
        assertEquals(2, global.code(), global.err());
        assertTrue(global.err().contains("--curvature/--smoothness with --global"), global.err());
    }
}
