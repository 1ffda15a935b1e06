package io.streamlsq.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A client of one server over real HTTP on 127.0.0.1, sending the bearer token unless told otherwise. */
record Http(int port, String token) {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return CLIENT.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return CLIENT.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    Http withToken(String t) {
        return new Http(port, t);
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** Polls GET /api/jobs/{id} until {@code until} holds (at most {@code seconds}); the last answer. */
    JsonNode await(String id, Predicate<JsonNode> until, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode j = null;
        while (System.nanoTime() < end) {
            j = json(get("/api/jobs/" + id));
            if (until.test(j)) {
                return j;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not reach the expected state in " + seconds + " s: " + j);
    }

    static boolean finished(JsonNode j) {
        return JobStatus.parse(j.get("status").asText()).finished();
    }
}
