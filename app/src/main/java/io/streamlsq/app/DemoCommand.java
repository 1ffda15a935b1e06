package io.streamlsq.app;

import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lsq demo}: fits a built-in problem of 10⁷ rows generated on the fly, and prints the report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Fit a built-in problem with known truth, generated on the fly (no disk), and print the report.",
            "decay: y = a*exp(-b*x) + c (truth 2.5, 1.3, 0.5); peaks: three Gaussians plus a line (11 parameters)."},
        footer = {"", "Examples:", "  lsq demo", "  lsq demo --problem peaks --rows 1e6 --threads 1"})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--problem", defaultValue = "decay", description = "decay, peaks or gauss2d (default: ${DEFAULT-VALUE}).")
    String problem;

    @Option(names = "--rows", defaultValue = "1e7", description = "Rows to generate (default: ${DEFAULT-VALUE}).")
    String rows;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--out", description = "Write the result JSON here.")
    Path out;

    @Option(names = "--quiet", description = "No progress bar and no warnings on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (threads != null && threads < 1) {
            throw new UsageException("--threads = " + threads + " must be >= 1");
        }
        BuiltinProblem p = BuiltinProblem.named(problem);
        long n = Cli.parseCount("--rows", rows);
        SyntheticDataSource source = SyntheticDataSource.of(p, n, 65_536, seed);
        FitProblem fit = FitProblem.builder(p.model(), source).initial(p.start()).build();
        java.io.PrintStream stdout = Cli.out(spec);
        StopOnSignal signals = StopOnSignal.install(Cli.err(spec));
        try {
            stdout.printf(Locale.ROOT, "Fitting %s: %s%n%n", p.name(), source.describe());
            stdout.flush();
            return FitRunner.run(fit, FitOptions.defaults(), null, threads == null ? FitRunner.defaultThreads() : threads,
                    quiet, out, null, null, Map.of("truth", Cli.named(fit.parameterNames(), p.truth())), null, false, null, 0, signals, stdout,
                    Cli.err(spec));
        } finally {
            signals.uninstall();
        }
    }
}
