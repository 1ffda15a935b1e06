package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.checkpoint.Hdf5CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 6 through {@code lsq}: fit with checkpoints, resume, inspect, and every refusal with exit code 2. */
class CheckpointCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path data;

    @BeforeEach
    void data() {
        data = tmp.resolve("decay.arrow");
        assertEquals(0, Run.of("gen", "decay", "--rows", "200000", "--out", data.toString()).code());
    }

    private Run fit(Path dir, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("fit", "--data", data.toString(), "--model", "a*exp(-b*x)+c",
                "--p0", "a=1,b=0.5,c=0", "--chunk-rows", "8192", "--checkpoint-dir", dir.toString(),
                "--checkpoint-chunks", "5"));
        a.addAll(Arrays.asList(more));
        return Run.of(a.toArray(String[]::new));
    }

    @Test
    void resumeRunsTheStoredFitAndInspectShowsIt() throws Exception {
        Path dir = tmp.resolve("ck");
        Path out = tmp.resolve("fit.json");
        Run f = fit(dir, "--out", out.toString());
        assertEquals(0, f.code(), f.err());
        Run i = Run.of("inspect", dir.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("phase       finalize") && i.out().contains("model       a*exp(-b*x)+c")
                && i.out().contains("parameters") && i.out().contains("cost "), i.out());
        Path again = tmp.resolve("resumed.json");
        Run r = Run.of("resume", dir.toString(), "--out", again.toString(), "--threads", "1", "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode a = JSON.readTree(out.toFile());
        JsonNode b = JSON.readTree(again.toFile());
        assertEquals(a.get("params").toString(), b.get("params").toString());
        assertEquals(a.get("passes"), b.get("passes"));
        assertTrue(b.get("resumed").asBoolean());
        // the data moved: --data points resume at it
        Path moved = tmp.resolve("moved.arrow");
        Files.copy(data, moved);
        Files.setLastModifiedTime(moved, Files.getLastModifiedTime(data));
        r = Run.of("resume", dir.toString(), "--data", moved.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void refusalsSayWhatIsWrongAndExitWith2() throws Exception {
        Path dir = tmp.resolve("ck");
        assertEquals(0, fit(dir).code());
        Run twice = fit(dir);
        assertEquals(2, twice.code());
        assertTrue(twice.err().contains("already holds checkpoints") && twice.err().contains("lsq resume"), twice.err());

        Run none = Run.of("resume", tmp.resolve("nowhere").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("nowhere does not exist"), none.err());
        Files.createDirectories(tmp.resolve("empty"));
        Run empty = Run.of("resume", tmp.resolve("empty").toString());
        assertEquals(2, empty.code());
        assertTrue(empty.err().contains("holds no checkpoint"), empty.err());

        Path other = tmp.resolve("other.arrow");
        assertEquals(0, Run.of("gen", "decay", "--rows", "100000", "--out", other.toString()).code());
        Run wrong = Run.of("resume", dir.toString(), "--data", other.toString(), "--quiet");
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("data with fingerprint") && wrong.err().contains("same data"), "[" + wrong.err() + "]");

        List<Path> files = Hdf5CheckpointStore.checkpointFiles(dir);
        byte[] previous = Files.readAllBytes(files.get(files.size() - 2));
        byte[] whole = Files.readAllBytes(files.get(files.size() - 1));
        for (int cut : new int[] {0, 40, 300, whole.length / 2, whole.length - 1}) {
            // each resume writes on into its directory: a fresh copy per cut
            Path copy = Files.createDirectories(tmp.resolve("cut-" + cut));
            Path older = copy.resolve(files.get(files.size() - 2).getFileName());
            Path newest = copy.resolve(files.get(files.size() - 1).getFileName());
            Files.write(older, previous);
            Files.write(newest, Arrays.copyOf(whole, cut));
            Run bad = Run.of("inspect", newest.toString());
            assertEquals(2, bad.code(), "cut at " + cut);
            assertTrue(bad.err().contains(newest.toString()) && bad.errorLines() == 1, bad.err());
            // resume falls back to the previous checkpoint, with a warning
            Run back = Run.of("resume", copy.toString());
            assertEquals(0, back.code(), back.err());
            assertTrue(back.err().contains("using the previous checkpoint " + older.getFileName()), back.err());
            if (cut == 300) {
                Files.write(older, Arrays.copyOf(previous, 100));
                Files.write(newest, Arrays.copyOf(whole, cut));
                try (var s = Files.list(copy)) {
                    s.filter(p -> !p.equals(older) && !p.equals(newest)).forEach(p -> p.toFile().delete());
                }
                Run gone = Run.of("resume", copy.toString());
                assertEquals(2, gone.code());
                assertTrue(gone.err().contains("no readable checkpoint in"), gone.err());
            }
        }

        Run notH5 = Run.of("inspect", data.toString());
        assertEquals(2, notH5.code());
        assertTrue(notH5.err().contains("not a readable HDF5 file"), notH5.err());
    }

    @Test
    void aCheckpointRelabelledWithAnotherMajorVersionIsRefusedByVersion() throws Exception {
        Path dir = tmp.resolve("ck");
        assertEquals(0, fit(dir).code());
        List<Path> files = Hdf5CheckpointStore.checkpointFiles(dir);
        Path f = files.get(files.size() - 1);
        Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                "import h5py,sys; f=h5py.File(sys.argv[1],'r+'); f.attrs['version']=b'4.0'; f.close()", f.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        Run bad = Run.of("inspect", f.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("format version 4.0") && bad.err().contains("major version 3"), bad.err());
        Run r = Run.of("resume", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("format version 4.0"), r.err());
    }

    @Test
    void aFitStoppedByItsBudgetContinuesWithALargerOneToTheUnlimitedAnswer() throws Exception {
        Path plainOut = tmp.resolve("plain.json");
        Run plain = fit(tmp.resolve("plain-ck"), "--out", plainOut.toString(), "--quiet");
        assertEquals(0, plain.code(), plain.err());
        // budgets below the 3 full passes the fit needs (after its presolve on samples)
        for (String budget : new String[] {"--max-passes=1", "--max-passes=2"}) {
            Path dir = tmp.resolve("budget-" + budget.substring(budget.indexOf('=') + 1));
            Run stopped = fit(dir, budget, "--quiet");
            assertEquals(Lsq.NOT_CONVERGED, stopped.code(), stopped.out() + stopped.err());
            assertTrue(stopped.err().contains("max_passes"), stopped.err());
            // the same budget again: nothing more to do, the same stop
            Run same = Run.of("resume", dir.toString(), "--quiet");
            assertEquals(Lsq.NOT_CONVERGED, same.code(), same.err());
            Path out = tmp.resolve("continued.json");
            Run more = Run.of("resume", dir.toString(), "--max-passes", "500", "--quiet", "--out", out.toString());
            assertEquals(0, more.code(), more.out() + more.err());
            JsonNode a = JSON.readTree(plainOut.toFile());
            JsonNode b = JSON.readTree(out.toFile());
            assertEquals(a.get("params").toString(), b.get("params").toString(), budget);
            assertEquals(a.get("passes").asLong(), b.get("passes").asLong(), budget);
        }
        Path dir = tmp.resolve("budget-time");
        Run stopped = fit(dir, "--max-time", "1ms", "--quiet");
        assertEquals(Lsq.NOT_CONVERGED, stopped.code(), stopped.err());
        Run more = Run.of("resume", dir.toString(), "--max-time", "1h", "--quiet");
        assertEquals(0, more.code(), more.err());
    }

    @Test
    void inspectShowsTheCheckpointResumeWouldUseWhenTheNewestIsDamaged() throws Exception {
        Path dir = tmp.resolve("damaged");
        Run f = fit(dir, "--checkpoint-keep", "2", "--quiet");
        assertEquals(0, f.code(), f.err());
        List<Path> files = Hdf5CheckpointStore.checkpointFiles(dir);
        assertEquals(2, files.size());
        Path newest = files.get(1);
        byte[] b = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(b, b.length / 2)); // cut in half
        Run i = Run.of("inspect", dir.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains(files.get(0).getFileName().toString()), i.out());
        assertTrue(i.err().contains("warning") && i.err().contains(newest.getFileName().toString()), i.err());
        Run one = Run.of("inspect", newest.toString());
        assertEquals(2, one.code(), one.err());
        Run r = Run.of("resume", dir.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aFullDiskIsARunFailureNotBadInput() throws Exception {
        Path small = tmp.resolve("small-disk");
        Files.createDirectories(small);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0,
                "needs root to mount a 64 KiB tmpfs (the checkpoint module's DiskFullTest simulates it always)");
        try {
            Files.write(small.resolve("filler"), new byte[40 << 10]);
            Run ck = fit(small.resolve("ck"), "--quiet");
            assertEquals(Lsq.FAILED, ck.code(), ck.out() + ck.err());
            assertTrue(ck.err().contains("no space left on device"), ck.err());
            assertTrue(!ck.err().contains("internal error"), ck.err());
            Run out = Run.of("fit", "--data", data.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0",
                    "--quiet", "--out", small.resolve("r.json").toString(), "--metrics-file",
                    small.resolve("m.prom").toString());
            assertTrue(out.code() == Lsq.FAILED || out.code() == 0, out.err());
            try (var s = Files.list(small)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
            }
            Run gen = Run.of("gen", "decay", "--rows", "100000", "--out", small.resolve("g.csv").toString());
            assertEquals(Lsq.FAILED, gen.code(), gen.err());
            assertTrue(gen.err().contains("cannot write") && !gen.err().contains("internal error"), gen.err());
            assertTrue(!Files.exists(small.resolve("g.csv")), "no partial file");
        } finally {
            Process u = new ProcessBuilder("umount", small.toString()).redirectErrorStream(true).start();
            String why = new String(u.getInputStream().readAllBytes());
            if (u.waitFor() != 0) {
                Process l = new ProcessBuilder("sh", "-c", "ls -la /proc/" + ProcessHandle.current().pid()
                        + "/fd /proc/" + ProcessHandle.current().pid() + "/maps | grep small-disk").redirectErrorStream(true).start();
                String open = new String(l.getInputStream().readAllBytes());
                new ProcessBuilder("umount", "-l", small.toString()).start().waitFor();
                org.junit.jupiter.api.Assertions.fail("files left open on the full disk: " + why + open);
            }
        }
    }

    @Test
    void theKernelIsRecordedAndAResumeWithAnotherOneSaysSo() throws Exception {
        Path dir = tmp.resolve("kernel");
        Path out = tmp.resolve("kernel.json");
        Run f = fit(dir, "--out", out.toString(), "--quiet", "--max-passes", "2");
        assertEquals(Lsq.NOT_CONVERGED, f.code(), f.err());
        String kernel = JSON.readTree(out.toFile()).get("kernel").asText();
        assertEquals(FitRunner.kernel(), kernel);
        assertEquals("normal", JSON.readTree(out.toFile()).get("solver").asText());
        assertEquals(kernel, Hdf5CheckpointStore.newest(dir).checkpoint().attributes().get("kernel"));
        assertTrue(kernel.startsWith("vector"), "the tests run with the Vector API module: " + kernel);
        // a JVM without the Vector API module computes with the scalar kernel: the resume says so, and finishes
        Path log = tmp.resolve("scalar.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Lsq.class.getName(), "resume", dir.toString(), "--max-passes", "500", "--quiet")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertEquals(0, p.waitFor(), Files.readString(log));
        String text = Files.readString(log);
        assertTrue(text.contains("the checkpoint was written with the " + kernel + " kernel and this run uses the scalar"),
                text);
    }
}
