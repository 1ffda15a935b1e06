package io.streamlsq.checkpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a checkpoint directory: an OS file lock ({@link FileChannel#tryLock}) on {@value #NAME} in
 * the directory, which records its holder (pid, host, start) for the message a second user gets. The OS drops
 * the lock when the holder exits, killed or not, so a stale lock file never blocks. OS locks belong to the
 * process, so stores of this JVM are also kept in a table: a second store on a directory this JVM holds is
 * refused without touching the file (closing any channel to a locked file would drop the process's lock).
 */
final class DirectoryLock implements AutoCloseable {
    static final String NAME = ".lock";
    private static final Map<Path, String> HELD_HERE = new ConcurrentHashMap<>();
    /** Channels that must not be closed (another class loader of this JVM holds the lock on their file). */
    private static final List<FileChannel> KEPT_OPEN = new ArrayList<>();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (which must exist) or says who holds it.
     *
     * @throws CheckpointDirectoryInUseException if a store of this or another process holds it
     * @throws IOException if the lock file cannot be created (e.g. a read-only directory)
     */
    static DirectoryLock acquire(Path dir) throws IOException {
        Path key = dir.toRealPath();
        String me = "process " + ProcessHandle.current().pid() + " on host " + host() + " since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String other = HELD_HERE.putIfAbsent(key, me);
        if (other != null) {
            throw new CheckpointDirectoryInUseException(dir, other + " (this process)");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(key.resolve(NAME), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                synchronized (KEPT_OPEN) {
                    KEPT_OPEN.add(ch);
                }
                ch = null;
                throw new CheckpointDirectoryInUseException(dir, "another store of this process");
            }
            if (l == null) {
                String holder = holder(ch);
                throw new CheckpointDirectoryInUseException(dir, holder.isEmpty() ? "another process (which has not "
                        + "recorded itself in " + NAME + " yet)" : holder);
            }
            byte[] text = (me.replace("process ", "pid=").replace(" on host ", "\nhost=").replace(" since ", "\nsince=")
                    + "\n").getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(text), 0);
            ch.force(false);
            DirectoryLock held = new DirectoryLock(key, ch, l);
            ch = null;
            return held;
        } catch (IOException | RuntimeException | Error e) {
            HELD_HERE.remove(key, me);
            if (ch != null) {
                ch.close();
            }
            throw e;
        }
    }

    /** "process 1234 on host h since 2026-12-03T10:00:00Z" from the lock file's pid=, host=, since= lines. */
    private static String holder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        ch.read(b, 0);
        String pid = "?";
        String host = "?";
        String since = "?";
        for (String line : new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("pid=")) {
                pid = line.substring(4);
            } else if (line.startsWith("host=")) {
                host = line.substring(5);
            } else if (line.startsWith("since=")) {
                since = line.substring(6);
            }
        }
        return b.position() == 0 ? "" : "process " + pid + " on host " + host + " since " + since;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | SecurityException e) {
            String h = System.getenv("HOSTNAME");
            return h == null ? "unknown" : h;
        }
    }

    /** Empties the lock file and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                HELD_HERE.remove(key);
            }
        }
    }
}
