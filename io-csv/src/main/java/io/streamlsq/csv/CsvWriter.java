package io.streamlsq.csv;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes the rows of a source as CSV with a header, every number in Java's shortest round-trip form,
 * into a temporary file renamed over the target when complete (a killed writer leaves no half file).
 */
public final class CsvWriter {
    private CsvWriter() {
    }

    /** Writes {@code columns} of {@code source} to {@code out}; returns the rows written. */
    public static long write(DataSource source, List<String> columns, Path out) throws IOException {
        Path abs = out.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        long rows = 0;
        // the file's own stream is closed here too: a writer whose last flush fails (a full disk) does not close
        // what it wraps, and the file would stay open
        try (java.io.OutputStream file = Files.newOutputStream(tmp);
                BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(file, StandardCharsets.UTF_8), 1 << 16);
                ChunkCursor cursor = source.open(columns, 0)) {
            w.write(String.join(",", columns));
            w.newLine();
            StringBuilder line = new StringBuilder(64);
            for (Chunk c = cursor.next(); c != null; c = cursor.next()) {
                for (int i = 0; i < c.rows(); i++) {
                    line.setLength(0);
                    for (int k = 0; k < columns.size(); k++) {
                        if (k > 0) {
                            line.append(',');
                        }
                        line.append(c.get(k, i));
                    }
                    line.append('\n');
                    w.append(line);
                }
                rows += c.rows();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return rows;
    }
}
