package io.streamlsq.checkpoint;

import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointStore;
import io.streamlsq.resume.CorruptCheckpointException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints as HDF5 files (format 3.0, docs/checkpoint-format.md) in one directory:
 * {@code ckpt-00000001.h5}, {@code ckpt-00000002.h5}, … Each save writes a hidden temporary file in the
 * same directory, forces it to disk, renames it to the next name with {@code ATOMIC_MOVE}, forces the
 * directory, and only then deletes checkpoints older than the newest {@code keep} (default 2). A crash at
 * any moment therefore leaves the newest complete checkpoint and the one before it. {@link #latest} reads
 * the newest and falls back to older ones if it is damaged.
 *
 * <p>One store per directory: the store holds an exclusive lock on the directory ({@value DirectoryLock#NAME},
 * with the holder's pid, host and start time) from {@link #open} or {@link #existing} until {@link #close}; a
 * second store on the same directory, in this process or another, is refused with
 * {@link CheckpointDirectoryInUseException} naming the holder. Temporary files of a crashed writer are removed
 * only once the lock is held. {@link #newest} and {@link #read} read without the lock (for {@code lsq inspect}).
 *
 * <p>A full disk while writing is {@link CheckpointDiskFullException}; the partial file is removed.
 */
public final class Hdf5CheckpointStore implements CheckpointStore, AutoCloseable {
    public static final int DEFAULT_KEEP = 2;
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{8,})\\.h5");

    /** Writes a checkpoint's tree to a new file (jhdf; tests put a failing one in). */
    interface TreeWriter {
        void write(H5Tree tree, Path file) throws IOException;
    }

    private final Path dir;
    private final int keep;
    private final DirectoryLock lock;
    private final TreeWriter writer;
    private final List<String> warnings = new ArrayList<>();
    private long sequence;
    private boolean closed;

    private Hdf5CheckpointStore(Path dir, int keep, long sequence, DirectoryLock lock, TreeWriter writer) {
        this.dir = dir;
        this.keep = keep;
        this.sequence = sequence;
        this.lock = lock;
        this.writer = writer;
    }

    /**
     * Opens (and creates, if needed) a checkpoint directory and locks it; removes temporary files a crash left
     * behind. Close the store to release the lock (the OS releases it when the process ends).
     *
     * @throws IllegalArgumentException if keep < 1
     * @throws CheckpointDirectoryInUseException if another store (this process or another) holds the directory
     * @throws IOException if {@code dir} exists and is not a directory, or cannot be created or locked
     */
    public static Hdf5CheckpointStore open(Path dir, int keep) throws IOException {
        return open(dir, keep, (tree, file) -> tree.write(file));
    }

    static Hdf5CheckpointStore open(Path dir, int keep, TreeWriter writer) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoints to keep = " + keep + " must be >= 1");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new java.nio.file.NotDirectoryException(dir + " (the checkpoint directory) is a file");
        }
        Files.createDirectories(dir);
        DirectoryLock lock = DirectoryLock.acquire(dir);
        try {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".h5.tmp")).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            List<Path> files = files(dir);
            long seq = files.isEmpty() ? 0 : sequenceOf(files.get(files.size() - 1));
            return new Hdf5CheckpointStore(dir, keep, seq, lock, writer);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** {@link #open(Path, int)} keeping {@value #DEFAULT_KEEP}. */
    public static Hdf5CheckpointStore open(Path dir) throws IOException {
        return open(dir, DEFAULT_KEEP);
    }

    /**
     * Opens an existing checkpoint directory for resuming; refuses one that holds no checkpoint.
     *
     * @throws java.nio.file.NoSuchFileException if {@code dir} does not exist
     * @throws CorruptCheckpointException if it holds no checkpoint file
     */
    public static Hdf5CheckpointStore existing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir + " (no such checkpoint directory)");
        }
        if (files(dir).isEmpty()) {
            throw new CorruptCheckpointException(dir + " holds no checkpoint (no ckpt-*.h5 file)");
        }
        return open(dir);
    }

    /** The checkpoint {@link #latest} returns: its file, and the damaged newer files skipped on the way. */
    public record Newest(Path file, Checkpoint checkpoint, List<String> warnings) {
        public Newest {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * The checkpoint a resume of {@code dir} would continue from, read without taking the directory's lock (a
     * fit may be writing it: renames are atomic): the newest file that passes every check, falling back to
     * older ones; each damaged file skipped is one warning ("FILE is damaged: …; using the previous checkpoint
     * ckpt-N.h5"). For {@code lsq inspect DIR}.
     *
     * @throws java.nio.file.NoSuchFileException if {@code dir} does not exist
     * @throws CorruptCheckpointException if it holds no checkpoint, or none is readable (naming each problem)
     * @throws io.streamlsq.resume.CheckpointMismatchException if the newest readable one is of an unknown version
     */
    public static Newest newest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir + " (no such checkpoint directory)");
        }
        List<Path> all = files(dir);
        if (all.isEmpty()) {
            throw new CorruptCheckpointException(dir + " holds no checkpoint (no ckpt-*.h5 file)");
        }
        List<String> problems = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            Path f = all.get(i);
            try {
                Checkpoint c = read(f);
                List<String> warnings = new ArrayList<>();
                for (String p : problems) {
                    warnings.add(p + "; using the previous checkpoint " + f.getFileName());
                }
                return new Newest(f, c, warnings);
            } catch (CorruptCheckpointException e) {
                problems.add(e.getMessage());
            } catch (java.nio.file.NoSuchFileException e) {
                // rotated away by a running fit since the listing
            }
        }
        throw new CorruptCheckpointException("no readable checkpoint in " + dir + ": " + String.join("; ", problems));
    }

    /** The checkpoint files of {@code dir}, oldest first (no lock taken). */
    public static List<Path> checkpointFiles(Path dir) throws IOException {
        return files(dir);
    }

    /**
     * Reads and validates one checkpoint file.
     *
     * @throws CorruptCheckpointException if it is truncated, damaged or incomplete
     * @throws io.streamlsq.resume.CheckpointMismatchException if it is not a checkpoint or of an unknown major version
     */
    public static Checkpoint read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        return CheckpointCodec.decode(H5Tree.read(file), file);
    }

    /**
     * Writes {@code checkpoint} as the next file (temporary file, force, atomic rename, force the directory), then
     * deletes all but the newest {@code keep}.
     *
     * @throws CheckpointDiskFullException if the file system is full; the partial file is removed and the
     *     checkpoints written before are untouched
     * @throws IOException on any other failure to write, naming the file
     * @throws IllegalStateException after {@link #close}
     */
    @Override
    public synchronized void save(Checkpoint checkpoint) throws IOException {
        if (closed) {
            throw new IllegalStateException("checkpoint store " + dir + " is closed");
        }
        long seq = sequence + 1;
        Path target = dir.resolve(String.format("ckpt-%08d.h5", seq));
        Path tmp = dir.resolve(".ckpt-" + seq + ".h5.tmp");
        Files.deleteIfExists(tmp);
        try {
            writer.write(CheckpointCodec.encode(checkpoint, seq, Instant.now().toString()), tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            if (CheckpointDiskFullException.isNoSpace(e)) {
                throw new CheckpointDiskFullException(target, e);
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
        forceDirectory();
        sequence = seq;
        List<Path> all = files(dir);
        for (int i = 0; i < all.size() - keep; i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    @Override
    public synchronized Optional<Checkpoint> latest() throws IOException {
        if (files(dir).isEmpty()) {
            return Optional.empty();
        }
        Newest n = newest(dir);
        warnings.addAll(n.warnings());
        return Optional.of(n.checkpoint());
    }

    /** Releases the directory's lock; the checkpoints stay. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            lock.close();
        }
    }

    @Override
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    /** The checkpoint files, oldest first. */
    public List<Path> files() throws IOException {
        return files(dir);
    }

    private void forceDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(Hdf5CheckpointStore::sequenceOf)).toList();
        }
    }

    private static long sequenceOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
