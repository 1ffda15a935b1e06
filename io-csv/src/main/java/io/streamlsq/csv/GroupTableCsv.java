package io.streamlsq.csv;

import io.streamlsq.grouped.GroupResult;
import io.streamlsq.grouped.GroupTableWriter;
import io.streamlsq.grouped.GroupedFit;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The results table of a grouped fit as CSV with a header (RFC 4180 quoting for the message), numbers in Java's
 * shortest round-trip form (so the CSV carries the bits), a whole-number key without ".0".
 */
public final class GroupTableCsv implements GroupTableWriter {
    private final Path target;
    private final Path tmp;
    private final OutputStream file;
    private final BufferedWriter w;
    private final StringBuilder line = new StringBuilder(256);
    private long rows;
    private boolean committed;

    public GroupTableCsv(Path target, String keyColumn, List<String> parameters) throws IOException {
        GroupTableWriter.checkNames(keyColumn, parameters);
        this.target = target.toAbsolutePath();
        this.tmp = this.target.resolveSibling(this.target.getFileName() + ".tmp");
        this.file = Files.newOutputStream(tmp);
        this.w = new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8), 1 << 16);
        w.write(String.join(",", GroupTableWriter.columnNames(keyColumn, parameters)));
        w.write('\n');
    }

    @Override
    public void add(GroupResult r) throws IOException {
        line.setLength(0);
        line.append(GroupedFit.keyText(r.key()));
        for (int k = 0; k < r.values().length; k++) {
            line.append(',').append(r.values()[k]).append(',').append(r.stderr()[k]);
        }
        line.append(',').append(r.cost()).append(',').append(r.ssr()).append(',').append(r.rows()).append(',')
                .append(r.iterations()).append(',').append(r.evaluations()).append(',').append(r.status().word()).append(',');
        quote(r.message());
        line.append('\n');
        w.append(line);
        rows++;
    }

    private void quote(String s) {
        boolean needs = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        if (!needs) {
            line.append(s);
            return;
        }
        line.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                line.append('"');
            }
            line.append(c);
        }
        line.append('"');
    }

    @Override
    public long commit() throws IOException {
        w.flush();
        w.close();
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
        return rows;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                w.close();
            } catch (IOException ignored) {
                // the table is dropped anyway
            } finally {
                file.close();
                Files.deleteIfExists(tmp);
            }
        }
    }
}
