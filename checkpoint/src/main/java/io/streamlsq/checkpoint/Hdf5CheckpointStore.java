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
 * <p>One writer per directory: two fits writing the same directory would interleave their sequences.
 */
public final class Hdf5CheckpointStore implements CheckpointStore {
    public static final int DEFAULT_KEEP = 2;
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{8,})\\.h5");

    private final Path dir;
    private final int keep;
    private final List<String> warnings = new ArrayList<>();
    private long sequence;

    private Hdf5CheckpointStore(Path dir, int keep, long sequence) {
        this.dir = dir;
        this.keep = keep;
        this.sequence = sequence;
    }

    /**
     * Opens (and creates, if needed) a checkpoint directory; removes temporary files a crash left behind.
     *
     * @throws IllegalArgumentException if keep < 1
     * @throws IOException if {@code dir} exists and is not a directory, or cannot be created
     */
    public static Hdf5CheckpointStore open(Path dir, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoints to keep = " + keep + " must be >= 1");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new java.nio.file.NotDirectoryException(dir + " (the checkpoint directory) is a file");
        }
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".h5.tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        }
        List<Path> files = files(dir);
        long seq = files.isEmpty() ? 0 : sequenceOf(files.get(files.size() - 1));
        return new Hdf5CheckpointStore(dir, keep, seq);
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
        Hdf5CheckpointStore s = open(dir);
        if (files(dir).isEmpty()) {
            throw new CorruptCheckpointException(dir + " holds no checkpoint (no ckpt-*.h5 file)");
        }
        return s;
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

    @Override
    public synchronized void save(Checkpoint checkpoint) throws IOException {
        long seq = sequence + 1;
        Path target = dir.resolve(String.format("ckpt-%08d.h5", seq));
        Path tmp = dir.resolve(".ckpt-" + seq + ".h5.tmp");
        Files.deleteIfExists(tmp);
        try {
            CheckpointCodec.encode(checkpoint, seq, Instant.now().toString()).write(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (RuntimeException e) {
            Files.deleteIfExists(tmp);
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
        List<Path> all = files(dir);
        List<String> problems = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            Path f = all.get(i);
            try {
                Checkpoint c = read(f);
                for (String p : problems) {
                    warnings.add(p + "; using the previous checkpoint " + f.getFileName());
                }
                return Optional.of(c);
            } catch (CorruptCheckpointException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CorruptCheckpointException("no readable checkpoint in " + dir + ": " + String.join("; ", problems));
        }
        return Optional.empty();
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
