package io.streamlsq.app;

import io.streamlsq.app.predict.PredictionSource;
import io.streamlsq.app.predict.SavedFit;
import io.streamlsq.arrow.ArrowWriters;
import io.streamlsq.csv.CsvWriter;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.expr.ExpressionModel;
import io.streamlsq.hdf5.Hdf5DataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lsq predict}: the fitted model's values (and residuals, and a confidence band) for every row of a data file,
 * streamed chunk by chunk into a CSV, Arrow IPC or Parquet file (docs/plots-and-predict.md).
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the fitted model's value for every row of a data file, with the residual y - f and"
                + " optionally a confidence band, from a result JSON of lsq fit --out.%n",
            "Output columns: the variables' columns and y as read, then model, residual (unless --no-residuals), and"
                + " with --band: model_stderr = sqrt(g' C g) (g: the model's gradient in the parameters at the fitted"
                + " values; C: the result's covariance), lower and upper = model -/+ t * model_stderr (t: Student's"
                + " quantile at --level with the fit's degrees of freedom).%n",
            "The output is written to a temporary file and renamed over --out (an existing file is replaced, as with"
                + " lsq fit --out). Exit codes: 0 written; 2 bad usage or bad input (checked before any row is"
                + " written: the result, the columns, the output's format and place); 1 no space left on device."},
        footer = {"", "Examples:",
            "  lsq fit --data decay.csv --model \"a*exp(-b*x)+c\" --p0 a=1,b=0.5,c=0 --out result.json",
            "  lsq predict --result result.json --data decay.csv --out pred.parquet",
            "  lsq predict --result result.json --data grid.csv --no-residuals --band --level 0.99 --out band.csv"})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--result", required = true, paramLabel = "FILE", description = "Result JSON of lsq fit --out.")
    Path result;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Data file, as for lsq fit --data.")
    String data;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Output: .csv, .parquet, .arrow/.feather/.ipc (Arrow IPC file) or .arrows (Arrow IPC stream).")
    Path out;

    @Option(names = "--x", paramLabel = "COL[,COL...]", description = "Columns for the model's variables (as for lsq fit"
            + " --x); default: the columns the fit read (the result's 'columns').")
    String x;

    @Option(names = "--y", paramLabel = "COL", description = "Response column for the residuals; default: the fit's.")
    String y;

    @Option(names = "--no-residuals", description = "Do not read a response column; write no residual (data without y).")
    boolean noResiduals;

    @Option(names = "--band", description = "Add model_stderr, lower and upper (the delta-method confidence band).")
    boolean band;

    @Option(names = "--level", paramLabel = "P", description = "Confidence level of the band, in (0, 1) (default 0.95;"
            + " implies --band).")
    Double level;

    @Option(names = "--chunk-rows", paramLabel = "N", description = "Rows per chunk (default 65536).")
    String chunkRows;

    @Option(names = "--quiet", description = "No warnings on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        SavedFit fit = SavedFit.read(result);
        String format = outputFormat(out);
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--result", result);
        if (!data.startsWith("synthetic:")) {
            inputs.put("the data file (--data)", Path.of(data));
        }
        OutputFiles.check(inputs, Map.of("--out", out));
        boolean withBand = band || level != null;
        double p = level == null ? 0.95 : level;
        double[][] covariance = withBand ? bandCovariance(fit, p) : null;
        double quantile = withBand ? studentQuantile(p, fit.dof()) : Double.NaN;
        int chunk = chunkRows == null ? 65_536 : (int) Math.min(FitCommand.MAX_CHUNK_ROWS,
                Math.max(1, Cli.parseCount("--chunk-rows", chunkRows)));
        boolean hdf5 = !data.startsWith("synthetic:") && DataSpecs.format(data, "--data").equals("h5");
        String xSpec = hdf5 && x != null ? hdf5Paths(x) : x;
        String yColumn = noResiduals ? null : (y != null ? (hdf5 ? Hdf5DataSource.normalize(y) : y) : fit.yColumn());
        // an HDF5 file has no table of columns: it opens the datasets named here
        List<String> wanted = new ArrayList<>(fit.variableColumns().values());
        if (xSpec != null) {
            for (String item : xSpec.split(",")) {
                wanted.add(item.contains("=") ? item.substring(item.indexOf('=') + 1).trim() : item.trim());
            }
        }
        if (yColumn != null) {
            wanted.add(yColumn);
        }
        if (!quiet && !fit.status().equals("converged")) {
            Cli.err(spec).println("lsq: warning: the fit in " + result + " ended with status '" + fit.status()
                    + "'; predicting at its last parameters");
        }
        try (LazyAllocator allocator = new LazyAllocator(512L << 20);
                DataSource source = DataSpecs.open(data, chunk, allocator, InvalidRows.REFUSE, wanted)) {
            List<String> varColumns = columns(fit, source, xSpec);
            if (yColumn != null && !source.columnNames().contains(yColumn)) {
                throw new UsageException("the response column '" + yColumn + "' (" + (y != null ? "--y" : "the fit's y, in "
                        + result) + ") is not a column of " + source.describe() + " (columns: "
                        + String.join(", ", source.columnNames()) + "); give --y COLUMN, or --no-residuals for data"
                        + " without a response");
            }
            ExpressionModel model = fit.model();
            List<String> passThrough = new ArrayList<>();
            for (String c : varColumns) {
                if (!passThrough.contains(c)) {
                    passThrough.add(c);
                }
            }
            if (yColumn != null && !passThrough.contains(yColumn)) {
                passThrough.add(yColumn);
            }
            PredictionSource predictions;
            try {
                predictions = new PredictionSource(source, model, fit.values(), varColumns, yColumn, passThrough,
                        covariance, quantile);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--out " + out + ": " + e.getMessage());
            }
            long rows = write(format, predictions);
            Cli.out(spec).printf(Locale.ROOT, "wrote %d rows to %s (columns %s)%s%n", rows, out,
                    String.join(", ", predictions.columnNames()), withBand ? String.format(Locale.ROOT,
                            "; band: %.4g%% confidence, t quantile %.6g with %d degrees of freedom", 100 * p, quantile,
                            fit.dof()) : "");
        }
        return Lsq.CONVERGED;
    }

    /** The output format from the file name; HDF5 (written from memory by jhdf) is refused. */
    private static String outputFormat(Path out) {
        String name = out.getFileName() == null ? out.toString() : out.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".h5") || lower.endsWith(".hdf5")) {
            throw new UsageException("--out " + out + ": predict streams its rows and writes .csv, .parquet, .arrow/"
                    + ".feather/.ipc or .arrows; an HDF5 file is written from memory");
        }
        try {
            return DataSpecs.format(name, "--out");
        } catch (UsageException e) {
            throw new UsageException("--out " + out + ": unknown format (it is taken from the file name); use .csv,"
                    + " .parquet, .arrow/.feather/.ipc (Arrow IPC file) or .arrows (Arrow IPC stream)");
        }
    }

    /** The variables' columns: --x, else the result's; each must be a column of the data. */
    private List<String> columns(SavedFit fit, DataSource source, String xSpec) {
        List<String> vars = new ArrayList<>(fit.variableColumns().keySet());
        Map<String, String> bound = xSpec != null ? FitCommand.bindColumns(xSpec, vars, source) : fit.variableColumns();
        List<String> cols = new ArrayList<>();
        for (String v : vars) {
            String c = bound.get(v);
            if (!source.columnNames().contains(c)) {
                throw new UsageException("the model's variable " + v + " reads column '" + c + "' (" + (fit.columnsStored()
                        ? "as in the fit, " + result : "the variable's own name: " + result + " has no 'columns'")
                        + "), which " + source.describe() + " does not have (columns: "
                        + String.join(", ", source.columnNames()) + "); bind it with --x " + v + "=COLUMN");
            }
            cols.add(c);
        }
        return cols;
    }

    /** HDF5 dataset paths with a leading slash in an --x spec ({@code x=data/x} reads {@code /data/x}). */
    private static String hdf5Paths(String spec) {
        List<String> items = new ArrayList<>();
        for (String item : spec.split(",")) {
            int eq = item.indexOf('=');
            items.add(eq >= 0 ? item.substring(0, eq).trim() + "=" + Hdf5DataSource.normalize(item.substring(eq + 1).trim())
                    : Hdf5DataSource.normalize(item.trim()));
        }
        return String.join(",", items);
    }

    /** The covariance for the band; refused when the fit could not estimate it. */
    private double[][] bandCovariance(SavedFit fit, double p) {
        if (!(p > 0 && p < 1)) {
            throw new UsageException("--level = " + p + " must be between 0 and 1 (exclusive), e.g. 0.95");
        }
        double[][] c = fit.covariance();
        if (c == null) {
            throw new UsageException("--band: " + result + " has no 'covariance'");
        }
        for (int j = 0; j < c.length; j++) {
            if (Double.isNaN(c[j][j])) {
                throw new UsageException("--band: the covariance in " + result + " is unknown (null) for parameter "
                        + fit.parameters().get(j) + " (the fit could not estimate it, see its warnings): no band can be"
                        + " computed");
            }
        }
        return c;
    }

    /** Student's t quantile at (1 + p) / 2 with {@code dof} degrees of freedom (lmfit's eval_uncertainty uses the same). */
    private double studentQuantile(double p, long dof) {
        if (dof < 1) {
            throw new UsageException("--band: the fit in " + result + " has 'dof' = " + dof + "; a band needs at least"
                    + " one degree of freedom (more rows than free parameters)");
        }
        return new org.hipparchus.distribution.continuous.TDistribution(dof).inverseCumulativeProbability((1 + p) / 2);
    }

    private long write(String format, DataSource predictions) throws IOException {
        List<String> cols = predictions.columnNames();
        if (format.equals("csv")) {
            return CsvWriter.write(predictions, cols, out);
        }
        // Arrow Dataset's Parquet writer stages a row group in direct memory before it writes it
        try (BufferAllocator allocator = new RootAllocator(4L << 30)) {
            return switch (format) {
                case "arrow" -> ArrowWriters.writeFile(predictions, cols, out, 65_536, allocator);
                case "arrows" -> ArrowWriters.writeStream(predictions, cols, out, 65_536, allocator);
                default -> ArrowWriters.writeParquet(predictions, cols, out, 65_536, allocator);
            };
        }
    }
}
