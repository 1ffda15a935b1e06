package io.streamlsq.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean stop (what SIGTERM does through the shutdown hook: {@link FitService#close}) leaves a running job running
 * in its record, with a checkpoint; the next server on the state directory continues it from that checkpoint, and a
 * job still queued is queued again. A record of an unknown version is refused naming the file.
 */
class ServiceStopTest {
    /**
     * 5·10⁷ rows made on the fly: passes of a second or two. A resumed job that was stopped mid-pass finishes that pass
     * before it can checkpoint or stop again (the core sets its first resume point after it), so its cancel below
     * waits for the end of the pass: a pass of 10¹¹ rows would keep it running for most of an hour.
     */
    static final String LONG = ServiceApiTest.ENDLESS.replace("1e11", "5e7");

    @TempDir
    Path tmp;

    private FitService start(Path state, Path data, ByteArrayOutputStream log) throws Exception {
        return FitService.start(new FitService.Config("127.0.0.1", 0, state, data, null, 1, 10, 65_536, 4_096),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @Test
    void aStoppedServersJobsContinueOnTheNextStart() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path state = tmp.resolve("state");
        ByteArrayOutputStream log1 = new ByteArrayOutputStream();
        String running;
        String queued;
        try (FitService first = start(state, data, log1)) {
            Http http = new Http(first.port(), Files.readString(state.resolve("token")).trim());
            running = Http.json(http.post("/api/jobs", LONG)).get("id").asText();
            queued = Http.json(http.post("/api/jobs", LONG)).get("id").asText();
            http.await(running, j -> j.get("rows_done").asLong() > 0, 60);
        }
        JsonNode record = Http.JSON.readTree(state.resolve("jobs").resolve(running).resolve("job.json").toFile());
        assertEquals("running", record.get("status").asText());
        assertTrue(record.get("message").asText().startsWith("the server stopped: checkpoint written"), record.toString());
        assertEquals("queued", Http.JSON.readTree(state.resolve("jobs").resolve(queued).resolve("job.json").toFile())
                .get("status").asText());

        ByteArrayOutputStream log2 = new ByteArrayOutputStream();
        try (FitService second = start(state, data, log2)) {
            Http http = new Http(second.port(), Files.readString(state.resolve("token")).trim());
            JsonNode again = http.await(running, j -> j.get("rows_done").asLong() > 0, 60);
            assertEquals(1, again.get("restarts").asInt());
            String text = log2.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("job " + running + " was running when the server stopped: continuing from its"
                    + " newest checkpoint"), text);
            assertTrue(text.contains("job " + queued + " was queued when the server stopped: queued again"), text);
            assertTrue(Files.readString(state.resolve("jobs").resolve(running).resolve("log.txt"))
                    .contains("continues from"), "the fit resumed from its checkpoint");
            assertEquals(202, http.delete("/api/jobs/" + queued).statusCode());
            assertEquals(202, http.delete("/api/jobs/" + running).statusCode());
            assertEquals("cancelled", http.await(running, Http::finished, 90).get("status").asText());
        }

        // a record this server cannot read stops it from starting, naming the file
        Path bad = state.resolve("jobs").resolve(running).resolve("job.json");
        Files.writeString(bad, Files.readString(bad).replace("\"version\" : 1", "\"version\" : 9"));
        try {
            start(state, data, new ByteArrayOutputStream()).close();
            throw new AssertionError("a version-9 record was read");
        } catch (java.io.IOException e) {
            assertTrue(e.getMessage().contains(bad + ": streamlsq-job version 9 is not supported"), e.getMessage());
        }
    }
}
