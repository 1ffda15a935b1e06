package io.streamlsq.app;

import io.streamlsq.arrow.ArrowFileDataSource;
import io.streamlsq.arrow.ArrowStreamDataSource;
import io.streamlsq.arrow.ParquetDataSource;
import io.streamlsq.csv.CsvDataSource;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.hdf5.Hdf5DataSource;
import io.streamlsq.problems.BuiltinProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Turns {@code --data} into a source: a file by its extension ({@code .csv}, {@code .arrow}/{@code .feather}
 * (Arrow IPC file), {@code .arrows} (Arrow IPC stream), {@code .parquet}, {@code .h5}/{@code .hdf5}), or
 * {@code synthetic:PROBLEM[:ROWS[:SEED]]} for rows generated on the fly.
 */
final class DataSpecs {
    private DataSpecs() {
    }

    /**
     * @param hdf5Datasets for an HDF5 file, the dataset paths the fit reads (HDF5 has no table to take
     *     columns from)
     */
    static DataSource open(String spec, int chunkRows, LazyAllocator allocator, InvalidRows policy,
            List<String> hdf5Datasets) throws IOException {
        return open(spec, chunkRows, allocator, policy, hdf5Datasets, false, null);
    }

    /**
     * @param spark for {@code --engine spark}: only Parquet: a file is opened as a source that every executor opens
     *     again at its absolute path ({@link SparkBridge#parquet}); a directory or a URL is read by Spark as a Dataset
     *     of the columns in {@code hdf5Datasets} ({@link SparkBridge#dataset})
     * @param sparkMaster with {@code spark}, the master of the session a Dataset needs (null: spark-submit's or local[*])
     */
    static DataSource open(String spec, int chunkRows, LazyAllocator allocator, InvalidRows policy,
            List<String> hdf5Datasets, boolean spark, String sparkMaster) throws IOException {
        if (spark) {
            if (sparkDataset(spec)) {
                // a directory of Parquet part files or a URL (hdfs://, s3a://): Spark reads it; the columns are the fit's
                return SparkBridge.dataset(spec, hdf5Datasets, policy, chunkRows, sparkMaster);
            }
            checkSpark(spec);
        }
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
        Path path = Path.of(spec);
        if (java.nio.file.Files.isDirectory(path)) {
            throw new UsageException("--data " + spec + " is a directory; give a data file (.csv, .arrow, .arrows,"
                    + " .parquet, .h5)");
        }
        if (java.nio.file.Files.exists(path) && !java.nio.file.Files.isRegularFile(path)) {
            throw new UsageException("--data " + spec + " is not a regular file (a pipe or a device?): a fit reads its"
                    + " data several times, and a pipe can be read only once; write the data to a file first");
        }
        return switch (format(spec, "--data")) {
            case "csv" -> new CsvDataSource(path, chunkRows, policy);
            case "arrow" -> ArrowFileDataSource.open(path, allocator.get(), policy, chunkRows);
            case "arrows" -> ArrowStreamDataSource.open(path, allocator.get(), policy, chunkRows);
            case "parquet" -> spark ? SparkBridge.parquet(path, policy, chunkRows)
                    : ParquetDataSource.open(path, policy, chunkRows);
            default -> Hdf5DataSource.open(path, hdf5Datasets, chunkRows, policy);
        };
    }

    /**
     * {@code --engine spark} reads Parquet files only: each executor opens the file itself at the same path and reads
     * the row groups of its chunks, which CSV, Arrow IPC, HDF5 and synthetic data do not allow.
     */
    /** With --engine spark: whether {@code spec} is Parquet only Spark reads (a directory of part files, or a URL). */
    static boolean sparkDataset(String spec) {
        return spec.contains("://") || java.nio.file.Files.isDirectory(Path.of(spec));
    }

    static void checkSpark(String spec) {
        String kind;
        if (spec.startsWith("synthetic:")) {
            kind = "synthetic data";
        } else {
            String f = format(spec, "--data");
            if (f.equals("parquet")) {
                return;
            }
            kind = switch (f) {
                case "csv" -> "a CSV file";
                case "arrow" -> "an Arrow IPC file";
                case "arrows" -> "an Arrow IPC stream";
                default -> "an HDF5 file";
            };
        }
        throw new UsageException("--data " + spec + " is " + kind + ", and --engine spark reads Parquet files only (every"
                + " executor opens the .parquet file at the same path); convert it to Parquet, or fit it with --engine local");
    }

    /** csv, arrow, arrows, parquet or h5, from the file name. */
    static String format(String name, String option) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return "csv";
        }
        if (lower.endsWith(".arrow") || lower.endsWith(".feather") || lower.endsWith(".ipc")) {
            return "arrow";
        }
        if (lower.endsWith(".arrows")) {
            return "arrows";
        }
        if (lower.endsWith(".parquet")) {
            return "parquet";
        }
        if (lower.endsWith(".h5") || lower.endsWith(".hdf5")) {
            return "h5";
        }
        throw new UsageException(option + " " + name + ": unknown format (it is taken from the file name); use .csv, .arrow/.feather/.ipc (Arrow IPC"
                + " file), .arrows (Arrow IPC stream), .parquet or .h5/.hdf5"
                + (option.equals("--data") ? ", or synthetic:PROBLEM[:ROWS[:SEED]]" : ""));
    }
}
