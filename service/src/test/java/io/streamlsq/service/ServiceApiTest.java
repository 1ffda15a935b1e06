package io.streamlsq.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamlsq.app.Lsq;
import io.streamlsq.expr.ExpressionCompiler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job API over real HTTP on 127.0.0.1 (issue 19): every endpoint and status, the token, data paths that leave
 * the data root (.., absolute, a symbolic link), malformed and oversized bodies, the queue bound, and a job's result
 * equal to the bit to {@code lsq fit --config} of the same settings.
 */
class ServiceApiTest {
    static final String DECAY = "\"model\": \"a*exp(-b*x)+c\", \"p0\": {\"a\": 1, \"b\": 0.5, \"c\": 0}";
    /** Rows made on the fly, enough to keep a job running until the test cancels it. */
    static final String ENDLESS = "{\"data\": \"synthetic:decay:1e11\", " + DECAY + ", \"threads\": 1,"
            + " \"no_presolve\": true, \"checkpoint_chunks\": 20}";

    @TempDir
    static Path tmp;
    static Path data;
    static Path state;
    static FitService server;
    static Http http;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createDirectories(tmp.resolve("data"));
        state = tmp.resolve("state");
        assertEquals(0, lsq("gen", "decay", "--rows", "20000", "--out", data.resolve("decay.csv").toString()));
        Files.createDirectories(data.resolve("sub"));
        Files.copy(data.resolve("decay.csv"), data.resolve("sub/inner.csv"));
        Files.writeString(tmp.resolve("secret.csv"), "x,y\n1,2\n2,3\n3,5\n");
        Files.createSymbolicLink(data.resolve("outside.csv"), tmp.resolve("secret.csv"));
        Files.createSymbolicLink(data.resolve("inside.csv"), data.resolve("sub/inner.csv"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        server = FitService.start(new FitService.Config("127.0.0.1", 0, state, data, null, 1, 2, 4096, 300),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains(state.resolve("token").toString()), log.toString());
        token = Files.readString(state.resolve("token")).trim();
        http = new Http(server.port(), token);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static int lsq(String... args) {
        return Lsq.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    }

    static String submit(String body) throws Exception {
        HttpResponse<String> r = http.post("/api/jobs", body);
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("/api/jobs/" + Http.json(r).get("id").asText(), r.headers().firstValue("Location").orElseThrow());
        return Http.json(r).get("id").asText();
    }

    static void assertError(int status, String contains, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        String msg = Http.json(r).get("error").asText();
        assertTrue(msg.contains(contains), "'" + msg + "' should say '" + contains + "'");
    }

    @Test
    void healthNeedsNoTokenTheApiAndMetricsNeedTheRightOne() throws Exception {
        Http anonymous = http.withToken(null);
        assertEquals(200, anonymous.get("/health").statusCode());
        assertEquals("ok", anonymous.get("/health").body());
        assertEquals(200, anonymous.get("/").statusCode(), "the page itself holds no data");
        for (String path : List.of("/api/jobs", "/api/jobs/000001", "/api/jobs/000001/result", "/metrics")) {
            HttpResponse<String> r = anonymous.get(path);
            assertError(401, "bearer token", r);
            assertEquals("Bearer realm=\"lsq\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(401, http.withToken(token + "x").get(path).statusCode());
            assertEquals(401, http.withToken(token.substring(1)).get(path).statusCode());
        }
        assertEquals(401, anonymous.post("/api/jobs", "{}").statusCode());
        assertEquals(401, anonymous.delete("/api/jobs/000001").statusCode());
        HttpResponse<String> basic = Http.CLIENT.send(HttpRequest.newBuilder(http.uri("/api/jobs"))
                .header("Authorization", "Basic " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, basic.statusCode());
        assertEquals(200, http.get("/api/jobs").statusCode());
        assertEquals(200, http.get("/metrics").statusCode());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("token"))));
    }

    @Test
    void aJobConvergesAndItsResultIsLsqFitsToTheBit() throws Exception {
        String body = "{\"data\": \"decay.csv\", " + DECAY + ", \"chunk_rows\": 4096, \"threads\": 2}";
        String id = submit(body);
        JsonNode done = http.await(id, Http::finished, 60);
        assertEquals("converged", done.get("status").asText(), done.toString());
        assertEquals(1.0, done.get("progress").asDouble());
        assertTrue(done.get("has_result").asBoolean());
        assertTrue(done.get("iterations").size() > 0, done.toString());
        assertTrue(done.get("passes").asLong() > 0, done.toString());
        HttpResponse<String> res = http.get("/api/jobs/" + id + "/result");
        assertEquals(200, res.statusCode());
        assertEquals("application/json", res.headers().firstValue("Content-Type").orElse(""));
        JsonNode result = Http.json(res);
        assertEquals("streamlsq-result", result.get("format").asText());

        // the same settings through lsq fit --config
        Path cfg = tmp.resolve("fit.json");
        Files.writeString(cfg, body.replace("\"decay.csv\"", Http.JSON.writeValueAsString(data.resolve("decay.csv")
                .toString())));
        Path ref = tmp.resolve("reference.json");
        assertEquals(0, lsq("fit", "--config", cfg.toString(), "--out", ref.toString(), "--quiet"));
        JsonNode reference = Http.JSON.readTree(ref.toFile());
        assertEquals(reference.get("params").toString(), result.get("params").toString());
        assertEquals(reference.get("stderr").toString(), result.get("stderr").toString());
        assertEquals(reference.get("correlation").toString(), result.get("correlation").toString());
        assertEquals(reference.get("passes").asLong(), result.get("passes").asLong());

        // lsq fit --plot's files, written into the job's directory
        assertEquals(io.streamlsq.app.plot.FitPlots.FILES, Http.JSON.convertValue(done.get("plots"), List.class));
        HttpResponse<byte[]> png = Http.CLIENT.send(http.request("/api/jobs/" + id + "/plots/fit.png").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        assertEquals("PNG", new String(png.body(), 1, 3, StandardCharsets.US_ASCII));
        assertError(404, "no plot 'job.json'", http.get("/api/jobs/" + id + "/plots/job.json"));
        assertEquals(404, http.get("/api/jobs/" + id + "/plots/..%2Fjob.json").statusCode());

        HttpResponse<String> report = http.get("/api/jobs/" + id + "/report");
        assertEquals(200, report.statusCode());
        assertTrue(report.body().contains("a "), report.body());
        JsonNode list = Http.json(http.get("/api/jobs"));
        assertTrue(list.get("jobs").findValuesAsText("id").contains(id), list.toString());
        HttpResponse<String> events = Http.CLIENT.send(http.request("/api/jobs/" + id + "/events")
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, events.statusCode());
        assertTrue(events.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                events.headers() + "\n" + events.body());
        assertTrue(events.body().startsWith("event: status\ndata: {"), events.body());
        assertTrue(events.body().contains("\"status\":\"converged\""), events.body());
        assertError(409, "converged already", http.delete("/api/jobs/" + id));

        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("lsq_jobs{state=\"converged\"}"), metrics);
        assertTrue(metrics.matches("(?s).*lsq_passes_total [1-9].*"), metrics);
        assertTrue(metrics.matches("(?s).*lsq_rows_total [1-9].*"), metrics);
    }

    @Test
    void runningJobsStreamEventsCancelAfterACheckpointAndTheQueueIsBounded() throws Exception {
        String running = submit(ENDLESS);
        try {
            queueAndCancel(running);
        } finally {
            http.delete("/api/jobs/" + running); // frees the worker for the other tests even when this one fails
            http.await(running, Http::finished, 60);
        }
    }

    private void queueAndCancel(String running) throws Exception {
        http.await(running, j -> j.get("status").asText().equals("running") && j.get("rows_done").asLong() > 0, 60);
        String queued = submit("{\"data\": \"decay.csv\", " + DECAY + "}");
        String third = submit("{\"data\": \"decay.csv\", " + DECAY + "}");
        assertEquals("queued", Http.json(http.get("/api/jobs/" + queued)).get("status").asText());
        // max-queued 2: a third waiting job is refused
        assertError(429, "2 jobs are queued", http.post("/api/jobs", "{\"data\": \"decay.csv\", " + DECAY + "}"));
        assertEquals(202, http.delete("/api/jobs/" + third).statusCode());
        assertEquals("cancelled", Http.json(http.get("/api/jobs/" + third)).get("status").asText());

        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("lsq_job_cost{job=\"" + running + "\"}"), metrics);
        assertTrue(metrics.contains("lsq_job_rows_per_second{job=\"" + running + "\"}"), metrics);
        assertTrue(metrics.contains("lsq_jobs{state=\"running\"} 1.0"), metrics);

        // the queued job's events: queued, then (once the running one is cancelled) running, progress, the end
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                HttpResponse<java.util.stream.Stream<String>> r = Http.CLIENT.send(http.request("/api/jobs/" + queued
                        + "/events").header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
                r.body().forEach(l -> {
                    synchronized (lines) {
                        lines.add(l);
                    }
                });
            } catch (Exception e) {
                synchronized (lines) {
                    lines.add("failed: " + e);
                }
            }
        });
        reader.start();
        long until = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < until) {
            synchronized (lines) {
                if (!lines.isEmpty()) {
                    break;
                }
            }
            Thread.sleep(10);
        }
        HttpResponse<String> cancel = http.delete("/api/jobs/" + running);
        assertEquals(202, cancel.statusCode(), cancel.body());
        JsonNode cancelled = http.await(running, Http::finished, 60);
        assertEquals("cancelled", cancelled.get("status").asText(), cancelled.toString());
        assertTrue(cancelled.get("message").asText().startsWith("cancelled: checkpoint written"), cancelled.toString());
        try (var files = Files.list(state.resolve("jobs").resolve(running).resolve("checkpoints"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().matches("ckpt-\\d+\\.h5")));
        }
        assertFalse(http.get("/metrics").body().contains("job=\"" + running + "\""), "a job's meters end with it");
        reader.join(60_000);
        String stream;
        synchronized (lines) {
            stream = String.join("\n", lines);
        }
        assertTrue(stream.startsWith("event: status\ndata: {\"type\":\"status\",\"id\":\"" + queued
                + "\",\"status\":\"queued\""), "[" + stream + "]");
        assertTrue(stream.contains("\"status\":\"running\""), stream);
        assertTrue(stream.contains("event: iteration"), stream);
        assertTrue(stream.contains("event: progress"), stream);
        assertTrue(stream.contains("\"rows_per_second\":"), stream);
        String last = stream.substring(stream.lastIndexOf("event: "));
        assertTrue(last.startsWith("event: status\ndata: {") && last.contains("\"status\":\"converged\""), last);
        assertEquals("converged", http.await(queued, Http::finished, 30).get("status").asText());
    }

    @Test
    void dataPathsOutsideTheDataRootAreRefused() throws Exception {
        String[][] cases = {
            {"../secret.csv", "400", "has a '..' part"},
            {"sub/../../secret.csv", "400", "has a '..' part"},
            {tmp.resolve("secret.csv").toString(), "400", "is an absolute path"},
            {"/etc/passwd", "400", "is an absolute path"},
            {"outside.csv", "403", "resolves (through a symbolic link) outside the data root"},
            {"missing.csv", "400", "no such file under the data root"},
            {"sub", "400", "is not a regular file"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = http.post("/api/jobs", "{\"data\": " + Http.JSON.writeValueAsString(c[0]) + ", "
                    + DECAY + "}");
            assertError(Integer.parseInt(c[1]), "data = '" + c[0] + "'", r);
            assertError(Integer.parseInt(c[1]), c[2], r);
            // --p0-table names a file too: the same rule
            r = http.post("/api/jobs", "{\"data\": \"decay.csv\", " + DECAY + ", \"p0_table\": "
                    + Http.JSON.writeValueAsString(c[0]) + "}");
            assertError(Integer.parseInt(c[1]), "p0-table = '" + c[0] + "'", r);
        }
        assertError(400, "p0-table = 'synthetic:decay'", http.post("/api/jobs", "{\"data\": \"decay.csv\", " + DECAY
                + ", \"p0_table\": \"synthetic:decay\"}"));
        // a link that stays inside the root is a file like any other
        String id = submit("{\"data\": \"inside.csv\", " + DECAY + "}");
        assertEquals("converged", http.await(id, Http::finished, 60).get("status").asText());
    }

    @Test
    void malformedBodiesUnknownKeysAndOversizedRequestsAreRefusedNamingTheProblem() throws Exception {
        int compilations = ExpressionCompiler.compilations();
        assertError(400, "not valid JSON", http.post("/api/jobs", "{\"data\": "));
        assertError(400, "not valid JSON", http.post("/api/jobs", "{\"data\": \"decay.csv\"} trailing"));
        assertError(400, "must be a JSON object", http.post("/api/jobs", "[1, 2]"));
        assertError(400, "Duplicate field 'model'", http.post("/api/jobs",
                "{\"data\": \"decay.csv\", \"model\": \"a*x\", " + DECAY + "}"));
        assertError(400, "unknown setting 'modle'", http.post("/api/jobs", "{\"data\": \"decay.csv\", \"modle\": \"a\"}"));
        assertError(400, "setting 'out' is not taken by the service", http.post("/api/jobs",
                "{\"data\": \"decay.csv\", " + DECAY + ", \"out\": \"/tmp/x.json\"}"));
        assertError(400, "setting 'checkpoint-dir' is not taken", http.post("/api/jobs",
                "{\"data\": \"decay.csv\", " + DECAY + ", \"checkpoint_dir\": \"/tmp/ck\"}"));
        assertError(400, "setting 'group-by' is not taken", http.post("/api/jobs",
                "{\"data\": \"decay.csv\", " + DECAY + ", \"group_by\": \"id\"}"));
        assertError(400, "setting 'plot' is not taken", http.post("/api/jobs",
                "{\"data\": \"decay.csv\", " + DECAY + ", \"plot\": \"/tmp/plots\"}"));
        assertError(400, "setting 'engine' is not taken", http.post("/api/jobs",
                "{\"data\": \"decay.csv\", " + DECAY + ", \"engine\": \"spark\"}"));
        assertError(400, "setting 'p0' is required", http.post("/api/jobs",
                "{\"data\": \"decay.csv\", \"model\": \"a*x\"}"));
        assertError(400, "setting 'threads' = 100000", http.post("/api/jobs",
                "{\"data\": \"decay.csv\", " + DECAY + ", \"threads\": 100000}"));
        // Java in the model text is a syntax error of the model language, refused before anything is compiled
        assertError(400, "setting 'model'", http.post("/api/jobs", "{\"data\": \"decay.csv\", \"model\":"
                + " \"a*x\\\"); System.exit(1); //\", \"p0\": {\"a\": 1}}"));
        assertError(400, "setting 'model'", http.post("/api/jobs", "{\"data\": \"decay.csv\", \"model\":"
                + " \"java.lang.Runtime.getRuntime()\", \"p0\": {\"a\": 1}}"));
        assertEquals(compilations, ExpressionCompiler.compilations(), "nothing was compiled");
        // limits: 4096-byte bodies, 300 characters of model text
        assertError(413, "this server takes at most 4096", http.post("/api/jobs",
                "{\"data\": \"decay.csv\", " + DECAY + ", \"fix\": \"" + "c,".repeat(3000) + "c\"}"));
        assertError(413, "at most 300 (--max-model-chars)", http.post("/api/jobs",
                "{\"data\": \"decay.csv\", \"model\": \"" + "a*x+".repeat(100) + "a\", \"p0\": {\"a\": 1}}"));
        assertError(404, "job '999999' does not exist", http.get("/api/jobs/999999"));
        assertError(404, "does not exist", http.get("/api/jobs/..%2F.."));
        assertEquals(404, http.get("/api/jobs/999999/result").statusCode());
        assertEquals(404, http.delete("/api/jobs/999999").statusCode());
        // a job whose problem is wrong past parsing fails with lsq fit's message
        String id = submit("{\"data\": \"decay.csv\", \"model\": \"a*exp(-b*t)+c\", \"p0\": {\"a\": 1, \"b\": 0.5, \"c\": 0}}");
        JsonNode failed = http.await(id, Http::finished, 60);
        assertEquals("failed", failed.get("status").asText());
        assertTrue(failed.get("message").asText().contains("the model uses 't'"), failed.toString());
        assertError(404, "has no result (status failed)", http.get("/api/jobs/" + id + "/result"));
        assertFalse(failed.get("has_result").asBoolean());
        // a job stopped by its pass budget: stopped, with a result (lsq fit's exit code 3)
        String budget = submit("{\"data\": \"decay.csv\", " + DECAY + ", \"max_passes\": 1}");
        JsonNode stopped = http.await(budget, Http::finished, 60);
        assertEquals("stopped", stopped.get("status").asText(), stopped.toString());
        assertEquals(3, stopped.get("exit_code").asInt());
        assertEquals("max_passes", Http.json(http.get("/api/jobs/" + budget + "/result")).get("status").asText());
    }
}
