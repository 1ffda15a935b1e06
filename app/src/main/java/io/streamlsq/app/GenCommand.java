package io.streamlsq.app;

import io.streamlsq.arrow.ArrowWriters;
import io.streamlsq.csv.CsvWriter;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.problems.BuiltinProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lsq gen}: writes rows of a built-in problem with known truth. */
@Command(name = "gen", mixinStandardHelpOptions = true,
        description = {"Write rows of a built-in problem with known truth (columns x, y; x, w, y for gauss2d).",
            "decay: y = a*exp(-b*x)+c, truth a=2.5 b=1.3 c=0.5, x ~ U(0,10), noise 0.05.",
            "peaks: three Gaussians plus a line (11 parameters), x ~ U(0,100), noise 0.1.",
            "gauss2d: A*exp(-((x-x0)^2+(w-y0)^2)/(2*s^2))+c, truth 5, 2, -1, 1.5, 0.3, x, w ~ U(-5,5)."},
        footer = {"", "Examples:", "  lsq gen decay --rows 1000000 --out decay.csv",
            "  lsq gen peaks --rows 1e6 --out peaks.parquet --seed 7 --noise 0.2",
            "  lsq gen decay --rows 1e8 --out decay.arrow --batch-rows 1000000",
            "  lsq gen decay --rows 1e6 --out decay.h5"})
final class GenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROBLEM", description = "decay, peaks or gauss2d.")
    String problem;

    @Option(names = "--rows", required = true, description = "Number of rows, e.g. 1000000 or 1e6.")
    String rows;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Output file: .csv, .arrow/.feather/.ipc (Arrow IPC file), .arrows (Arrow IPC stream), .parquet "
                    + "or .h5 (datasets /data/x, /data/y; at most 1e8 rows).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--noise", description = "Standard deviation of the noise (default: the problem's).")
    Double noise;

    @Option(names = "--batch-rows", defaultValue = "65536",
            description = "Rows per Arrow record batch or Parquet row group (default: ${DEFAULT-VALUE}).")
    int batchRows;

    @Override
    public Integer call() throws Exception {
        BuiltinProblem p = BuiltinProblem.named(problem);
        long n = Cli.parseCount("--rows", rows);
        if (n < 1) {
            throw new UsageException("--rows = " + rows + " must be >= 1 (a file without rows cannot be fitted)");
        }
        double sigma = noise == null ? p.noise() : noise;
        if (!(sigma >= 0)) {
            throw new UsageException("--noise = " + noise + " must be >= 0");
        }
        if (batchRows < 1) {
            throw new UsageException("--batch-rows = " + batchRows + " must be >= 1");
        }
        SyntheticDataSource source = new SyntheticDataSource(p.model(), p.truth(), p.xMin(), p.xMax(), sigma, seed, n, 65_536);
        List<String> cols = new java.util.ArrayList<>(p.model().variableNames());
        cols.add("y");
        String format = DataSpecs.format(out.toString(), "--out");
        if (format.equals("h5") && (n > io.streamlsq.hdf5.Hdf5Writer.MAX_ROWS
                || io.streamlsq.hdf5.Hdf5Writer.heapBytes(n, p.model().variableNames().size() + 1)
                        > Runtime.getRuntime().maxMemory() * 0.8)) {
            throw new UsageException("--out " + out + ": an HDF5 file is written from memory (jhdf), at most "
                    + io.streamlsq.hdf5.Hdf5Writer.MAX_ROWS + " rows and within the heap ("
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB here, "
                    + (io.streamlsq.hdf5.Hdf5Writer.heapBytes(n, p.model().variableNames().size() + 1) >> 20)
                    + " MiB needed); use .arrow or .parquet for more rows");
        }
        OutputFiles.check(Map.of(), Map.of("--out", out));
        boolean existed = java.nio.file.Files.exists(out);
        long written;
        try {
            written = write(format, source, cols);
        } catch (IOException | RuntimeException e) {
            if (!existed) {
                java.nio.file.Files.deleteIfExists(out); // no half-written file left behind
            }
            String reason = OutputFiles.reason(e);
            throw new OutputFiles.OutputException("cannot write " + out + ": " + reason
                    + (OutputFiles.noSpace(e) ? "" : OutputFiles.spaceHint(out)), e);
        }
        StringBuilder truth = new StringBuilder();
        List<String> params = p.model().parameterNames();
        for (int k = 0; k < params.size(); k++) {
            truth.append(k > 0 ? "," : "").append(params.get(k)).append('=').append(p.truth()[k]);
        }
        StringBuilder start = new StringBuilder();
        for (int k = 0; k < params.size(); k++) {
            start.append(k > 0 ? "," : "").append(params.get(k)).append('=').append(p.start()[k]);
        }
        String bind = "";
        if (format.equals("h5")) {
            bind = " --x " + String.join(",", p.model().variableNames().stream().map(v -> v + "=/data/" + v).toList())
                    + " --y /data/y";
        }
        Cli.out(spec).printf(Locale.ROOT, "wrote %d rows of %s to %s (truth %s, noise %s, seed %d)%n"
                + "fit it with: lsq fit --data %s --model \"%s\" --p0 %s%s%n", written, p.name(), out, truth, sigma, seed,
                out, p.model().describe(), start, bind);
        return Lsq.CONVERGED;
    }

    private long write(String format, SyntheticDataSource source, List<String> cols) throws IOException {
        if (format.equals("csv")) {
            return CsvWriter.write(source, cols, out);
        }
        if (format.equals("h5")) {
            Map<String, double[]> columns = new java.util.LinkedHashMap<>();
            int rows = (int) source.rowCount();
            for (String c : cols) {
                columns.put(c, new double[rows]);
            }
            try (io.streamlsq.data.ChunkCursor cursor = source.open(cols, 0)) {
                for (io.streamlsq.data.Chunk ch = cursor.next(); ch != null; ch = cursor.next()) {
                    for (int c = 0; c < cols.size(); c++) {
                        System.arraycopy(ch.column(c), ch.offset(), columns.get(cols.get(c)), (int) ch.firstRow(), ch.rows());
                    }
                }
            }
            io.streamlsq.hdf5.Hdf5Writer.write(out, columns);
            return rows;
        }
        // Arrow Dataset's Parquet writer stages many rows in direct memory before it writes a row group
        try (BufferAllocator allocator = new RootAllocator(4L << 30)) {
            return switch (format) {
                case "arrow" -> ArrowWriters.writeFile(source, cols, out, batchRows, allocator);
                case "arrows" -> ArrowWriters.writeStream(source, cols, out, batchRows, allocator);
                default -> ArrowWriters.writeParquet(source, cols, out, batchRows, allocator);
            };
        }
    }
}
