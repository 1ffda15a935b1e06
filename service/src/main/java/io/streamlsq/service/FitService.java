package io.streamlsq.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code lsq serve}: the HTTP job API, its event streams, the Prometheus endpoint and the web page (docs/service.md).
 * Everything under /api and /metrics needs the bearer token; /health and the page's static files do not (the page
 * asks for the token and sends it with every API call).
 */
public final class FitService implements AutoCloseable {
    /** The options of a server. */
    public record Config(String host, int port, Path stateDir, Path dataRoot, Path tokenFile, int maxJobs, int maxQueued,
            int maxBodyBytes, int maxModelChars) {
    }

    /** The page's files, served from the jar (no CDN). */
    private static final Map<String, String> STATIC = Map.of("index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8", "app.css", "text/css; charset=utf-8");
    private static final String JSON_TYPE = "application/json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Config config;
    private final Tokens tokens;
    private final Path tokenPath;
    private final Jobs jobs;
    private final JobRequests requests;
    private final Javalin app;

    private FitService(Config config, Tokens tokens, Path tokenPath, Jobs jobs, JobRequests requests) {
        this.config = config;
        this.tokens = tokens;
        this.tokenPath = tokenPath;
        this.jobs = jobs;
        this.requests = requests;
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = config.maxBodyBytes();
            cfg.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> error(ctx, 500, "internal error: " + e));
            cfg.routes.before("/api/*", this::authorize);
            cfg.routes.before("/metrics", this::authorize);
            cfg.routes.get("/health", ctx -> ctx.contentType("text/plain").result("ok"));
            cfg.routes.get("/", ctx -> page(ctx, "index.html"));
            cfg.routes.get("/static/{file}", ctx -> page(ctx, ctx.pathParam("file")));
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(jobs.metrics().scrape()));
            cfg.routes.post("/api/jobs", this::submit);
            cfg.routes.get("/api/jobs", ctx -> json(ctx, 200, Map.of("jobs", jobs.list().stream().map(Job::view).toList())));
            cfg.routes.get("/api/jobs/{id}", ctx -> json(ctx, 200, detail(jobs.get(ctx.pathParam("id")))));
            cfg.routes.get("/api/jobs/{id}/result", this::result);
            cfg.routes.get("/api/jobs/{id}/report", this::report);
            cfg.routes.get("/api/jobs/{id}/plots/{name}", this::plot);
            cfg.routes.before("/api/jobs/{id}/events", ctx -> jobs.get(ctx.pathParam("id")));
            cfg.routes.sse("/api/jobs/{id}/events", this::events);
            cfg.routes.delete("/api/jobs/{id}", ctx -> {
                Job j = jobs.get(ctx.pathParam("id"));
                jobs.cancel(j);
                json(ctx, 202, j.view());
            });
        });
    }

    /**
     * Opens the state directory (made if missing), reads or makes the token, continues the jobs a previous server
     * left unfinished, and starts listening. {@code log} gets the lines a user needs (address, token file).
     */
    public static FitService start(Config c, PrintStream log) throws IOException {
        Files.createDirectories(c.stateDir());
        DataRoot root = new DataRoot(c.dataRoot());
        Path tokenPath = c.tokenFile() != null ? c.tokenFile() : c.stateDir().resolve("token");
        Tokens tokens = c.tokenFile() != null ? Tokens.read(c.tokenFile()) : Tokens.readOrCreate(tokenPath);
        Jobs jobs = new Jobs(new JobStore(c.stateDir()), c.maxJobs(), c.maxQueued(), log);
        FitService s = new FitService(c, tokens, tokenPath, jobs,
                new JobRequests(root, c.maxModelChars(), Runtime.getRuntime().availableProcessors()));
        int recovered = jobs.recover(); // first: a record it cannot read stops the start before it listens
        s.app.start(c.host(), c.port());
        log.println("lsq serve: listening on http://" + c.host() + ":" + s.port() + "/ (state " + c.stateDir()
                + ", data root " + root.path() + ")");
        log.println("lsq serve: bearer token in " + tokenPath + (c.tokenFile() == null ? " (mode 0600)" : ""));
        if (recovered > 0) {
            log.println("lsq serve: " + recovered + " unfinished job(s) of the previous server continue");
        }
        log.flush();
        return s;
    }

    public int port() {
        return app.port();
    }

    public Path tokenFile() {
        return tokenPath;
    }

    private void authorize(Context ctx) {
        if (!tokens.accepts(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"lsq\"");
            throw new ApiException(401, "missing or wrong bearer token: send 'Authorization: Bearer TOKEN' (the token"
                    + " is in " + tokenPath.getFileName() + " of the server's state directory, or its --token-file)");
        }
    }

    private void submit(Context ctx) throws IOException {
        byte[] body = boundedBody(ctx);
        Map<String, Object> request = requests.parse(body);
        Job job = jobs.submit(request, dir -> requests.settings(request, dir));
        ctx.header("Location", "/api/jobs/" + job.id);
        json(ctx, 201, Map.of("id", job.id, "status", job.status().text()));
    }

    /** The body, refused with 413 beyond {@code maxBodyBytes} (by its Content-Length, or as it is read). */
    private byte[] boundedBody(Context ctx) throws IOException {
        int max = config.maxBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw new ApiException(413, "the request body has " + declared + " bytes; this server takes at most " + max
                    + " (--max-body-bytes)");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new ApiException(413, "the request body has more than " + max + " bytes; this server takes at"
                        + " most " + max + " (--max-body-bytes)");
            }
            return b;
        }
    }

    private Map<String, Object> detail(Job j) throws IOException {
        Map<String, Object> m = j.view();
        Progress p = j.progress();
        Path saved = j.dir.resolve("iterations.json");
        m.put("iterations", p != null ? p.iterations()
                : Files.isRegularFile(saved) ? JSON.readValue(saved.toFile(), List.class) : List.of());
        return m;
    }

    private void result(Context ctx) throws IOException {
        Job j = jobs.get(ctx.pathParam("id"));
        if (!Files.isRegularFile(j.resultFile())) {
            throw new ApiException(404, "job " + j.id + " has no result (status " + j.status().text() + ")");
        }
        ctx.contentType(JSON_TYPE).result(Files.readAllBytes(j.resultFile()));
    }

    private void report(Context ctx) throws IOException {
        Job j = jobs.get(ctx.pathParam("id"));
        if (!Files.isRegularFile(j.reportFile())) {
            throw new ApiException(404, "job " + j.id + " has no report (status " + j.status().text() + ")");
        }
        ctx.contentType("text/plain; charset=utf-8").result(Files.readAllBytes(j.reportFile()));
    }

    /** A plot of a finished job (FitPlots' PNG files, written by the fit into the job's directory). */
    private void plot(Context ctx) throws IOException {
        Job j = jobs.get(ctx.pathParam("id"));
        String name = ctx.pathParam("name");
        if (!io.streamlsq.app.plot.FitPlots.FILES.contains(name)) {
            throw new ApiException(404, "no plot '" + name + "'; plots: " + String.join(", ",
                    io.streamlsq.app.plot.FitPlots.FILES));
        }
        Path f = j.plotDir().resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new ApiException(404, "job " + j.id + " has no plot " + name + " (status " + j.status().text() + ")");
        }
        ctx.contentType("image/png").result(Files.readAllBytes(f));
    }

    /**
     * Server-sent events of one job: a "status" event with the job as GET /api/jobs/{id} shows it, then "phase",
     * "progress" (at most ten a second) and "iteration" events while it runs, and a last "status" event when it ends
     * (the stream then closes). A comment every 15 s keeps idle connections open. A slow client loses progress
     * events, never a status one.
     */
    private void events(SseClient client) {
        Job job = jobs.get(client.ctx().pathParam("id"));
        BlockingQueue<Map<String, Object>> queue = new LinkedBlockingQueue<>(1024);
        Consumer<Map<String, Object>> sub = e -> {
            if (!queue.offer(e) && "status".equals(e.get("type"))) {
                queue.clear();
                queue.offer(e);
            }
        };
        job.subscribe(sub);
        try {
            Map<String, Object> first = new LinkedHashMap<>();
            first.put("type", "status");
            first.putAll(job.view());
            send(client, first);
            boolean done = job.status().finished();
            while (!done && !client.terminated()) {
                Map<String, Object> e = queue.poll(15, TimeUnit.SECONDS);
                if (e == null) {
                    client.sendComment("keep-alive");
                    continue;
                }
                send(client, e);
                done = "status".equals(e.get("type")) && JobStatus.parse((String) e.get("status")).finished();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            job.unsubscribe(sub);
            client.close();
        }
    }

    private static void send(SseClient client, Map<String, Object> event) {
        try {
            client.sendEvent((String) event.get("type"), JSON.writeValueAsString(event));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void page(Context ctx, String file) throws IOException {
        String type = STATIC.get(file);
        if (type == null) {
            throw new ApiException(404, "no page file '" + file + "'");
        }
        try (InputStream in = FitService.class.getResourceAsStream("web/" + file)) {
            if (in == null) {
                throw new ApiException(404, "no page file '" + file + "'");
            }
            ctx.contentType(type).header("Content-Security-Policy", "default-src 'self'; img-src 'self' blob:")
                    .result(in.readAllBytes());
        }
    }

    private static void json(Context ctx, int status, Object body) throws IOException {
        ctx.status(status).contentType(JSON_TYPE).result(JSON.writeValueAsBytes(body));
    }

    private static void error(Context ctx, int status, String message) {
        try {
            json(ctx, status, Map.of("error", message, "status", status));
        } catch (IOException e) {
            ctx.status(status).result(message);
        }
    }

    /** Stops listening, then stops the jobs (running ones checkpoint and continue on the next start). */
    @Override
    public void close() {
        app.stop();
        jobs.close(Duration.ofSeconds(60));
    }

    /** For tests and main: the configured jobs. */
    Jobs jobs() {
        return jobs;
    }
}
