package io.streamlsq.loss;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.DecayModel;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.MiniJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each loss and f_scale against scipy's {@code least_squares(fun, x0, loss=..., f_scale=...)} on 200 rows of
 * a*exp(-b*x)+c with 12 outliers (scipy_losses.py next to the reference file says how they are made): the
 * final cost to 1e-9 relative and the parameters to 1e-7. Both sides converge with tolerances near machine
 * epsilon, so the comparison is of the minima, not of the paths. scipy_losses.json is the script's output,
 * checked in; when python3 with scipy is on PATH (or named by -Dstreamlsq.python) the script also runs at
 * test time and the fits are compared with its fresh output.
 */
class LossAgainstScipyTest {
    private static final String SCRIPT = "scipy_losses.py";
    private static final double COST_TOLERANCE = 1e-9;
    private static final double PARAM_TOLERANCE = 1e-7;
    private static final FitOptions TIGHT = FitOptions.builder().tolerances(1e-15).maxPasses(5_000).build();

    @TestFactory
    Stream<DynamicTest> againstTheCheckedInReference() throws IOException {
        try (InputStream in = LossAgainstScipyTest.class.getResourceAsStream("scipy_losses.json")) {
            return cases(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** One test rather than a factory, so that a machine without scipy reports it as skipped, with the reason. */
    @Test
    void againstScipyRunNow() throws Exception {
        String python = System.getProperty("streamlsq.python", "python3");
        assumeTrue(io.streamlsq.testkit.Scipy.available(python), python + " with scipy is not available: compared with the checked-in reference only");
        Path script = Path.of(LossAgainstScipyTest.class.getResource(SCRIPT).toURI());
        Path out = Files.createTempFile("scipy_losses", ".json");
        Path err = Files.createTempFile("scipy_losses", ".err");
        try {
            Process p = new ProcessBuilder(python, script.toString()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), SCRIPT + " did not finish in 300 s");
            assertEquals(0, p.exitValue(), SCRIPT + " failed: " + Files.readString(err));
            assertAll(cases(Files.readString(out)).map(DynamicTest::getExecutable));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * log_cosh (f_scale 0.5, from the checked-in reference) in every phase: the L-BFGS and Adam warmups on the full
     * data, the presolve on samples, Gauss-Newton on the normal equations and on QR, on two threads. The 200 rows are
     * repeated 400 times (80 000 rows in chunks of 1000, enough for the presolve), which keeps scipy's minimum and
     * multiplies its cost by 400: cost to 1e-9 relative and parameters to 1e-6.
     */
    @Test
    void logCoshInEveryPhase() throws Exception {
        String json;
        try (InputStream in = LossAgainstScipyTest.class.getResourceAsStream("scipy_losses.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> doc = MiniJson.object(MiniJson.parse(json));
        Map<String, Object> c = MiniJson.list(doc.get("cases")).stream().map(MiniJson::object)
                .filter(k -> k.get("loss").equals("log_cosh") && (Double) k.get("f_scale") == 0.5).findFirst().orElseThrow();
        int copies = 400;
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", repeated(MiniJson.doubles(doc.get("x")), copies));
        cols.put("y", repeated(MiniJson.doubles(doc.get("y")), copies));
        FitProblem problem = FitProblem.builder(new DecayModel(), new InMemoryDataSource(cols, 1000))
                .initial(MiniJson.doubles(doc.get("x0"))).loss(Loss.parse("log_cosh", 0.5)).build();
        double[] expected = MiniJson.doubles(c.get("params"));
        double cost = copies * (Double) c.get("cost");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (io.streamlsq.options.WarmupOptions.Method method : io.streamlsq.options.WarmupOptions.Method.values()) {
                for (io.streamlsq.options.Solver solver : List.of(io.streamlsq.options.Solver.NORMAL, io.streamlsq.options.Solver.QR)) {
                    FitOptions o = TIGHT.toBuilder().solver(solver).presolve(true).warmup(
                            io.streamlsq.options.WarmupOptions.on().withFullData().withMethod(method)).build();
                    FitResult r = Fits.fit(problem, o, PassExecutor.parallel(pool, 2));
                    String what = "log_cosh f_scale 0.5, " + method + " warmup, " + solver + "\n" + r.fullReport();
                    assertEquals("converged", r.termination().status(), what);
                    assertTrue(r.iterations("warmup") > 0, "the warmup ran, " + what);
                    assertTrue(!r.presolveOutcome().startsWith("not run"), "the presolve ran, " + what);
                    assertEquals(cost, r.cost(), COST_TOLERANCE * cost, "cost, " + what);
                    for (int k = 0; k < expected.length; k++) {
                        assertEquals(expected[k], r.values()[k], 1e-6 * Math.max(1, Math.abs(expected[k])),
                                r.parameterNames().get(k) + ", " + what);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[] repeated(double[] a, int copies) {
        double[] out = new double[a.length * copies];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(a, 0, out, i * a.length, a.length);
        }
        return out;
    }

    private static Stream<DynamicTest> cases(String json) {
        Map<String, Object> doc = MiniJson.object(MiniJson.parse(json));
        double[] x = MiniJson.doubles(doc.get("x"));
        double[] y = MiniJson.doubles(doc.get("y"));
        double[] sigma = MiniJson.doubles(doc.get("sigma"));
        double[] x0 = MiniJson.doubles(doc.get("x0"));
        String scipy = "scipy " + doc.get("scipy");
        List<Object> cases = MiniJson.list(doc.get("cases"));
        assertTrue(cases.size() >= 10, "reference has " + cases.size() + " cases");
        return cases.stream().map(MiniJson::object).map(c -> {
            String loss = (String) c.get("loss");
            double fScale = (Double) c.get("f_scale");
            boolean weighted = (Boolean) c.get("weighted");
            String name = loss + ", f_scale " + fScale + (weighted ? ", weighted" : "");
            return DynamicTest.dynamicTest(name, () -> {
                FitResult r = fit(x, y, weighted ? sigma : null, x0, Loss.parse(loss, fScale));
                String what = name + " against " + scipy + "\n" + r.briefReport();
                assertEquals("converged", r.termination().status(), what);
                double cost = (Double) c.get("cost");
                assertEquals(cost, r.cost(), COST_TOLERANCE * cost, "cost, " + what);
                double[] expected = MiniJson.doubles(c.get("params"));
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], r.values()[k], PARAM_TOLERANCE * Math.max(1, Math.abs(expected[k])),
                            r.parameterNames().get(k) + ", " + what);
                }
            });
        });
    }

    private static FitResult fit(double[] x, double[] y, double[] sigma, double[] x0, Loss loss) {
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        cols.put("y", y);
        if (sigma != null) {
            cols.put("sigma", sigma);
        }
        FitProblem problem = FitProblem.builder(new DecayModel(), new InMemoryDataSource(cols, 64)).initial(x0)
                .sigma(sigma != null ? "sigma" : null).loss(loss).build();
        return Fits.fit(problem, TIGHT, PassExecutor.sequential());
    }
}
