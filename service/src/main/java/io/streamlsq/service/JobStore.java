package io.streamlsq.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The jobs of a state directory: {@code STATE/jobs/ID/job.json} ({@value #FORMAT}, version {@value #VERSION}), beside
 * the job's checkpoints, result, report and log. A record is written to a temporary file, forced to disk, and
 * renamed over the old one, so a crash leaves the old record or the new one, never a mix. Records are validated on
 * read: an unknown format or version, or a missing field, is refused naming the file.
 */
final class JobStore {
    static final String FORMAT = "streamlsq-job";
    static final int VERSION = 1;
    /** Job ids: six or more digits, in order of submission. */
    static final Pattern ID = Pattern.compile("[0-9]{6,12}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path jobs;
    private long next;

    JobStore(Path stateDir) throws IOException {
        this.jobs = stateDir.resolve("jobs");
        Files.createDirectories(jobs);
    }

    Path dir() {
        return jobs;
    }

    /** A new job's id and (created) directory. */
    synchronized Path newJobDir() throws IOException {
        while (true) {
            String id = String.format(java.util.Locale.ROOT, "%06d", ++next);
            Path d = jobs.resolve(id);
            if (!Files.exists(d)) {
                Files.createDirectory(d);
                return d;
            }
        }
    }

    /** Writes {@code job}'s record atomically. */
    void save(Job job) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(job.record());
        Path target = job.dir.resolve("job.json");
        Path tmp = job.dir.resolve("job.json.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Every job of the store, oldest first; directories without a record (a submission cut short) are skipped. */
    synchronized List<Job> load() throws IOException {
        List<Job> out = new ArrayList<>();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(jobs)) {
            dirs = s.filter(Files::isDirectory).filter(d -> ID.matcher(d.getFileName().toString()).matches()).sorted()
                    .toList();
        }
        for (Path d : dirs) {
            next = Math.max(next, Long.parseLong(d.getFileName().toString()));
            Path f = d.resolve("job.json");
            if (Files.isRegularFile(f)) {
                out.add(read(f));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Job read(Path file) throws IOException {
        Map<String, Object> m;
        try {
            m = JSON.readValue(file.toFile(), Map.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not a job record (not valid JSON: " + e.getOriginalMessage() + ")");
        }
        if (!FORMAT.equals(m.get("format"))) {
            throw new IOException(file + ": format = " + m.get("format") + "; expected " + FORMAT);
        }
        if (!(m.get("version") instanceof Integer v) || v != VERSION) {
            throw new IOException(file + ": " + FORMAT + " version " + m.get("version") + " is not supported (this"
                    + " server reads version " + VERSION + ")");
        }
        for (String k : List.of("id", "created", "status", "request", "settings")) {
            if (m.get(k) == null) {
                throw new IOException(file + ": the field '" + k + "' is missing");
            }
        }
        String id = String.valueOf(m.get("id"));
        if (!id.equals(file.getParent().getFileName().toString())) {
            throw new IOException(file + ": id " + id + " is not its directory's name");
        }
        JobStatus status;
        try {
            status = JobStatus.parse(String.valueOf(m.get("status")));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": status '" + m.get("status") + "' is not one of queued, running, converged,"
                    + " stopped, failed, cancelled");
        }
        Job job = new Job(id, file.getParent(), Instant.parse(String.valueOf(m.get("created"))),
                (Map<String, Object>) m.get("request"), (Map<String, Object>) m.get("settings"));
        job.restore(status, (String) m.get("message"), instant(m.get("started")), instant(m.get("ended")),
                (Integer) m.get("exit_code"), m.get("restarts") instanceof Integer r ? r : 0);
        return job;
    }

    private static Instant instant(Object o) {
        return o == null ? null : Instant.parse(o.toString());
    }
}
