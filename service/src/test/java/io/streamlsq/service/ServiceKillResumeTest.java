package io.streamlsq.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamlsq.checkpoint.Hdf5CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts lose nothing (issue 19): a server in a child JVM is stopped as by kill -9 right after its job's fourth
 * checkpoint is durable (app's HaltAfterCheckpoint failpoint: no shutdown hook runs, nothing more is written; exit
 * 137), so the stop lands mid-fit at a known point rather than at a timed moment. A new server on the same state
 * directory continues the job from that checkpoint, and its result has the bits of {@code lsq fit --config} of the
 * same settings (parameters, standard errors, passes, rows evaluated).
 */
class ServiceKillResumeTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path tmp;

    private Process server(Path state, Path data, Path tokenFile, Path log, String... jvmProperties) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--add-modules=jdk.incubator.vector", "--add-opens=java.base/java.nio=ALL-UNNAMED"));
        cmd.addAll(List.of(jvmProperties));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Serve.class.getName(), "serve", "--port", "0",
                "--state-dir", state.toString(), "--data-root", data.toString(), "--token-file", tokenFile.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The port the child printed, once it listens. */
    private static int port(Process p, Path log) throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the server did not start:\n" + Files.readString(log));
    }

    @Test
    void aJobOfAServerKilledAfterACheckpointResumesOnRestartAndEndsWithLsqFitsBits() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path state = tmp.resolve("state");
        Path tokenFile = tmp.resolve("token");
        String token = "0123456789abcdef0123456789abcdef";
        Files.writeString(tokenFile, token + "\n");
        assertEquals(0, ServiceApiTest.lsq("gen", "decay", "--rows", "200000", "--out", data.resolve("decay.arrow")
                .toString()));
        String body = "{\"data\": \"decay.arrow\", \"model\": \"a*exp(-b*x)+c\", \"p0\": {\"a\": 1, \"b\": 0.5, \"c\": 0},"
                + " \"chunk_rows\": 16384, \"threads\": 2, \"checkpoint_chunks\": 4, \"checkpoint_every\": \"24h\"}";

        Path log1 = tmp.resolve("server1.log");
        Process first = server(state, data, tokenFile, log1, "-Dlsq.failpoint.halt-after-checkpoint=4");
        String id;
        try {
            Http http = new Http(port(first, log1), token);
            var r = http.post("/api/jobs", body);
            assertEquals(201, r.statusCode(), r.body());
            id = Http.json(r).get("id").asText();
            assertTrue(first.waitFor(120, TimeUnit.SECONDS), "the failpoint did not stop the server");
            assertEquals(137, first.exitValue(), Files.readString(log1));
        } finally {
            first.destroyForcibly();
        }
        Path jobDir = state.resolve("jobs").resolve(id);
        JsonNode record = Http.JSON.readTree(jobDir.resolve("job.json").toFile());
        assertEquals("running", record.get("status").asText(), "the record as the killed server left it");
        var halted = Hdf5CheckpointStore.newest(jobDir.resolve("checkpoints")).checkpoint().fit();
        assertTrue(halted.phase().equals("gauss_newton") && halted.pending() != null,
                "the server died in the middle of a Gauss-Newton pass: " + halted.phase() + ", " + halted.pending());
        assertFalse(Files.exists(jobDir.resolve("result.json")));

        Path log2 = tmp.resolve("server2.log");
        Process second = server(state, data, tokenFile, log2);
        JsonNode result;
        try {
            Http http = new Http(port(second, log2), token);
            JsonNode done = http.await(id, Http::finished, 120);
            assertEquals("converged", done.get("status").asText(), done + "\n" + Files.readString(log2));
            assertEquals(1, done.get("restarts").asInt());
            assertTrue(Files.readString(log2).contains("job " + id + " was running when the server stopped"));
            result = Http.json(http.get("/api/jobs/" + id + "/result"));
        } finally {
            second.destroy(); // SIGTERM: a clean stop
            second.waitFor(60, TimeUnit.SECONDS);
        }
        assertTrue(result.get("resumed").asBoolean());

        Path cfg = tmp.resolve("fit.json");
        Files.writeString(cfg, body.replace("\"decay.arrow\"", Http.JSON.writeValueAsString(data.resolve("decay.arrow")
                .toString())));
        Path ref = tmp.resolve("reference.json");
        assertEquals(0, ServiceApiTest.lsq("fit", "--config", cfg.toString(), "--out", ref.toString(), "--quiet"));
        JsonNode reference = Http.JSON.readTree(ref.toFile());
        assertEquals(reference.get("params").toString(), result.get("params").toString());
        assertEquals(reference.get("stderr").toString(), result.get("stderr").toString());
        assertEquals(reference.get("passes").asLong(), result.get("passes").asLong());
        assertEquals(reference.get("rows_evaluated").asLong(), result.get("rows_evaluated").asLong());
    }
}
