package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.checkpoint.Hdf5CheckpointStore;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.resume.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: a global search halted (as by SIGKILL) right after chosen checkpoints — in the search, in the tournament,
 * in a finalist's fit — and resumed with the other thread count ends with the same bits as the uninterrupted run, for
 * {@code --global de} (core) and {@code --global sobol} (search module), and in the middle of the search for
 * {@code --global bo}, through child JVMs and HDF5 checkpoints.
 */
class GlobalKillResumeTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Process start(List<String> lsqArgs, Path log, String... jvmProperties) throws Exception {
        return KillResumeTest.start(lsqArgs, log, jvmProperties);
    }

    private Path writeData() throws Exception {
        int n = 60_000;
        double[] x = new double[n];
        double[] y = new double[n];
        Random r = new Random(3);
        for (int i = 0; i < n; i++) {
            x[i] = 20.0 * i / (n - 1);
            y[i] = 2 * Math.sin(3.1 * x[i] + 0.4) + 0.5 + 0.1 * r.nextGaussian();
        }
        Path data = tmp.resolve("freq.arrow");
        try (RootAllocator a = new RootAllocator()) {
            io.streamlsq.arrow.ArrowWriters.writeFile(InMemoryDataSource.ofXY(x, y, 8192), List.of("x", "y"), data, 8192, a);
        }
        return data;
    }

    private List<String> args(String method, Path data, Path dir, int threads, Path out) {
        return new ArrayList<>(List.of("fit", "--data", data.toString(), "--model", "A*sin(w*x+phi)+c", "--p0",
                "A=1,w=1,phi=0,c=0", "--bounds", "A=0:5,w=0.1:6,phi=-3.1416:3.1416,c=-2:2", "--global", method,
                "--global-budget", "32", "--global-sample-rows", "3000", "--seed", "4", "--threads",
                Integer.toString(threads), "--checkpoint-dir", dir.toString(), "--checkpoint-every", "24h", "--checkpoint-chunks", "16",
                "--quiet", "--out", out.toString()));
    }

    private static String describe(Checkpoint c) {
        return c.fit().phase() + "/" + c.fit().global().stage();
    }

    void haltedAndResumedGivesTheSameBits(String method) throws Exception {
        haltedAndResumedGivesTheSameBits(method, true);
    }

    /** With {@code allKinds} false, only a halt in the middle of the search (the part that is the method's own). */
    void haltedAndResumedGivesTheSameBits(String method, boolean allKinds) throws Exception {
        Path data = writeData();
        Path refDir = tmp.resolve(method + "-ref");
        Path refOut = tmp.resolve(method + "-ref.json");
        List<String> ref = args(method, data, refDir, 2, refOut);
        ref.addAll(List.of("--checkpoint-keep", "1000000"));
        Process p = start(ref, tmp.resolve("ref.log"));
        assertEquals(0, p.waitFor(), Files.readString(tmp.resolve("ref.log")));
        JsonNode reference = JSON.readTree(refOut.toFile());
        assertTrue(reference.get("global").get("rounds").size() >= 1, "a tournament round: " + reference.get("global"));
        List<Path> files = Hdf5CheckpointStore.checkpointFiles(refDir);
        // the global group is plain HDF5 that h5py reads: the trials' scores as the result JSON lists the best of them
        Process py = new ProcessBuilder("/usr/bin/python3", "-c", "import h5py,sys\nf=h5py.File(sys.argv[1],'r')\n"
                + "g=f['phase_state/global']\nprint(g['method'][()].decode(), len(g['trials/score']), min(g['trials/score']))",
                files.get(files.size() - 1).toString()).redirectErrorStream(true).start();
        String h5 = new String(py.getInputStream().readAllBytes()).trim();
        assertEquals(0, py.waitFor(), h5);
        String[] parts = h5.split(" ");
        assertEquals(method + " 32", parts[0] + " " + parts[1], h5);
        assertEquals(reference.get("global").get("best_trials").get(0).get("score").asDouble(), Double.parseDouble(parts[2]), 0.0,
                h5);
        List<String> kinds = new ArrayList<>();
        for (Path f : files) {
            kinds.add(describe(Hdf5CheckpointStore.read(f)));
        }
        TreeSet<Integer> chosen = new TreeSet<>();
        for (String kind : allKinds ? new TreeSet<>(kinds) : Set.<String>of()) {
            chosen.add(kinds.indexOf(kind) + 1);
        }
        chosen.add(2 + kinds.indexOf("global/0")); // a search mid-way: after its first batch
        Set<String> covered = new TreeSet<>();
        int run = 0;
        for (int n : chosen) {
            int threads = ++run % 2 == 0 ? 2 : 1;
            Path dir = tmp.resolve(method + "-halt-" + n);
            Process h = start(args(method, data, dir, threads, tmp.resolve("halted.json")), tmp.resolve("halted.log"),
                    "-D" + HaltAfterCheckpoint.PROPERTY + "=" + n);
            assertEquals(HaltAfterCheckpoint.STATUS, h.waitFor(), Files.readString(tmp.resolve("halted.log")));
            String where = describe(Hdf5CheckpointStore.newest(dir).checkpoint());
            covered.add(where);
            Path out = tmp.resolve("resumed.json");
            Process r = start(List.of("resume", dir.toString(), "--threads", threads == 2 ? "1" : "2", "--quiet", "--out",
                    out.toString()), tmp.resolve("resumed.log"));
            assertEquals(0, r.waitFor(), "resume after checkpoint " + n + " (" + where + "):\n"
                    + Files.readString(tmp.resolve("resumed.log")));
            JsonNode resumed = JSON.readTree(out.toFile());
            for (String field : List.of("params", "stderr", "passes", "rows_evaluated", "cost")) {
                assertEquals(reference.get(field).toString(), resumed.get(field).toString(), field + " after " + where);
            }
            for (String field : List.of("trials", "best_trials", "rounds", "finalists", "winner", "rows_evaluated")) {
                assertEquals(reference.get("global").get(field).toString(), resumed.get("global").get(field).toString(),
                        "global " + field + " after " + where);
            }
        }
        assertTrue(covered.containsAll(allKinds ? List.of("global/0", "global/1", "gauss_newton/2") : List.of("global/0")),
                covered + " of " + kinds);
    }

    @Test
    void differentialEvolution() throws Exception {
        haltedAndResumedGivesTheSameBits("de");
    }

    @Test
    void sobol() throws Exception {
        haltedAndResumedGivesTheSameBits("sobol");
    }

    /**
     * A library optimizer cannot be checkpointed mid-search: halted there, the resumed search starts it anew with a
     * derived seed, keeps the trials it had run, spends the rest of the budget and says so.
     */
    @Test
    void aLibraryOptimizerStartsAnewOnResumeAndKeepsItsTrials() throws Exception {
        Path data = writeData();
        Path dir = tmp.resolve("cmaes-halt");
        Process h = start(args("cmaes", data, dir, 2, tmp.resolve("h.json")), tmp.resolve("h.log"),
                "-D" + HaltAfterCheckpoint.PROPERTY + "=3"); // global start, then after the first and second batches
        assertEquals(HaltAfterCheckpoint.STATUS, h.waitFor(), Files.readString(tmp.resolve("h.log")));
        Checkpoint c = Hdf5CheckpointStore.newest(dir).checkpoint();
        assertEquals("global/0", describe(c));
        int before = c.fit().global().trials().size();
        assertTrue(before > 0 && c.fit().global().optimizer() == null, "trials " + before);
        Path out = tmp.resolve("r.json");
        Process r = start(List.of("resume", dir.toString(), "--quiet", "--out", out.toString()), tmp.resolve("r.log"));
        assertEquals(0, r.waitFor(), Files.readString(tmp.resolve("r.log")));
        JsonNode g = JSON.readTree(out.toFile()).get("global");
        assertEquals(32, g.get("trials").asInt());
        assertTrue(g.get("note").asText().startsWith("resumed after " + before + " trials: cmaes cannot be checkpointed"),
                g.toString());
    }

    /** Bayesian search's state (observations, hyperparameters, generator) through an HDF5 checkpoint (issue 15, T3.8). */
    @Test
    void bayesianSearch() throws Exception {
        haltedAndResumedGivesTheSameBits("bo", false);
    }
}
