package io.streamlsq.app;

import io.streamlsq.csv.CsvDataSource;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.problems.BuiltinProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns {@code --data} into a source: a file by its extension, or {@code synthetic:PROBLEM[:ROWS[:SEED]]}
 * for rows generated on the fly.
 */
final class DataSpecs {
    private DataSpecs() {
    }

    static DataSource open(String spec, int chunkRows) throws IOException {
        if (spec.startsWith("synthetic:")) {
            String[] parts = spec.split(":");
            if (parts.length < 2 || parts.length > 4) {
                throw new UsageException("--data " + spec + ": expected synthetic:PROBLEM[:ROWS[:SEED]], e.g. synthetic:decay:1e7");
            }
            BuiltinProblem p = BuiltinProblem.named(parts[1]);
            long rows = parts.length > 2 ? Cli.parseCount("--data rows", parts[2]) : 10_000_000L;
            long seed = parts.length > 3 ? Cli.parseCount("--data seed", parts[3]) : 1;
            return SyntheticDataSource.of(p, rows, chunkRows, seed);
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return new CsvDataSource(Path.of(spec), chunkRows);
        }
        for (String ext : new String[] {".arrow", ".feather", ".arrows", ".parquet", ".h5", ".hdf5"}) {
            if (lower.endsWith(ext)) {
                throw new UsageException("--data " + spec + ": " + ext + " files are not supported by this build yet; "
                        + "it reads .csv files and synthetic:PROBLEM[:ROWS[:SEED]]");
            }
        }
        throw new UsageException("--data " + spec + ": unknown format; use a .csv file or synthetic:PROBLEM[:ROWS[:SEED]]");
    }
}
