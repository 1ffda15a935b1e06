package io.streamlsq.app;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The files a run writes (--out, --metrics-file): checked before the fit, so that hours of work never end in
 * a refused write, and written atomically (a temporary file beside the target, forced to disk, then moved over
 * it) with the permissions of a new file under the umask.
 */
final class OutputFiles {
    private OutputFiles() {
    }

    /** Writes the content. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Refuses, before any work: an output that is one of the inputs or another output (compared by real path,
     * so links and {@code ./} do not hide it), a directory, or a place where no file can be created.
     *
     * @param inputs label → path of every file the run reads
     * @param outputs label → path of every file the run writes (null paths are skipped)
     * @throws UsageException naming the option, the path and the rule
     */
    static void check(Map<String, Path> inputs, Map<String, Path> outputs) {
        Map<Path, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Path> in : inputs.entrySet()) {
            if (in.getValue() != null) {
                seen.put(real(in.getValue()), in.getKey());
            }
        }
        for (Map.Entry<String, Path> o : outputs.entrySet()) {
            Path p = o.getValue();
            if (p == null) {
                continue;
            }
            Path r = real(p);
            String other = seen.get(r);
            if (other != null) {
                throw new UsageException(o.getKey() + " " + p + " is the same file as " + other
                        + ": the run would overwrite it; give another file name");
            }
            if (Files.isDirectory(r)) {
                throw new UsageException(o.getKey() + " " + p + " is a directory; give a file name");
            }
            probe(o.getKey(), r);
            seen.put(r, o.getKey() + " " + p);
        }
    }

    /** The absolute, normalized path with links resolved as far as the path exists. */
    static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        List<Path> tail = new ArrayList<>();
        Path at = abs;
        while (at != null) {
            try {
                Path r = at.toRealPath();
                for (int i = tail.size() - 1; i >= 0; i--) {
                    r = r.resolve(tail.get(i));
                }
                return r;
            } catch (IOException e) {
                if (at.getFileName() == null) {
                    return abs;
                }
                tail.add(at.getFileName());
                at = at.getParent();
            }
        }
        return abs;
    }

    /** Creates (and deletes) a file in the target's directory: a read-only or missing place fails now. */
    private static void probe(String option, Path target) {
        Path dir = target.getParent();
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path probe = Files.createTempFile(dir, "." + target.getFileName(), ".probe");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UsageException(option + " " + target + ": cannot create a file in " + dir + " ("
                    + reason(e) + ")");
        }
    }

    /**
     * Writes {@code target} atomically: a temporary file in its directory, forced to disk, moved over it. The
     * temporary file is removed on any failure.
     *
     * @throws IOException naming the target and the reason (no space left, read-only, …)
     */
    static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = null;
        try {
            for (int attempt = 0; tmp == null; attempt++) {
                Path candidate = abs.resolveSibling("." + abs.getFileName() + "."
                        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
                try (FileChannel ch = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    tmp = candidate;
                    OutputStream os = Channels.newOutputStream(ch);
                    content.writeTo(os);
                    os.flush();
                    ch.force(true);
                } catch (FileAlreadyExistsException e) {
                    if (attempt > 10) {
                        throw e;
                    }
                }
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new OutputException("cannot write " + abs + ": " + reason(e), e);
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** The most telling message in the cause chain ("No space left on device", "Read-only file system", …). */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null) {
                for (String key : new String[] {"No space left", "Read-only", "Permission denied", "Disk quota"}) {
                    int at = m.indexOf(key);
                    if (at >= 0) {
                        return m.substring(at);
                    }
                }
            }
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory: " + n.getFile();
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** " (the disk is full: N bytes free)" when the file system of {@code file} has almost no space left, else "". */
    static String spaceHint(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            long free = Files.getFileStore(dir).getUsableSpace();
            return free < (16L << 20) ? " (no space left on device? " + free + " bytes free)" : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Whether {@code e} (or a cause) says the disk is full. */
    static boolean noSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (m.contains("no space left") || m.contains("disk quota")) {
                return true;
            }
        }
        return false;
    }

    /** A result file could not be written after the fit: the run failed (exit 1), the input was fine. */
    static final class OutputException extends IOException {
        private static final long serialVersionUID = 1L;

        OutputException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
