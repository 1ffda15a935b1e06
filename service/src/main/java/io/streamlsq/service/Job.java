package io.streamlsq.service;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One fit job: its request, the settings it runs with, its status, and, while it runs, its {@link Progress}.
 * The persistent part ({@link #record}) is what {@link JobStore} writes; the rest lives while the server does.
 */
final class Job {
    final String id;
    final Path dir;
    final Instant created;
    /** The settings as the client sent them (keys normalised). */
    final Map<String, Object> request;
    /** The settings the fit runs with: the data path resolved, checkpoints and result in {@link #dir}. */
    final Map<String, Object> settings;

    private JobStatus status;
    private String message;
    private Instant started;
    private Instant ended;
    private Integer exitCode;
    private int restarts;
    private volatile boolean cancelRequested;
    private volatile Progress progress;
    private final List<Consumer<Map<String, Object>>> subscribers = new CopyOnWriteArrayList<>();

    Job(String id, Path dir, Instant created, Map<String, Object> request, Map<String, Object> settings) {
        this.id = id;
        this.dir = dir;
        this.created = created;
        this.request = request;
        this.settings = settings;
        this.status = JobStatus.QUEUED;
    }

    Path checkpointDir() {
        return dir.resolve("checkpoints");
    }

    Path resultFile() {
        return dir.resolve("result.json");
    }

    Path reportFile() {
        return dir.resolve("report.txt");
    }

    Path logFile() {
        return dir.resolve("log.txt");
    }

    Path plotDir() {
        return dir.resolve("plots");
    }

    synchronized JobStatus status() {
        return status;
    }

    synchronized String message() {
        return message;
    }

    synchronized void restore(JobStatus s, String msg, Instant start, Instant end, Integer code, int restartCount) {
        status = s;
        message = msg;
        started = start;
        ended = end;
        exitCode = code;
        restarts = restartCount;
    }

    /** Queued → running; false if the job was cancelled meanwhile. */
    synchronized boolean start(boolean restart) {
        if (status != JobStatus.QUEUED && !(restart && status == JobStatus.RUNNING)) {
            return false;
        }
        if (restart) {
            restarts++;
        }
        status = JobStatus.RUNNING;
        if (started == null) {
            started = Instant.now();
        }
        return true;
    }

    synchronized void finish(JobStatus s, String msg, Integer code) {
        status = s;
        message = msg;
        exitCode = code;
        ended = Instant.now();
    }

    /** A new message, the status unchanged (a running job stopped by the server's shutdown). */
    synchronized void note(String msg) {
        message = msg;
    }

    /** Asks for a cancel: a queued job is cancelled at once (true), a running one checkpoints first. */
    synchronized boolean requestCancel() {
        cancelRequested = true;
        if (status == JobStatus.QUEUED) {
            finish(JobStatus.CANCELLED, "cancelled before it started", null);
            return true;
        }
        return false;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    void progress(Progress p) {
        progress = p;
    }

    Progress progress() {
        return progress;
    }

    void subscribe(Consumer<Map<String, Object>> s) {
        subscribers.add(s);
    }

    void unsubscribe(Consumer<Map<String, Object>> s) {
        subscribers.remove(s);
    }

    void publish(Map<String, Object> event) {
        for (Consumer<Map<String, Object>> s : subscribers) {
            s.accept(event);
        }
    }

    /** Publishes the job's state as a "status" event. */
    void publishStatus() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "status");
        e.putAll(view());
        publish(e);
    }

    /** What the job store writes. */
    synchronized Map<String, Object> record() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", JobStore.FORMAT);
        m.put("version", JobStore.VERSION);
        m.put("id", id);
        m.put("created", created.toString());
        m.put("status", status.text());
        m.put("message", message);
        m.put("started", started == null ? null : started.toString());
        m.put("ended", ended == null ? null : ended.toString());
        m.put("exit_code", exitCode);
        m.put("restarts", restarts);
        m.put("request", request);
        m.put("settings", settings);
        return m;
    }

    /** What GET /api/jobs/{id} answers: the record without the effective settings, with the progress. */
    synchronized Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("status", status.text());
        m.put("message", message);
        m.put("created", created.toString());
        m.put("started", started == null ? null : started.toString());
        m.put("ended", ended == null ? null : ended.toString());
        m.put("exit_code", exitCode);
        m.put("restarts", restarts);
        m.put("model", request.get("model"));
        m.put("data", request.get("data"));
        Progress p = progress;
        if (p != null) {
            m.putAll(p.snapshot());
        } else {
            m.put("phase", null);
            m.put("pass", null);
            m.put("progress", null);
            m.put("cost", null);
        }
        if (status == JobStatus.CONVERGED || status == JobStatus.STOPPED) {
            m.put("progress", 1.0);
        }
        m.put("has_result", java.nio.file.Files.isRegularFile(resultFile()));
        java.util.List<String> plots = new java.util.ArrayList<>();
        for (String f : io.streamlsq.app.plot.FitPlots.FILES) {
            if (java.nio.file.Files.isRegularFile(plotDir().resolve(f))) {
                plots.add(f);
            }
        }
        m.put("plots", plots);
        m.put("request", request);
        return m;
    }
}
