package io.streamlsq.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.grouped.GroupResult;
import io.streamlsq.grouped.GroupStatus;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint of a grouped fit (docs/grouped-fits.md, "Checkpoints"): in its directory, {@value #STATE} (JSON:
 * format, version, the run's settings, the data's fingerprint, groups done and the journal's length, written to a
 * temporary file and renamed) and {@value #JOURNAL}, the results of the groups done, appended in input order (big-endian
 * binary: per group the key, index, first row, rows, values, errors, cost, ssr, iterations, evaluations, status and
 * message), forced to disk before the state that counts them. A resume truncates the journal to the length the state
 * records, so a kill between the two writes loses nothing and repeats nothing.
 */
final class GroupedCheckpoint implements AutoCloseable {
    static final String STATE = "grouped-state.json";
    static final String JOURNAL = "grouped-results.bin";
    static final String FORMAT = "streamlsq-grouped-checkpoint";
    static final int VERSION = 1;

    private final Path dir;
    private final FileChannel channel;
    private final DataOutputStream out;
    private final Map<String, Object> invocation;
    private final String fingerprint;
    private final int parameters;
    private long saved;

    private GroupedCheckpoint(Path dir, FileChannel channel, Map<String, Object> invocation, String fingerprint,
            int parameters) {
        this.dir = dir;
        this.channel = channel;
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
        this.invocation = invocation;
        this.fingerprint = fingerprint;
        this.parameters = parameters;
    }

    /** Whether {@code dir} holds a grouped fit's checkpoint. */
    static boolean holdsOne(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE));
    }

    /** A new checkpoint in {@code dir}, which must hold no checkpoint yet. */
    static GroupedCheckpoint create(Path dir, Map<String, Object> invocation, String fingerprint, int parameters)
            throws IOException {
        Files.createDirectories(dir);
        if (holdsOne(dir) || Files.exists(dir.resolve(JOURNAL))) {
            throw new UsageException("--checkpoint-dir " + dir + " already holds a grouped fit's checkpoint; continue it"
                    + " with: lsq resume " + dir + ", or give an empty or new directory");
        }
        FileChannel ch = FileChannel.open(dir.resolve(JOURNAL), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        GroupedCheckpoint c = new GroupedCheckpoint(dir, ch, invocation, fingerprint, parameters);
        c.save(0);
        return c;
    }

    /** The settings a grouped checkpoint stored (for lsq resume). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> storedSettings(Path dir) throws IOException {
        return (Map<String, Object>) state(dir).get("invocation");
    }

    private static Map<String, Object> state(Path dir) throws IOException {
        Map<?, ?> m;
        try {
            m = new ObjectMapper().readValue(dir.resolve(STATE).toFile(), Map.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new UsageException(dir.resolve(STATE) + " is not a readable grouped checkpoint: " + e.getOriginalMessage());
        }
        if (!FORMAT.equals(m.get("format"))) {
            throw new UsageException(dir.resolve(STATE) + ": format '" + m.get("format") + "' is not " + FORMAT);
        }
        if (!(m.get("version") instanceof Number v) || v.intValue() != VERSION) {
            throw new UsageException(dir.resolve(STATE) + ": version " + m.get("version") + " is not supported (this lsq"
                    + " reads version " + VERSION + ")");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> cast = (Map<String, Object>) m;
        return cast;
    }

    /**
     * Opens the checkpoint in {@code dir} to continue it: checks the data's fingerprint, truncates the journal to the
     * groups the state counts and returns them (in input order) through {@code restored}.
     */
    static GroupedCheckpoint resume(Path dir, String fingerprint, int parameters, List<GroupResult> restored)
            throws IOException {
        Map<String, Object> st = state(dir);
        if (!fingerprint.equals(st.get("data_fingerprint"))) {
            throw new UsageException(dir + ": the data is not what the checkpoint was written for (fingerprint "
                    + fingerprint + ", checkpoint " + st.get("data_fingerprint") + ")");
        }
        long groups = ((Number) st.get("groups_done")).longValue();
        long bytes = ((Number) st.get("journal_bytes")).longValue();
        Path journal = dir.resolve(JOURNAL);
        if (Files.size(journal) < bytes) {
            throw new UsageException(journal + " has " + Files.size(journal) + " bytes but the checkpoint counts " + bytes
                    + ": the journal was damaged");
        }
        try (InputStream in = Files.newInputStream(journal);
                DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16))) {
            for (long g = 0; g < groups; g++) {
                restored.add(read(d, parameters, journal));
            }
        }
        FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE);
        ch.truncate(bytes);
        ch.position(bytes);
        @SuppressWarnings("unchecked")
        Map<String, Object> inv = (Map<String, Object>) st.get("invocation");
        GroupedCheckpoint c = new GroupedCheckpoint(dir, ch, inv, fingerprint, parameters);
        return c;
    }

    private static GroupResult read(DataInputStream d, int p, Path journal) throws IOException {
        try {
            double key = d.readDouble();
            long index = d.readLong();
            long first = d.readLong();
            long rows = d.readLong();
            double[] v = new double[p];
            double[] e = new double[p];
            for (int k = 0; k < p; k++) {
                v[k] = d.readDouble();
                e[k] = d.readDouble();
            }
            double cost = d.readDouble();
            double ssr = d.readDouble();
            int it = d.readInt();
            int ev = d.readInt();
            GroupStatus st = GroupStatus.values()[d.readByte()];
            String msg = d.readUTF();
            return GroupResult.of(key, index, first, rows, v, e, cost, ssr, it, ev, st, msg);
        } catch (EOFException | ArrayIndexOutOfBoundsException e) {
            throw new UsageException(journal + " ends before the groups its checkpoint counts: the journal was damaged");
        }
    }

    /** Appends one group's result to the journal (buffered; durable at the next {@link #save}). */
    void add(GroupResult r) throws IOException {
        out.writeDouble(r.key());
        out.writeLong(r.index());
        out.writeLong(r.firstRow());
        out.writeLong(r.rows());
        for (int k = 0; k < parameters; k++) {
            out.writeDouble(r.values()[k]);
            out.writeDouble(r.stderr()[k]);
        }
        out.writeDouble(r.cost());
        out.writeDouble(r.ssr());
        out.writeInt(r.iterations());
        out.writeInt(r.evaluations());
        out.writeByte(r.status().ordinal());
        String m = r.message();
        out.writeUTF(m.length() > 16_000 ? m.substring(0, 16_000) : m);
    }

    /** Makes the journal durable, then records {@code groupsDone} in the state (atomically). Returns checkpoints saved. */
    long save(long groupsDone) throws IOException {
        out.flush();
        channel.force(true);
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("format", FORMAT);
        st.put("version", VERSION);
        st.put("created", java.time.Instant.now().toString());
        st.put("groups_done", groupsDone);
        st.put("journal_bytes", channel.position());
        st.put("data_fingerprint", fingerprint);
        st.put("invocation", invocation);
        Path tmp = dir.resolve(STATE + ".tmp");
        Files.writeString(tmp, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(st));
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(tmp, dir.resolve(STATE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return ++saved;
    }

    Path directory() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            out.flush();
        } finally {
            channel.close();
        }
    }

    static List<String> files() {
        return new ArrayList<>(List.of(STATE, JOURNAL));
    }
}
