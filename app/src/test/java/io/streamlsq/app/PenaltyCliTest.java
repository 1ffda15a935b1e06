package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lsq fit --penalty "(b-1)/0.01"}: a penalized fit equals the fit of the data set augmented by hand with the
 * penalty's row (a column sel = 1 on that row switches the model to b/0.01 against y = 100): the default fit, the
 * L-BFGS warmup on the full data, the QR solver, on two threads (the presolve, which a CSV file does not get, in
 * streaming-core's ExtraRowsTest); refusals.
 */
class PenaltyCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path data;
    static Path augmented;

    /** 40 000 decay rows (truth b = 1.3) and the same rows with the penalty row appended. */
    @BeforeAll
    static void files() throws IOException {
        SplittableRandom rng = new SplittableRandom(1603);
        StringBuilder csv = new StringBuilder("x,y,sel\n");
        for (int i = 0; i < 40_000; i++) {
            double x = 5.0 * i / 40_000;
            double y = 2.5 * Math.exp(-1.3 * x) + 0.5 + 0.2 * (rng.nextDouble() - 0.5);
            csv.append(String.format(Locale.ROOT, "%.17g,%.17g,0%n", x, y));
        }
        data = dir.resolve("decay.csv");
        Files.writeString(data, csv);
        augmented = dir.resolve("augmented.csv");
        Files.writeString(augmented, csv + "0,100,1\n");
    }

    private static JsonNode fit(String name, Path file, String model, String... more) throws IOException {
        Path out = dir.resolve(name + ".json");
        List<String> a = new ArrayList<>(List.of("fit", "--data", file.toString(), "--model", model, "--p0",
                "a=1,b=0.5,c=0", "--quiet", "--chunk-rows", "1000", "--threads", "2", "--ftol", "1e-15", "--xtol", "1e-15",
                "--gtol", "1e-15", "--out", out.toString()));
        a.addAll(List.of(more));
        Run r = Run.of(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err() + r.out());
        return JSON.readTree(out.toFile());
    }

    @Test
    void aPenalizedFitIsTheFitOfTheAugmentedData() throws IOException {
        List<String[]> variants = List.of(new String[0], new String[] {"--warmup", "--warmup-sample-rows", "full"},
                new String[] {"--solver", "qr"});
        for (String[] v : variants) {
            String what = v.length == 0 ? "default" : String.join(" ", v);
            JsonNode p = fit("penalized", data, "a*exp(-b*x)+c", concat(v, "--penalty", "(b-1)/0.01"));
            JsonNode h = fit("by_hand", augmented, "sel*b/0.01 + (1-sel)*(a*exp(-b*x)+c)", v);
            assertEquals(h.get("cost").asDouble(), p.get("cost").asDouble(), 1e-10 * h.get("cost").asDouble(), what);
            assertEquals(h.get("rows").asLong(), p.get("rows").asLong(), "the penalty row counts, " + what);
            assertEquals(h.get("dof").asLong(), p.get("dof").asLong(), what);
            for (String name : List.of("a", "b", "c")) {
                // both stop where the cost no longer changes in 15 digits: about 1e-6 standard errors apart
                assertEquals(h.get("params").get(name).asDouble(), p.get("params").get(name).asDouble(),
                        1e-5 * h.get("stderr").get(name).asDouble(), name + ", " + what);
                assertEquals(h.get("stderr").get(name).asDouble(), p.get("stderr").get(name).asDouble(),
                        1e-6 * h.get("stderr").get(name).asDouble(), "stderr " + name + ", " + what);
            }
            // the prior b = 1 +/- 0.01 pulls b well below the data's 1.3
            assertTrue(p.get("params").get("b").asDouble() < 1.1, what + ": b = " + p.get("params").get("b"));
        }
    }

    /**
     * A penalized fit stopped by its pass budget and resumed with a larger one ends with the uninterrupted fit's bits;
     * a resume with another penalty is refused, naming both.
     */
    @Test
    void aResumedPenalizedFitHasTheUninterruptedBits() throws Exception {
        Path plain = dir.resolve("plain.json");
        fit("plain", data, "a*exp(-b*x)+c", "--penalty", "(b-1)/0.01", "--checkpoint-dir", dir.resolve("plain-ck").toString());
        Path ck = dir.resolve("stopped-ck");
        Run stopped = Run.of("fit", "--data", data.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0", "--quiet",
                "--chunk-rows", "1000", "--threads", "2", "--ftol", "1e-15", "--xtol", "1e-15", "--gtol", "1e-15",
                "--penalty", "(b-1)/0.01", "--checkpoint-dir", ck.toString(), "--max-passes", "2");
        assertEquals(3, stopped.code(), stopped.err());
        java.util.Map<String, Object> other = new java.util.LinkedHashMap<>();
        other.put("data", data.toString());
        other.put("model", "a*exp(-b*x)+c");
        other.put("p0", "a=1,b=0.5,c=0");
        other.put("chunk-rows", "1000");
        other.put("quiet", true);
        other.put("penalties", List.of("(b-1)/0.02"));
        java.io.PrintStream sink = new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true,
                java.nio.charset.StandardCharsets.UTF_8);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> FitCommand.execute(Settings.of(other, "test"), ck, sink, sink));
        assertTrue(e.getMessage().contains("with penalties: (b-1)/0.01") && e.getMessage().contains("(b-1)/0.02"),
                e.getMessage());
        Path out = dir.resolve("resumed.json");
        Run more = Run.of("resume", ck.toString(), "--max-passes", "500", "--quiet", "--out", out.toString());
        assertEquals(0, more.code(), more.err());
        JsonNode a = JSON.readTree(plain.toFile());
        JsonNode b = JSON.readTree(out.toFile());
        assertEquals(a.get("params").toString(), b.get("params").toString());
        assertEquals(a.get("cost").asDouble(), b.get("cost").asDouble(), 0.0);
        assertEquals(a.get("passes").asLong(), b.get("passes").asLong());
    }

    @Test
    void aPenaltyOfDataOrWithTheGlobalSearchIsRefused() {
        Run r = Run.fitDecay(data.toString(), "--penalty", "(b-x)/0.1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("penalty 1 ((b-x)/0.1): uses 'x', a data variable"), r.err());
        r = Run.fitDecay(data.toString(), "--penalty", "(b-1)/0.1", "--global", "sobol", "--bounds", "a=0:5,b=0:5,c=-1:1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--penalty with --global"), r.err());
        r = Run.fitDecay(data.toString(), "--penalty", "(b-1)/");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("penalty 1 ((b-1)/), column 7"), r.err());
    }

    private static String[] concat(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(String[]::new);
    }
}
