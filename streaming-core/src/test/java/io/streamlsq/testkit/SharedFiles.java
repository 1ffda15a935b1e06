package io.streamlsq.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where ../shared is: the {@code streamlsq.shared} property the build sets, else ../shared or ../../shared. */
public final class SharedFiles {
    private SharedFiles() {
    }

    public static Path root() {
        String prop = System.getProperty("streamlsq.shared");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (String candidate : new String[] {"../shared", "../../shared"}) {
            Path p = Path.of(candidate);
            if (Files.isDirectory(p.resolve("nist"))) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("../shared not found: set -Dstreamlsq.shared=DIR (the build sets it "
                + "from the repository root); looked for " + prop + ", ../shared, ../../shared");
    }
}
