package io.streamlsq.app;

import io.streamlsq.csv.CsvWriter;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.problems.BuiltinProblem;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lsq gen}: writes rows of a built-in problem with known truth. */
@Command(name = "gen", mixinStandardHelpOptions = true,
        description = {"Write rows of a built-in problem with known truth (columns x, y).",
            "decay: y = a*exp(-b*x)+c, truth a=2.5 b=1.3 c=0.5, x ~ U(0,10), noise 0.05.",
            "peaks: three Gaussians plus a line (11 parameters), x ~ U(0,100), noise 0.1."},
        footer = {"", "Examples:", "  lsq gen decay --rows 1000000 --out decay.csv",
            "  lsq gen peaks --rows 1e6 --out peaks.csv --seed 7 --noise 0.2"})
final class GenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROBLEM", description = "decay or peaks.")
    String problem;

    @Option(names = "--rows", required = true, description = "Number of rows, e.g. 1000000 or 1e6.")
    String rows;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output file (.csv).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--noise", description = "Standard deviation of the noise (default: the problem's).")
    Double noise;

    @Override
    public Integer call() throws Exception {
        BuiltinProblem p = BuiltinProblem.named(problem);
        long n = Cli.parseCount("--rows", rows);
        double sigma = noise == null ? p.noise() : noise;
        if (!(sigma >= 0)) {
            throw new UsageException("--noise = " + noise + " must be >= 0");
        }
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".csv")) {
            throw new UsageException("--out " + out + ": this build writes .csv files only (Arrow and Parquet are not supported yet)");
        }
        SyntheticDataSource source = new SyntheticDataSource(p.model(), p.truth(), p.xMin(), p.xMax(), sigma, seed, n, 65_536);
        long written = CsvWriter.write(source, List.of("x", "y"), out);
        StringBuilder truth = new StringBuilder();
        List<String> params = p.model().parameterNames();
        for (int k = 0; k < params.size(); k++) {
            truth.append(k > 0 ? "," : "").append(params.get(k)).append('=').append(p.truth()[k]);
        }
        StringBuilder start = new StringBuilder();
        for (int k = 0; k < params.size(); k++) {
            start.append(k > 0 ? "," : "").append(params.get(k)).append('=').append(p.start()[k]);
        }
        Cli.out(spec).printf(Locale.ROOT, "wrote %d rows of %s to %s (truth %s, noise %s, seed %d)%n"
                + "fit it with: lsq fit --data %s --model \"%s\" --p0 %s%n", written, p.name(), out, truth, sigma, seed,
                out, p.model().describe(), start);
        return Lsq.CONVERGED;
    }
}
