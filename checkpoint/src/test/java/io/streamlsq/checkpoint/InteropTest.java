package io.streamlsq.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.options.FitOptions;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointPolicy;
import io.streamlsq.resume.Checkpointing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6: the HDF5 C tools and h5py read every kind of checkpoint (warmup state, a pass in progress, the
 * final one). Needs Debian's hdf5-tools and python3-h5py (.ci/run installs them).
 */
class InteropTest {
    @TempDir
    Path tmp;

    private List<Path> checkpoints() throws IOException {
        Hdf5CheckpointStore store = Hdf5CheckpointStore.open(tmp.resolve("ck"), 1000);
        FitOptions o = FitOptions.builder().warmup(WarmupOptions.on().withFullData()).build();
        Hdf5CheckpointStoreTest.orchestrator(o).fit(Hdf5CheckpointStoreTest.problem(30_000, Hdf5CheckpointStoreTest.OSC),
                new Checkpointing(store, new CheckpointPolicy(Duration.ofDays(1), 5, true),
                        Map.of("invocation", "{\"data\":\"x.arrow\"}"), "{\"ftol\":1e-12}", null));
        return store.files();
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    private static String tool(String name, String path) {
        assertTrue(Files.isExecutable(Path.of(path)), name + " is needed at " + path
                + " (apt-get install hdf5-tools python3-h5py; .ci/run does it)");
        return path;
    }

    @Test
    void h5dumpShowsTheDocumentedLayout() throws Exception {
        List<Path> files = checkpoints();
        Path withWarmup = null;
        Path withCursor = null;
        for (Path f : files) {
            Checkpoint c = Hdf5CheckpointStore.read(f);
            if (c.fit() != null && c.fit().warmup() != null && c.fit().pending() != null) {
                withWarmup = f;
            }
            if (c.fit() != null && c.fit().phase().equals("gauss_newton") && c.fit().pending() != null) {
                withCursor = f;
            }
        }
        for (Path f : List.of(withWarmup, withCursor, files.get(files.size() - 1))) {
            String all = run(List.of(tool("h5dump", "/usr/bin/h5dump"), f.toString()));
            String header = run(List.of("/usr/bin/h5dump", "-H", f.toString()));
            for (String name : List.of("ATTRIBUTE \"format\"", "ATTRIBUTE \"version\"", "ATTRIBUTE \"created\"",
                    "ATTRIBUTE \"content_sha256\"", "GROUP \"phase_state\"", "DATASET \"current_phase\"",
                    "DATASET \"params\"", "GROUP \"normalizer_state\"", "DATASET \"scales\"", "DATASET \"best_params_global\"",
                    "DATASET \"best_cost_global\"", "DATASET \"phase_history\"", "GROUP \"counters\"", "GROUP \"lm_state\"",
                    "GROUP \"problem\"", "DATASET \"param_names\"", "DATASET \"model\"", "DATASET \"options\"",
                    "DATASET \"data_fingerprint\"", "DATASET \"bounds\"", "DATASET \"fixed\"", "GROUP \"application\"")) {
                assertTrue(header.contains(name), f.getFileName() + " lacks " + name + ":\n" + header);
            }
            assertTrue(all.contains("\"streamlsq-checkpoint\"") && all.contains("\"" + io.streamlsq.resume.Checkpoint.VERSION + "\""), all.substring(0, 600));
        }
        String w = run(List.of("/usr/bin/h5dump", "-H", withWarmup.toString()));
        for (String name : List.of("GROUP \"phase1_optimizer_state\"", "DATASET \"diff_params_memory\"",
                "DATASET \"diff_updates_memory\"", "DATASET \"weights_memory\"", "GROUP \"pass_cursor\"",
                "DATASET \"partial_sums\"", "DATASET \"next_chunk\"")) {
            assertTrue(w.contains(name), "warmup checkpoint lacks " + name + ":\n" + w);
        }
        String g = run(List.of("/usr/bin/h5dump", "-H", withCursor.toString()));
        for (String name : List.of("DATASET \"phase2_jtj_accumulator\"", "DATASET \"phase2_jtr_accumulator\"",
                "DATASET \"phase2_normal_equations\"", "DATASET \"normalized_params\"", "DATASET \"radius\"",
                "DATASET \"diag\"", "GROUP \"pass_cursor\"")) {
            assertTrue(g.contains(name), "Gauss-Newton checkpoint lacks " + name + ":\n" + g);
        }
        assertTrue(g.replaceAll("\\s+", " ").contains("DATASET \"phase2_jtj_accumulator\" { DATATYPE H5T_IEEE_F64LE "
                + "DATASPACE SIMPLE { ( 4, 4 ) / ( 4, 4 ) }"), g);
    }

    @Test
    void h5pyReadsTheSameValuesAsTheStore() throws Exception {
        List<Path> files = checkpoints();
        Path last = null;
        for (Path f : files) {
            Checkpoint c = Hdf5CheckpointStore.read(f);
            if (c.fit() != null && c.fit().phase().equals("gauss_newton") && c.fit().pending() != null) {
                last = f;
            }
        }
        Checkpoint c = Hdf5CheckpointStore.read(last);
        String script = String.join("\n",
                "import h5py, sys",
                "f = h5py.File(sys.argv[1], 'r')",
                "ps = f['phase_state']",
                "print(f.attrs['format'].decode(), f.attrs['version'].decode())",
                "print(','.join(n.decode() for n in f['problem/param_names'][()]))",
                "print(' '.join(repr(float(v)) for v in ps['params'][()]))",
                "print(int(ps['current_phase'][()]), ps['current_phase_name'][()].decode())",
                "print(int(ps['pass_cursor/next_chunk'][()]), int(ps['counters/passes'][()]))",
                "print(ps['normalizer_state'].attrs['strategy'].decode())",
                "print(f['application/invocation'][()].decode())");
        Path py = tmp.resolve("read.py");
        Files.writeString(py, script);
        String out = run(List.of(tool("python3 with h5py", "/usr/bin/python3"), py.toString(), last.toString()));
        String[] lines = out.strip().split("\n");
        assertEquals("streamlsq-checkpoint " + io.streamlsq.resume.Checkpoint.VERSION, lines[0], out);
        assertEquals("A,k,w,c", lines[1], out);
        StringBuilder params = new StringBuilder();
        for (double v : c.fit().theta()) {
            params.append(params.length() == 0 ? "" : " ").append(Double.toString(v).replace("E", "e"));
        }
        assertEquals(params.toString(), lines[2].replace("e-0", "e-").replace("e+", "e"), out);
        assertEquals("2 gauss_newton", lines[3], out);
        assertEquals(c.fit().pending().nextChunk() + " " + c.fit().passes(), lines[4], out);
        assertEquals(c.fit().scalingStrategy().toLowerCase(java.util.Locale.ROOT), lines[5], out);
        assertEquals("{\"data\":\"x.arrow\"}", lines[6], out);
    }
}
