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

    private List<String> fitArgs(Path data, Path dir, int threads, Path out) {
        long chunk = ROWS >= 10_000_000 ? 65_536 : 16_384;
        return new ArrayList<>(List.of("fit", "--data", data.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0",
                "--chunk-rows", Long.toString(chunk), "--warmup", "--warmup-sample-rows", "full", "--threads",
                Integer.toString(threads), "--checkpoint-dir", dir.toString(), "--checkpoint-chunks", "4",
                "--quiet", "--out", out.toString()));
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

    @Test
    void killedAtRandomMomentsTheResumedFitEndsWithTheSameBitsAndPassCounts() throws Exception {
        Path data = tmp.resolve("decay.arrow");
        Run gen = Run.of("gen", "decay", "--rows", Long.toString(ROWS), "--out", data.toString());
        assertEquals(0, gen.code(), gen.err());
        Path refOut = tmp.resolve("reference.json");
        long t0 = System.nanoTime();
        Process ref = start(fitArgs(data, tmp.resolve("ref-ck"), 2, refOut), tmp.resolve("ref.log"));
        assertEquals(0, ref.waitFor(), Files.readString(tmp.resolve("ref.log")));
        long refNanos = System.nanoTime() - t0;
        JsonNode reference = JSON.readTree(refOut.toFile());
        SplittableRandom rng = new SplittableRandom(Long.getLong("streamlsq.kill.seed", 20261202L));
        TreeSet<String> seen = new TreeSet<>();
        int midWrite = 0;
        int kills = 0;
        int attempts = 0;
        while (kills < KILLS) {
            assertTrue(++attempts < 3 * KILLS, "could not kill the fit in time often enough: " + kills + " of " + attempts);
            Path dir = tmp.resolve("ck-" + attempts);
            int threads = kills % 2 == 0 ? 2 : 1;
            Process p = start(fitArgs(data, dir, threads, tmp.resolve("killed-" + attempts + ".json")),
                    tmp.resolve("killed-" + attempts + ".log"));
            long started = System.nanoTime();
            while (!hasCheckpoint(dir) && p.isAlive()) {
                Thread.sleep(2);
            }
            long remaining = refNanos - (System.nanoTime() - started);
            Thread.sleep(Math.max(0, (long) (rng.nextDouble() * remaining / 1e6)));
            if (!p.isAlive()) {
                continue; // finished before the kill: draw again
            }
            p.destroyForcibly(); // SIGKILL
            p.waitFor(10, TimeUnit.SECONDS);
            kills++;
            if (hasTemporary(dir)) {
                midWrite++;
            }
            Checkpoint at = Hdf5CheckpointStore.existing(dir).latest().orElseThrow();
            seen.add(at.fit().phase() + (at.fit().pending() != null ? " mid-pass" : ""));
            Path out = tmp.resolve("resumed-" + attempts + ".json");
            Path log = tmp.resolve("resumed-" + attempts + ".log");
            Process r = start(List.of("resume", dir.toString(), "--threads", threads == 2 ? "1" : "2", "--quiet",
                    "--out", out.toString()), log);
            assertEquals(0, r.waitFor(), "resume after a kill at " + at.where() + ":\n" + Files.readString(log));
            JsonNode resumed = JSON.readTree(out.toFile());
            String where = "kill " + kills + " (" + threads + " threads) at " + at.where();
            assertEquals(reference.get("params").toString(), resumed.get("params").toString(), where);
            assertEquals(reference.get("stderr").toString(), resumed.get("stderr").toString(), where);
            assertEquals(reference.get("passes").asLong(), resumed.get("passes").asLong(), where);
            assertEquals(reference.get("rows_evaluated").asLong(), resumed.get("rows_evaluated").asLong(), where);
            assertTrue(resumed.get("resumed").asBoolean(), where);
        }
        System.out.println("KillResumeTest: " + ROWS + " rows, " + kills + " kills in " + attempts + " attempts; "
                + "resume points hit " + seen + "; " + midWrite + " kills left a half-written checkpoint");
        assertTrue(seen.contains("gauss_newton mid-pass"), seen.toString());
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("warmup")), seen.toString());
        assertTrue(midWrite > 0, "no kill landed during a checkpoint write");
    }
}
