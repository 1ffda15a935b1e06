package io.streamlsq.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.app.FitJobs;
import io.streamlsq.checkpoint.Hdf5CheckpointStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The jobs of a server: at most {@code maxJobs} run at once (each a fit through {@link FitJobs}, the same path as
 * {@code lsq fit}), the others wait in submission order, at most {@code maxQueued} of them. Every status change is
 * written to the {@link JobStore} before it is announced. On start, jobs the previous server left queued are queued
 * again and jobs it left running continue from their newest checkpoint (from the start when they had none).
 */
final class Jobs implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobStore store;
    private final int maxQueued;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private final ServiceMetrics metrics;
    private final PrintStream log;
    private volatile boolean closing;

    Jobs(JobStore store, int maxJobs, int maxQueued, PrintStream log) {
        this.store = store;
        this.maxQueued = maxQueued;
        this.log = log;
        this.pool = new ThreadPoolExecutor(maxJobs, maxJobs, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "lsq-job");
            t.setDaemon(true);
            return t;
        });
        this.metrics = new ServiceMetrics(jobs::values);
    }

    ServiceMetrics metrics() {
        return metrics;
    }

    /** Loads the store and queues what the previous server left unfinished; returns how many. */
    int recover() throws IOException {
        int n = 0;
        for (Job j : store.load()) {
            jobs.put(j.id, j);
            if (j.status() == JobStatus.QUEUED || j.status() == JobStatus.RUNNING) {
                boolean restart = j.status() == JobStatus.RUNNING;
                log.println("lsq serve: job " + j.id + " was " + j.status().text() + " when the server stopped: "
                        + (restart ? "continuing from its newest checkpoint" : "queued again"));
                pool.execute(() -> run(j, restart));
                n++;
            }
        }
        return n;
    }

    /** Creates, records and queues a job; 429 when {@code maxQueued} jobs are waiting already. */
    Job submit(Map<String, Object> request, java.util.function.Function<Path, Map<String, Object>> settingsFor)
            throws IOException {
        synchronized (this) {
            long queued = jobs.values().stream().filter(j -> j.status() == JobStatus.QUEUED).count();
            if (queued >= maxQueued) {
                throw new ApiException(429, queued + " jobs are queued, the most this server takes (--max-queued "
                        + maxQueued + "); submit again when one has started");
            }
            Path dir = store.newJobDir();
            Job job = new Job(dir.getFileName().toString(), dir, Instant.now(), request, settingsFor.apply(dir));
            store.save(job);
            jobs.put(job.id, job);
            pool.execute(() -> run(job, false));
            return job;
        }
    }

    Job get(String id) {
        Job j = JobStore.ID.matcher(id).matches() ? jobs.get(id) : null;
        if (j == null) {
            throw new ApiException(404, "job '" + id + "' does not exist");
        }
        return j;
    }

    /** All jobs, newest first. */
    List<Job> list() {
        List<Job> l = new ArrayList<>(jobs.values());
        l.sort(Comparator.comparing((Job j) -> j.id).reversed());
        return l;
    }

    Collection<Job> all() {
        return jobs.values();
    }

    /** DELETE: a queued job is cancelled at once; a running one checkpoints and then ends as cancelled. */
    void cancel(Job job) throws IOException {
        if (job.status().finished()) {
            throw new ApiException(409, "job " + job.id + " is " + job.status().text() + " already; only queued and"
                    + " running jobs can be cancelled");
        }
        if (job.requestCancel()) {
            store.save(job);
            job.publishStatus();
        }
    }

    private void run(Job job, boolean restart) {
        if (closing || !job.start(restart)) {
            return; // cancelled while queued, or the server is stopping (the job stays queued in the store)
        }
        Progress progress = new Progress(job::publish, metrics::passEnded);
        job.progress(progress);
        metrics.running(job);
        JobStatus status;
        String message;
        Integer code = null;
        try {
            store.save(job);
            job.publishStatus();
            Path ck = job.checkpointDir();
            boolean resume = restart && Files.isDirectory(ck) && !Hdf5CheckpointStore.checkpointFiles(ck).isEmpty();
            if (!resume) {
                deleteTree(ck); // a run that died before its first checkpoint starts again
            }
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8);
                    PrintStream err = new PrintStream(Files.newOutputStream(job.logFile(), StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
                err.println("lsq serve: " + Instant.now() + ": job " + job.id + (resume ? " continues from " + ck
                        : restart ? " starts again (no checkpoint was written before the server stopped)" : " starts"));
                try {
                    code = FitJobs.run(job.settings, resume ? ck : null, () -> closing || job.cancelRequested(),
                            List.of(progress), out, err);
                    message = resultMessage(job);
                } catch (Exception | LinkageError e) {
                    code = FitJobs.exitCode(e);
                    message = e instanceof LinkageError ? "internal error: " + e : FitJobs.message(e);
                    err.println("lsq: " + message);
                }
            }
            if (report.size() > 0) {
                writeAtomically(job.reportFile(), report.toByteArray());
            }
            status = switch (code) {
                case FitJobs.CONVERGED -> JobStatus.CONVERGED;
                case FitJobs.NOT_CONVERGED -> JobStatus.STOPPED;
                case FitJobs.INTERRUPTED -> job.cancelRequested() ? JobStatus.CANCELLED : JobStatus.RUNNING;
                default -> JobStatus.FAILED;
            };
            if (code == FitJobs.INTERRUPTED) {
                message = job.cancelRequested() ? "cancelled: checkpoint written to " + ck
                        : "the server stopped: checkpoint written; the job continues when the server starts again";
            }
        } catch (IOException | RuntimeException e) {
            status = JobStatus.FAILED;
            message = "the service could not run the job: " + e;
        } finally {
            metrics.ended(job);
        }
        if (status == JobStatus.RUNNING) {
            job.note(message);
        } else {
            job.finish(status, message, code);
        }
        try {
            Jobs.writeAtomically(job.dir.resolve("iterations.json"), JSON.writeValueAsBytes(progress.iterations()));
            store.save(job);
        } catch (IOException e) {
            log.println("lsq serve: job " + job.id + ": could not write its record: " + e.getMessage());
        }
        job.publishStatus();
    }

    /** The result's message (the termination reason), or null without a result. */
    private static String resultMessage(Job job) {
        try {
            if (Files.isRegularFile(job.resultFile())) {
                Object m = JSON.readTree(job.resultFile().toFile()).path("message").asText(null);
                return m == null ? null : m.toString();
            }
        } catch (IOException e) {
            return "the result could not be read: " + e.getMessage();
        }
        return null;
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Stops: queued jobs stay queued; running ones write a checkpoint and stop (they stay "running" in the store and
     * continue when a server starts on the same state directory). Waits up to {@code wait} for them.
     */
    void close(java.time.Duration wait) {
        closing = true;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.println("lsq serve: running jobs did not stop within " + wait + "; they continue from their newest"
                        + " checkpoint on the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(java.time.Duration.ofSeconds(30));
    }
}
