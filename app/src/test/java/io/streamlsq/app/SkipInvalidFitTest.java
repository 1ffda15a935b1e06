package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * seeds-others T2.7 (issue 16): 1 % of the responses NaN. With --skip-invalid the cost stays finite, the fit equals
 * the fit of the file without those rows (1e-10), and the report says how many rows (and what share) were skipped.
 */
class SkipInvalidFitTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void onePercentNanRowsAreSkippedAndTheFitIsTheFitWithoutThem() throws Exception {
        StringBuilder with = new StringBuilder("x,y\n");
        StringBuilder without = new StringBuilder("x,y\n");
        Random r = new Random(27);
        for (int i = 0; i < 10_000; i++) {
            double x = 10.0 * i / 9_999;
            String y = i % 100 == 37 ? "NaN" : Double.toString(2.5 * Math.exp(-1.3 * x) + 0.5 + 0.05 * r.nextGaussian());
            with.append(x).append(',').append(y).append('\n');
            if (!y.equals("NaN")) {
                without.append(x).append(',').append(y).append('\n');
            }
        }
        Path a = dir.resolve("with-nan.csv");
        Path b = dir.resolve("without.csv");
        Files.writeString(a, with);
        Files.writeString(b, without);
        Run refused = Run.fitDecay(a.toString());
        assertEquals(2, refused.code(), "NaN data is refused without --skip-invalid: " + refused.err());
        Run skipped = Run.fitDecay(a.toString(), "--skip-invalid", "--out", dir.resolve("a.json").toString());
        assertEquals(0, skipped.code(), skipped.err());
        assertTrue(skipped.out().contains("(100 rows with null, NaN or infinite values were skipped: --skip-invalid; 1.00 %"
                + " of the rows read)"), skipped.out());
        Run clean = Run.fitDecay(b.toString(), "--out", dir.resolve("b.json").toString());
        assertEquals(0, clean.code(), clean.err());
        JsonNode ja = JSON.readTree(dir.resolve("a.json").toFile());
        JsonNode jb = JSON.readTree(dir.resolve("b.json").toFile());
        assertEquals(100, ja.get("skipped_rows").asLong());
        assertEquals(jb.get("rows").asLong(), ja.get("rows").asLong());
        assertTrue(Double.isFinite(ja.get("cost").asDouble()));
        assertEquals(jb.get("cost").asDouble(), ja.get("cost").asDouble(), 1e-10 * jb.get("cost").asDouble());
        for (String p : new String[] {"a", "b", "c"}) {
            double expected = jb.get("params").get(p).asDouble();
            assertEquals(expected, ja.get("params").get(p).asDouble(), 1e-10 * Math.abs(expected), p);
            double se = jb.get("stderr").get(p).asDouble();
            assertEquals(se, ja.get("stderr").get(p).asDouble(), 1e-8 * se, p + " stderr");
        }
    }

    /**
     * σ ≤ 0 (issue 16 item 4): refused without --skip-invalid, naming the row; with it, such rows (and NaN ones) are
     * left out before every term — the data, the loss and the curvature/smoothness series — so the fit equals the fit
     * of the file without them, and the report gives both counts.
     */
    @Test
    void rowsWithSigmaAtOrBelowZeroAreMaskedBeforeEveryTerm() throws Exception {
        StringBuilder with = new StringBuilder("x,y,s\n");
        StringBuilder without = new StringBuilder("x,y,s\n");
        Random r = new Random(31);
        for (int i = 0; i < 10_000; i++) {
            double x = 10.0 * i / 9_999;
            double sigma = 0.05 * (1 + 0.5 * Math.sin(x));
            String y = Double.toString(2.5 * Math.exp(-1.3 * x) + 0.5 + sigma * r.nextGaussian());
            String s = i % 100 == 11 ? "0" : i % 100 == 61 ? "-0.5" : i % 250 == 3 ? "1e-300" : Double.toString(sigma);
            if (i % 500 == 7) {
                y = "NaN";
            }
            with.append(x).append(',').append(y).append(',').append(s).append('\n');
            if (!y.equals("NaN") && Double.parseDouble(s) > 1e-200) {
                without.append(x).append(',').append(y).append(',').append(s).append('\n');
            }
        }
        Path a = dir.resolve("bad-sigma.csv");
        Path b = dir.resolve("good-sigma.csv");
        Files.writeString(a, with);
        Files.writeString(b, without);
        String[] terms = {"--sigma", "s", "--loss", "soft_l1", "--curvature", "30", "--smoothness", "2",
            "--chunk-rows", "777"};
        Run refused = Run.fitDecay(a.toString(), terms);
        assertEquals(2, refused.code(), "sigma <= 0 is refused without --skip-invalid: " + refused.err());
        assertTrue(refused.err().contains("s") && refused.err().contains("row"), refused.err());
        Run skipped = Run.fitDecay(a.toString(), concat(terms, "--skip-invalid", "--out", dir.resolve("a.json").toString()));
        assertEquals(0, skipped.code(), skipped.err());
        // 10 000 rows: 200 sigma <= 0, 40 sigma = 1e-300 (1/sigma^2 overflows), 20 NaN y (none on those rows)
        assertTrue(skipped.out().contains("(20 rows with null, NaN or infinite values and 240 with sigma <= 0 were"
                + " skipped: --skip-invalid; 2.60 % of the rows read)"), skipped.out());
        Run clean = Run.fitDecay(b.toString(), concat(terms, "--out", dir.resolve("b.json").toString()));
        assertEquals(0, clean.code(), clean.err());
        JsonNode ja = JSON.readTree(dir.resolve("a.json").toFile());
        JsonNode jb = JSON.readTree(dir.resolve("b.json").toFile());
        assertEquals(260, ja.get("skipped_rows").asLong());
        assertEquals(jb.get("rows").asLong(), ja.get("rows").asLong());
        assertEquals(jb.get("dof").asLong(), ja.get("dof").asLong());
        assertEquals(jb.get("cost").asDouble(), ja.get("cost").asDouble(), 1e-10 * jb.get("cost").asDouble());
        for (String p : new String[] {"a", "b", "c"}) {
            double expected = jb.get("params").get(p).asDouble();
            assertEquals(expected, ja.get("params").get(p).asDouble(), 1e-10 * Math.abs(expected), p);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
