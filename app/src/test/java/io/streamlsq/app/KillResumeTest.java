package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.checkpoint.Hdf5CheckpointStore;
import io.streamlsq.resume.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6: a real child JVM runs {@code lsq fit} with checkpoints every few chunks and is killed with
 * SIGKILL at random moments (warmup, Gauss-Newton, mid-pass, mid-write); each time {@code lsq resume}
 * (another child JVM, with one thread when the killed one had two) finishes with parameters bit-identical
 * to the uninterrupted run and the same pass and row-evaluation counts.
 *
 * <p>CI runs 10⁶ rows; the full 10⁷-row run is
 * {@code mvn -B -ntp verify -pl app -am -Dtest=KillResumeTest -Dsurefire.failIfNoSpecifiedTests=false -Dstreamlsq.kill.rows=10000000}.
 */
class KillResumeTest {
    static final long ROWS = Long.getLong("streamlsq.kill.rows", 1_000_000L);
    static final int KILLS = Integer.getInteger("streamlsq.kill.count", 20);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Process start(List<String> lsqArgs, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--add-modules=jdk.incubator.vector", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Lsq.class.getName()));
        cmd.addAll(lsqArgs);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Half the kills fit with an L-BFGS warmup on the full data (its passes dominate), half with Gauss-Newton only. */
    private List<String> fitArgs(boolean warmup, Path data, Path dir, int threads, Path out) {
        long chunk = ROWS >= 10_000_000 ? 65_536 : 16_384;
        List<String> a = new ArrayList<>(List.of("fit", "--data", data.toString(), "--model", "a*exp(-b*x)+c", "--p0",
                "a=1,b=0.5,c=0", "--chunk-rows", Long.toString(chunk), "--threads", Integer.toString(threads),
                "--checkpoint-dir", dir.toString(), "--checkpoint-chunks", "4", "--quiet", "--out", out.toString()));
        if (warmup) {
            a.addAll(List.of("--warmup", "--warmup-sample-rows", "full"));
        }
        return a;
    }

    private static boolean hasCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().matches("ckpt-\\d+\\.h5"));
        }
    }

    private static boolean hasTemporary(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".h5.tmp"));
        }
    }

    /** Waits (the child runs) until the moment to kill it. */
    interface Moment {
        void await(Process p, Path dir) throws Exception;
    }

    /** One kill: the child is killed at {@code moment}, resumed with the other thread count, checked. Null if it finished first. */
    private String killAndResume(boolean warmup, JsonNode reference, int attempt, int threads, Moment moment) throws Exception {
        Path dir = tmp.resolve("ck-" + attempt);
        Process p = start(fitArgs(warmup, data, dir, threads, tmp.resolve("killed-" + attempt + ".json")),
                tmp.resolve("killed-" + attempt + ".log"));
        moment.await(p, dir);
        if (!p.isAlive()) {
            return null;
        }
        p.destroyForcibly(); // SIGKILL
        p.waitFor(10, TimeUnit.SECONDS);
        boolean midWrite = hasTemporary(dir);
        Checkpoint c = Hdf5CheckpointStore.existing(dir).latest().orElseThrow();
        Path out = tmp.resolve("resumed-" + attempt + ".json");
        Path log = tmp.resolve("resumed-" + attempt + ".log");
        Process r = start(List.of("resume", dir.toString(), "--threads", threads == 2 ? "1" : "2", "--quiet",
                "--out", out.toString()), log);
        assertEquals(0, r.waitFor(), "resume after a kill at " + c.where() + ":\n" + Files.readString(log));
        JsonNode resumed = JSON.readTree(out.toFile());
        String where = "kill " + attempt + " (" + threads + " threads, warmup " + warmup + ") at " + c.where();
        assertEquals(reference.get("params").toString(), resumed.get("params").toString(), where);
        assertEquals(reference.get("stderr").toString(), resumed.get("stderr").toString(), where);
        assertEquals(reference.get("passes").asLong(), resumed.get("passes").asLong(), where);
        assertEquals(reference.get("rows_evaluated").asLong(), resumed.get("rows_evaluated").asLong(), where);
        assertTrue(resumed.get("resumed").asBoolean(), where);
        return c.fit().phase() + (c.fit().pending() != null ? " mid-pass" : "") + (midWrite ? " (during a write)" : "");
    }

    private Path data;

    @Test
    void killedAtRandomMomentsTheResumedFitEndsWithTheSameBitsAndPassCounts() throws Exception {
        data = tmp.resolve("decay.arrow");
        Run gen = Run.of("gen", "decay", "--rows", Long.toString(ROWS), "--out", data.toString());
        assertEquals(0, gen.code(), gen.err());
        SplittableRandom rng = new SplittableRandom(Long.getLong("streamlsq.kill.seed", 20261202L));
        List<String> seen = new ArrayList<>();
        int attempts = 0;
        JsonNode gaussNewtonReference = null;
        for (boolean warmup : new boolean[] {true, false}) {
            Path refOut = tmp.resolve("reference-" + warmup + ".json");
            long t0 = System.nanoTime();
            Process ref = start(fitArgs(warmup, data, tmp.resolve("ref-ck-" + warmup), 2, refOut), tmp.resolve("ref.log"));
            assertEquals(0, ref.waitFor(), Files.readString(tmp.resolve("ref.log")));
            long refNanos = System.nanoTime() - t0;
            JsonNode reference = JSON.readTree(refOut.toFile());
            gaussNewtonReference = reference;
            int half = KILLS / 2;
            double span = 0.85; // of the time left after the first checkpoint; shrinks when a kill comes too late
            for (int slot = 0; slot < half; ) {
                assertTrue(++attempts < 3 * KILLS, "could not kill the fit in time often enough: " + seen.size() + " of " + attempts);
                int k = slot;
                double f = span;
                String hit = killAndResume(warmup, reference, attempts, seen.size() % 2 == 0 ? 2 : 1, (p, dir) -> {
                    long started = System.nanoTime();
                    while (!hasCheckpoint(dir) && p.isAlive()) {
                        Thread.sleep(2);
                    }
                    // stratified: kill k of this half lands in the k-th tenth of the time left after the first checkpoint
                    long remaining = refNanos - (System.nanoTime() - started);
                    Thread.sleep(Math.max(0, (long) (f * (k + rng.nextDouble()) / half * remaining / 1e6)));
                });
                if (hit != null) {
                    seen.add(hit);
                    slot++;
                } else {
                    span *= 0.8;
                }
            }
        }
        // and kills aimed at a checkpoint write: SIGKILL as soon as a temporary file appears
        int aimed = 0;
        for (int i = 0; i < 10 && seen.stream().noneMatch(h -> h.endsWith("(during a write)")); i++) {
            String hit = killAndResume(false, gaussNewtonReference, ++attempts, 2, (p, dir) -> {
                while (p.isAlive() && !(Files.isDirectory(dir) && hasCheckpoint(dir) && hasTemporary(dir))) {
                    Thread.onSpinWait();
                }
            });
            if (hit != null) {
                seen.add(hit);
                aimed++;
            }
        }
        System.out.println("KillResumeTest: " + ROWS + " rows, " + seen.size() + " kills (" + aimed + " aimed at a write) in "
                + attempts + " attempts; resume points hit: " + new TreeSet<>(seen));
        assertTrue(seen.size() >= KILLS);
        assertTrue(seen.stream().anyMatch(h -> h.startsWith("gauss_newton mid-pass")), seen.toString());
        assertTrue(seen.stream().anyMatch(h -> h.startsWith("warmup mid-pass")), seen.toString());
        assertTrue(seen.stream().anyMatch(h -> h.endsWith("(during a write)")), "no kill landed during a checkpoint write");
    }

    @Test
    void sigtermAndSigintWriteACheckpointExitWith130AndTheResumeEndsWithTheSameBits() throws Exception {
        data = tmp.resolve("decay.arrow");
        assertEquals(0, Run.of("gen", "decay", "--rows", Long.toString(ROWS), "--out", data.toString()).code());
        Path refOut = tmp.resolve("reference.json");
        Process ref = start(fitArgs(false, data, tmp.resolve("ref-ck"), 2, refOut), tmp.resolve("ref.log"));
        assertEquals(0, ref.waitFor(), Files.readString(tmp.resolve("ref.log")));
        JsonNode reference = JSON.readTree(refOut.toFile());
        for (String signal : List.of("TERM", "INT")) {
            Path dir = tmp.resolve("ck-" + signal);
            Path log = tmp.resolve(signal + ".log");
            Process p = start(fitArgs(false, data, dir, 2, tmp.resolve(signal + ".json")), log);
            while (!hasCheckpoint(dir) && p.isAlive()) {
                Thread.sleep(2);
            }
            assertTrue(p.isAlive(), "the fit ended before the signal: use more rows");
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
            assertEquals(0, kill.waitFor());
            assertEquals(Lsq.INTERRUPTED, p.waitFor(), Files.readString(log));
            String err = Files.readString(log);
            assertTrue(err.contains("lsq: " + signal + ": writing a checkpoint") && err.contains("lsq resume " + dir), err);
            assertTrue(!hasTemporary(dir), "the checkpoint written on " + signal + " is complete");
            Path out = tmp.resolve(signal + "-resumed.json");
            Process r = start(List.of("resume", dir.toString(), "--quiet", "--out", out.toString()), tmp.resolve(signal + "-r.log"));
            assertEquals(0, r.waitFor(), Files.readString(tmp.resolve(signal + "-r.log")));
            JsonNode resumed = JSON.readTree(out.toFile());
            assertEquals(reference.get("params").toString(), resumed.get("params").toString(), signal);
            assertEquals(reference.get("passes").asLong(), resumed.get("passes").asLong(), signal);
        }
    }
}
