package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up guard (issue 13): a child JVM fits 10⁴ CSV rows as {@code ./lsq fit … --quiet} does, with
 * {@code -Xlog:class+load}, and the classes it loaded are counted. Counting instead of timing keeps the guard
 * deterministic on a loaded machine: the same run loads the same classes.
 *
 * <p>Measured on Java 17.0.15 with this test's class path (docs/benchmarks.md "Start-up"): 3 198 classes before
 * issue 13 (Jackson's YAML mapper made eagerly: 386 Jackson classes; the Arrow allocator made for every fit: about
 * 100 Arrow, SLF4J and logging classes; every subcommand's options read by picocli), 2 669 after. (The shaded jar
 * loads fewer: 2 932 before, 2 398 after; with the separate jars of this class path the JDK loads about 270 more of
 * its own classes, java.security and sun.security ones among them.) The bound, {@value #MAX_CLASSES}, is the
 * measured count plus 10 % and stays below the old count; bringing either eager load back, or loading any class of
 * the libraries a CSV fit without {@code --config}, {@code --out} or {@code --metrics-file} does not use, fails here.
 */
class StartupClassesTest {
    static final int MAX_CLASSES = 2950;
    /** Packages a plain CSV fit must not touch: YAML/JSON, Arrow memory, metrics. */
    static final List<String> UNUSED = List.of("com.fasterxml.jackson.", "org.yaml.snakeyaml.", "org.apache.arrow.",
            "io.netty.", "io.micrometer.", "io.prometheus.", "org.slf4j.");
    /** An interface the verifier loads because method signatures name it; loading it runs no Arrow code. */
    static final String SIGNATURE_ONLY = "org.apache.arrow.memory.BufferAllocator";

    @TempDir
    Path tmp;

    @Test
    void smallCsvFitLoadsFewClasses() throws IOException, InterruptedException {
        Path data = tmp.resolve("decay.csv");
        Run gen = Run.of("gen", "decay", "--rows", "10000", "--out", data.toString());
        assertEquals(0, gen.code(), gen.err());
        Path log = tmp.resolve("classes.txt");
        Path out = tmp.resolve("stdout.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--add-modules=jdk.incubator.vector", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"), Lsq.class.getName(),
                "fit", "--data", data.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0", "--quiet"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the fit did not finish");
        assertEquals(0, p.exitValue(), Files.readString(out));
        assertTrue(Files.readString(out).contains("converged"), Files.readString(out));

        List<String> classes = Files.readAllLines(log).stream().filter(l -> l.contains(" source: "))
                .map(l -> l.substring(l.indexOf(']', l.indexOf("[class,load]")) + 1).trim().split(" ")[0])
                .collect(Collectors.toList());
        Map<String, Long> byPackage = new TreeMap<>(classes.stream().collect(Collectors.groupingBy(
                StartupClassesTest::topPackage, Collectors.counting())));
        String summary = classes.size() + " classes; by package: " + byPackage;
        System.out.println("StartupClassesTest: " + summary);
        for (String prefix : UNUSED) {
            List<String> hits = classes.stream().filter(c -> c.startsWith(prefix) && !c.equals(SIGNATURE_ONLY)).collect(Collectors.toList());
            assertTrue(hits.isEmpty(), "a CSV fit loaded " + hits.size() + " " + prefix + "* classes, e.g. "
                    + hits.subList(0, Math.min(5, hits.size())));
        }
        assertTrue(classes.size() <= MAX_CLASSES, "a 10⁴-row CSV fit loaded " + summary + " (bound " + MAX_CLASSES
                + "; docs/benchmarks.md \"Start-up\")");
        assertTrue(classes.size() > 1000, "implausibly few classes counted, is the log format read right? " + summary);
    }

    /** The first three name parts (e.g. {@code org.codehaus.janino}), or the package of a shorter name. */
    private static String topPackage(String cls) {
        String[] parts = cls.split("\\.");
        int n = Math.min(3, parts.length - 1);
        return n <= 0 ? "(default)" : String.join(".", java.util.Arrays.copyOf(parts, n));
    }
}
