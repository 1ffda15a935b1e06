package io.streamlsq.bench;

import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.search.UnitBoxMapping;
import io.streamlsq.search.bo.BayesianSearch;
import java.util.List;
import java.util.Locale;

/**
 * Bayesian search as a general black-box optimizer (issue 15, item 4): tunes the warmup of a fit, its sample size and
 * its learning rate (Adam's fixed step), by the fit's measured cost: the rows it evaluated (warmup samples, line-search
 * trials and Gauss-Newton passes; deterministic, so the example reproduces), or the wall time with {@code seconds}.
 * A fit that does not reach the global minimum's cost (the fit started at the truth, within 1e-6 relative) is a
 * failed trial (+∞). Single-threaded fits of a synthetic problem (default {@code peaks}, 10⁶ rows), from the
 * problem's usual start or the one given.
 *
 * <pre>java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar io.streamlsq.bench.WarmupTuning \
 *     [problem] [rows] [evaluations] [rows|seconds] [start,as,comma,separated,values]</pre>
 */
public final class WarmupTuning {
    private WarmupTuning() {
    }

    public static void main(String[] args) throws Exception {
        BuiltinProblem problem = BuiltinProblem.named(args.length > 0 ? args[0] : "peaks");
        long rows = (long) Double.parseDouble(args.length > 1 ? args[1] : "1e6");
        int evaluations = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        boolean seconds = args.length > 3 && args[3].equals("seconds");
        double[] start = args.length > 4
                ? java.util.Arrays.stream(args[4].split(",")).mapToDouble(Double::parseDouble).toArray()
                : problem.start();
        SyntheticDataSource source = SyntheticDataSource.of(problem, rows, 65_536, 1);
        FitProblem fit = FitProblem.builder(problem.model(), source).initial(start).build();

        // the target: the cost of the fit started at the truth (the global minimum), reached within 1e-6
        FitResult best = fit(FitProblem.builder(problem.model(), source).initial(problem.truth()).build(),
                FitOptions.defaults());
        FitResult reference = fit(fit, FitOptions.defaults());
        double target = best.cost() * (1 + 1e-6);
        System.out.printf(Locale.ROOT, "minimum (from the truth): cost %.10g; from the start with the warmup off: cost"
                + " %.10g, rows evaluated %d, %.2f s%n", best.cost(), reference.cost(), reference.rowsEvaluated(),
                reference.seconds());

        // the search space: sample rows log-uniform in [1e3, 1e6] (rounded), learning rate log-uniform in [1e-3, 1]
        UnitBoxMapping space = new UnitBoxMapping(List.of(UnitBoxMapping.log("sampleRows", 1e3, 1e6),
                UnitBoxMapping.log("learningRate", 1e-3, 1)));
        BayesianSearch search = new BayesianSearch(BayesianSearch.Preset.PRODUCT.options(2).withParallel(1), space,
                7);
        BayesianSearch.Result found = search.run(v -> {
            WarmupOptions warmup = WarmupOptions.on().withSampleRows(Math.round(v[0])).withFixedStep(v[1])
                    .withMethod(WarmupOptions.Method.ADAM).withGuards(true, false, true, true);
            FitResult r;
            try {
                r = fit(fit, FitOptions.builder().warmup(warmup).build());
            } catch (Exception e) {
                return Double.POSITIVE_INFINITY;
            }
            double cost = !r.termination().isConverged() || r.cost() > target ? Double.POSITIVE_INFINITY
                    : seconds ? r.seconds() : r.rowsEvaluated();
            System.out.printf(Locale.ROOT, "sampleRows %8d  learningRate %.4g  ->  %s (fit cost %.10g)%n",
                    Math.round(v[0]), v[1], Double.isFinite(cost) ? String.format(Locale.ROOT, "%.4g", cost) : "failed",
                    r.cost());
            return cost;
        }, evaluations);
        System.out.printf(Locale.ROOT, "best: sampleRows %d, learningRate %.4g, %s %.4g (reference %s)%n%s%n",
                Math.round(found.bestPoint()[0]), found.bestPoint()[1], seconds ? "seconds" : "rows evaluated",
                found.bestValue(), seconds ? String.format(Locale.ROOT, "%.2f s", reference.seconds())
                        : Long.toString(reference.rowsEvaluated()), search.stats());
    }

    private static FitResult fit(FitProblem fit, FitOptions options) throws Exception {
        return new PhaseOrchestrator(options, PassExecutor.sequential(), Ticker.system(), List.of()).fit(fit);
    }
}
