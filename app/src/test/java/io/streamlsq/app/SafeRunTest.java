package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 through the command: outputs never destroy inputs or each other, are checked before the fit and
 * follow the umask; unknown uncertainties are null, never 0; failures say why on stderr even with --quiet;
 * legitimate NaN from a model and absurd sigma or options are reported as what they are.
 */
class SafeRunTest {
    @TempDir
    static Path dir;
    static Path small;
    static String smallText;

    @BeforeAll
    static void files() throws IOException {
        small = dir.resolve("small.csv");
        StringBuilder b = new StringBuilder("x,y\n");
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            double x = 5.0 * i / 999;
            b.append(String.format(Locale.ROOT, "%.6f,%.6f%n", x, 2.5 * Math.exp(-1.3 * x) + 0.5 + 0.05 * rnd.nextGaussian()));
        }
        smallText = b.toString();
        Files.writeString(small, smallText);
    }

    private static Run fit(String data, String... more) {
        return Run.fitDecay(data, more);
    }

    private static void refusedBeforeFitting(Run r, String... fragments) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("", r.out(), "nothing was fitted");
        assertFalse(r.err().contains("\tat "), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr should mention '" + f + "': " + r.err());
        }
    }

    @Test
    void anOutputThatIsTheInputIsRefusedAndTheInputKept() throws IOException {
        Path victim = dir.resolve("victim.csv");
        Files.writeString(victim, smallText);
        Path link = dir.resolve("link.csv");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, victim);
        String[][] variants = {
            {"--out", victim.toString()},
            {"--metrics-file", victim.toString()},
            {"--out", dir.resolve("sub/../victim.csv").toString()},
            {"--out", link.toString()},
            {"--metrics-file", link.toString(), "--out", dir.resolve("fine.json").toString()},
        };
        for (String[] v : variants) {
            refusedBeforeFitting(fit(victim.toString(), v), "is the same file as the data file");
            assertEquals(smallText, Files.readString(victim), "the data is untouched");
        }
        refusedBeforeFitting(fit(link.toString(), "--out", victim.toString()), "is the same file as the data file");
    }

    @Test
    void twoOutputsOnOneFileAreRefused() {
        Path same = dir.resolve("same.json");
        refusedBeforeFitting(fit(small.toString(), "--out", same.toString(), "--metrics-file", same.toString()),
                "--metrics-file", "is the same file as --out");
        assertFalse(Files.exists(same));
    }

    @Test
    void anOutputInADirectoryOrAReadOnlyPlaceIsRefusedBeforeTheFit() throws IOException {
        refusedBeforeFitting(fit(small.toString(), "--out", dir.toString()), "is a directory");
        Path ro = dir.resolve("ro");
        Files.createDirectories(ro);
        Files.setPosixFilePermissions(ro, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
        try {
            Path probe = ro.resolve("probe");
            boolean rootIgnoresModes;
            try {
                Files.createFile(probe);
                Files.delete(probe);
                rootIgnoresModes = true;
            } catch (IOException e) {
                rootIgnoresModes = false;
            }
            if (!rootIgnoresModes) {
                refusedBeforeFitting(fit(small.toString(), "--out", ro.resolve("r.json").toString()), "cannot create a file in");
            }
            // a file in place of a directory is refused whatever the user
            Path notDir = dir.resolve("plain-file");
            Files.writeString(notDir, "x");
            refusedBeforeFitting(fit(small.toString(), "--out", notDir.resolve("r.json").toString()), "cannot create a file in");
        } finally {
            Files.setPosixFilePermissions(ro, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
        }
    }

    @Test
    void resultFilesFollowTheUmaskAndLeaveNoTemporaryFile() throws IOException {
        Path outDir = dir.resolve("outs");
        Path out = outDir.resolve("r.json");
        Path metrics = outDir.resolve("m.prom");
        Run r = fit(small.toString(), "--out", out.toString(), "--metrics-file", metrics.toString());
        assertEquals(0, r.code(), r.err());
        // a new file under this process's umask, as `touch` would make it
        Path touched = outDir.resolve("touched");
        Files.createFile(touched);
        assertEquals(Files.getPosixFilePermissions(touched), Files.getPosixFilePermissions(out));
        assertEquals(Files.getPosixFilePermissions(touched), Files.getPosixFilePermissions(metrics));
        try (var files = Files.list(outDir)) {
            assertEquals(Set.of("r.json", "m.prom", "touched"),
                    files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void unknownStandardErrorsAreNullNotZero() throws IOException {
        String[][] cases = {
            {"a*exp(-b*x)+c", "--max-time", "1ms"},      // stopped before any pass
            {"a*exp(-b*x)/0+c"},                          // the model is infinite everywhere
            {"a*log(-b*x-1)+c"},                          // NaN everywhere: log of a negative number
        };
        for (String[] c : cases) {
            Path out = dir.resolve("u.json");
            Files.deleteIfExists(out);
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("fit", "--data", small.toString(),
                    "--model", c[0], "--p0", "a=1,b=0.5,c=0", "--quiet", "--out", out.toString()));
            args.addAll(java.util.List.of(c).subList(1, c.length));
            String[] all = args.toArray(new String[0]);
            Run r = Run.of(all);
            assertTrue(r.code() == 1 || r.code() == 3, c[0] + ": " + r.err());
            assertFalse(r.err().contains("internal error"), r.err());
            assertTrue(r.err().startsWith("lsq: failed: ") || r.err().startsWith("lsq: max_time: "),
                    "the reason on stderr even with --quiet: " + r.err());
            JsonNode j = new ObjectMapper().readTree(out.toFile());
            for (String p : new String[] {"a", "b", "c"}) {
                assertTrue(j.get("stderr").get(p).isNull(), c[0] + ": stderr of " + p + " = " + j.get("stderr").get(p));
            }
            j.get("covariance").forEach(row -> row.forEach(v -> assertTrue(v.isNull(), "covariance " + v)));
            assertFalse(r.out().contains("+/- 0.000"), r.out());
            assertTrue(r.out().contains("+/- unknown"), r.out());
        }
    }

    @Test
    void aModelThatIsNaNIsANumericalFailureNamingTheRow() {
        Run r = Run.of("fit", "--data", small.toString(), "--model", "a*log(-b*x-1)+c", "--p0", "a=1,b=0.5,c=0");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("model value is NaN at row 0"), r.err());
        assertFalse(r.err().contains("internal error") || r.err().contains("Model.evaluate"), r.err());
    }

    @Test
    void aTinySigmaIsBadInputNamingItsRow() throws IOException {
        for (String tiny : new String[] {"1e-300", "1e-160", "4.9e-324"}) {
            Path f = dir.resolve("sig.csv");
            StringBuilder b = new StringBuilder("x,y,s\n");
            String[] rows = smallText.split("\n");
            for (int i = 1; i < rows.length; i++) {
                b.append(rows[i]).append(',').append(i - 1 == 5 ? tiny : "0.05").append('\n');
            }
            Files.writeString(f, b);
            Run r = fit(f.toString(), "--sigma", "s");
            assertEquals(2, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("sigma column 's' is " + Double.parseDouble(tiny) + " at row 5"), r.err());
        }
    }

    @Test
    void absurdOptionValuesNameTheOption() {
        String[][] cases = {
            {"--chunk-rows", "2147483647", "--chunk-rows = 2147483647 must be between 1 and 4194304"},
            {"--chunk-rows", "1000000000", "--chunk-rows"},
            {"--chunk-rows", "0", "--chunk-rows = 0 must be between 1"},
            {"--chunk-rows", "1.5", "--chunk-rows = '1.5' is not a whole number"},
            {"--max-passes", "0", "--max-passes = 0 must be between 1"},
            {"--max-time", "0s", "--max-time = 0s must be > 0"},
            {"--memory", "-1", "--memory = -1 must be between 1"},
        };
        for (String[] c : cases) {
            Run r = fit(small.toString(), c[0], c[1]);
            refusedBeforeFitting(r, c[2]);
            assertEquals(1, r.errorLines(), r.err());
        }
        Run ok = fit(small.toString(), "--chunk-rows", "1e3");
        assertEquals(0, ok.code(), ok.err());
        refusedBeforeFitting(Run.of("demo", "--threads", "0"), "--threads = 0 must be >= 1");
        refusedBeforeFitting(Run.of("demo", "--threads", "-1"), "--threads = -1 must be >= 1");
        refusedBeforeFitting(Run.of("fit", "--data", small.toString(), "--model", "pi*exp(-b*x)+c", "--p0", "pi=1,b=0.5,c=0"),
                "'pi', which is reserved");
        refusedBeforeFitting(Run.of("gen", "decay", "--rows", "0", "--out", dir.resolve("g0.csv").toString()),
                "--rows = 0 must be >= 1");
        assertFalse(Files.exists(dir.resolve("g0.csv")));
    }

    @Test
    void wrongPathsSayWhatIsWrong() throws IOException {
        refusedBeforeFitting(Run.of("resume", small.toString()), "is a file, not a checkpoint directory");
        refusedBeforeFitting(Run.of("resume", dir.resolve("nowhere").toString()), "does not exist");
        Path d = dir.resolve("dirdata.csv");
        Files.createDirectories(d);
        refusedBeforeFitting(fit(d.toString()), "is a directory");
        refusedBeforeFitting(fit(dir.resolve("x.txt").toString()), ".h5/.hdf5", ".ipc");
        Run gen = Run.of("gen", "decay", "--rows", "10", "--out", dir.resolve("g.txt").toString());
        refusedBeforeFitting(gen, "unknown format");
        assertFalse(gen.err().contains("synthetic"), gen.err());
    }

    @Test
    void aCsvWithAStrayQuoteOrALoneCarriageReturnFitsEveryRow() throws IOException {
        String[] rows = smallText.split("\n");
        StringBuilder quote = new StringBuilder("x,y,note\n");
        StringBuilder cr = new StringBuilder("x,y\n");
        for (int i = 1; i < rows.length; i++) {
            quote.append(rows[i]).append(',').append(i == 11 ? "12\" screen" : "ok").append('\n');
            cr.append(rows[i]).append(i == 500 ? "\r" : "\n");
        }
        for (StringBuilder b : new StringBuilder[] {quote, cr}) {
            Path f = dir.resolve("odd.csv");
            Files.writeString(f, b);
            Run r = fit(f.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("data points        = 1000"), r.out());
        }
        Path bom = dir.resolve("bom.csv");
        Files.writeString(bom, "\uFEFF" + smallText);
        Run r = fit(bom.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("data points        = 1000"), r.out());
    }

    @Test
    void everyRowSkippedSaysSoAndAFirstChunkOfSkippedRowsIsNotTheEnd() throws IOException {
        Path f = dir.resolve("allnan.csv");
        StringBuilder b = new StringBuilder("x,y\n");
        for (int i = 0; i < 100; i++) {
            b.append("nan,").append(i).append('\n');
        }
        Files.writeString(f, b);
        Run r = fit(f.toString(), "--skip-invalid", "--chunk-rows", "16");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("all 100 rows read were skipped as invalid"), r.err());
        // the first chunk entirely invalid, the rest fine: the fit runs on the rest
        String[] rows = smallText.split("\n");
        StringBuilder c = new StringBuilder("x,y\n");
        for (int i = 1; i < rows.length; i++) {
            c.append(i <= 16 ? "NaN," + rows[i].split(",")[1] : rows[i]).append('\n');
        }
        Files.writeString(f, c);
        r = fit(f.toString(), "--skip-invalid", "--chunk-rows", "16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("data points        = 984"), r.out());
        assertTrue(r.out().contains("16 rows with null, NaN or infinite values were skipped"), r.out());
    }

    @Test
    void genWritesHdf5ThatFitsWithThePrintedCommand() throws IOException {
        Path h5 = dir.resolve("g.h5");
        Run g = Run.of("gen", "decay", "--rows", "20000", "--out", h5.toString());
        assertEquals(0, g.code(), g.err());
        String cmd = g.out().substring(g.out().indexOf("lsq fit ") + 4).trim();
        assertTrue(cmd.endsWith("--x x=/data/x --y /data/y"), cmd);
        Run r = Run.of("fit", "--data", h5.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0", "--x",
                "x=/data/x", "--y", "/data/y", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("data points        = 20000"), r.out());
    }

    @Test
    void helpTextsAreCurrent() {
        Run fit = Run.of("fit", "--help");
        assertEquals(0, fit.code());
        for (String f : new String[] {".parquet", ".arrows", ".h5", "130 interrupted", "3 stopped by --max-passes",
            "--checkpoint-dir ck"}) {
            assertTrue(fit.out().contains(f), "fit --help should mention " + f + ":\n" + fit.out());
        }
        Run inspect = Run.of("inspect", "--help");
        assertTrue(inspect.out().contains("Examples:") && inspect.out().contains("checkpoint directory"), inspect.out());
        Run gen = Run.of("gen", "--help");
        assertTrue(gen.out().contains(".h5") && gen.out().contains(".feather"), gen.out());
        Run resume = Run.of("resume", "--help");
        assertTrue(resume.out().contains("--max-passes") && resume.out().contains("--max-time"), resume.out());
    }
}
