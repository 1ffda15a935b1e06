package io.streamlsq.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The directory every data path of a job is relative to. A path is refused when it is absolute or has a {@code ..}
 * part (400), when it does not exist (400), or when it resolves (through symbolic links) outside the root (403).
 * The fit reads the resolved real path, so a link changed after the check cannot redirect it.
 */
final class DataRoot {
    private final Path root;

    /** {@code dir} must exist; it is kept as its real path. */
    DataRoot(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--data-root " + dir + " is not a directory");
        }
        this.root = dir.toRealPath();
    }

    Path path() {
        return root;
    }

    /**
     * The real path of the file that setting {@code key} ({@code data}, {@code p0-table}) names as {@code spec},
     * relative to the root; {@code synthetic:} data (rows made on the fly, no file) is returned as it is.
     */
    String resolve(String key, String spec) {
        if (key.equals("data") && spec.startsWith("synthetic:")) {
            return spec;
        }
        if (spec.isBlank() || spec.indexOf('\0') >= 0) {
            throw new ApiException(400, key + " = '" + spec.replace("\0", "\\0") + "': not a file name");
        }
        Path p;
        try {
            p = Path.of(spec);
        } catch (InvalidPathException e) {
            throw new ApiException(400, key + " = '" + spec + "': not a file name (" + e.getReason() + ")");
        }
        if (p.isAbsolute() || spec.startsWith("/") || spec.startsWith("\\")) {
            throw new ApiException(400, key + " = '" + spec + "' is an absolute path; data paths are relative to the data"
                    + " root");
        }
        for (Path part : p) {
            if (part.toString().equals("..")) {
                throw new ApiException(400, key + " = '" + spec + "' has a '..' part; data paths must stay under the data"
                        + " root");
            }
        }
        Path resolved = root.resolve(p).normalize();
        if (!resolved.startsWith(root)) {
            throw new ApiException(400, key + " = '" + spec + "' leaves the data root");
        }
        Path real;
        try {
            real = resolved.toRealPath();
        } catch (IOException e) {
            throw new ApiException(400, key + " = '" + spec + "': no such file under the data root");
        }
        if (!real.startsWith(root)) {
            throw new ApiException(403, key + " = '" + spec + "' resolves (through a symbolic link) outside the data root");
        }
        if (!Files.isRegularFile(real)) {
            throw new ApiException(400, key + " = '" + spec + "' is not a regular file");
        }
        return real.toString();
    }
}
