package io.streamlsq.bench;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.SearchMethod;
import io.streamlsq.search.Trial;
import io.streamlsq.search.UnitBoxMapping;
import io.streamlsq.search.bo.BayesianSearch;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Bayesian search against the hyperoptax preset, random search and differential evolution at equal budgets
 * (issue 15's comparison): Branin (x₁ ∈ [−5, 10], x₂ ∈ [0, 15]) and Hartmann-6 ([0, 1]⁶), 10 seeds each, every
 * method driven the same way (ask 4, evaluate, tell in trial order). The hyperoptax preset sees Branin's raw box, as
 * hyperoptax does. Prints a Markdown table: success rate (regret below the threshold) and median regret; then the
 * log-warping case of T3.7 (minimum at 1e-3 in [1e-5, 1e-1], 20 evaluations, batch 1).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.streamlsq.bench.BayesianComparison [seeds]</pre>
 */
public final class BayesianComparison {
    static final double BRANIN_MIN = 0.397887357729738;
    static final double HARTMANN6_MIN = -3.322368011391339;
    private static final int BATCH = 4;

    private BayesianComparison() {
    }

    /** Branin on x₁ ∈ [−5, 10], x₂ ∈ [0, 15], from u ∈ [0, 1]². */
    public static double branin(double[] u) {
        double x1 = -5 + 15 * u[0];
        double x2 = 15 * u[1];
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = x2 - b * x1 * x1 + c * x1 - 6;
        return t * t + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
    }

    private static final double[] H_ALPHA = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] H_A = {
        {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
    private static final double[][] H_P = {
        {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886}, {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
        {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650}, {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};

    /** Hartmann-6 on [0, 1]⁶. */
    public static double hartmann6(double[] x) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            double e = 0;
            for (int j = 0; j < 6; j++) {
                double t = x[j] - H_P[i][j];
                e += H_A[i][j] * t * t;
            }
            s += H_ALPHA[i] * Math.exp(-e);
        }
        return -s;
    }

    /** A method as a maker of optimizers for (dimensions, seed, budget). */
    private interface Maker {
        AskTellOptimizer make(int d, long seed, int budget);
    }

    private record Problem(String name, int d, ToDoubleFunction<double[]> f, double min, double threshold,
            UnitBoxMapping raw) {
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        UnitBoxMapping braninBox = new UnitBoxMapping(List.of(UnitBoxMapping.linear("x1", -5, 10),
                UnitBoxMapping.linear("x2", 0, 15)));
        List<Problem> problems = List.of(
                new Problem("Branin", 2, BayesianComparison::branin, BRANIN_MIN, 0.01, braninBox),
                new Problem("Hartmann-6", 6, BayesianComparison::hartmann6, HARTMANN6_MIN, 0.01, null));
        System.out.println("| problem | evaluations | method | success (regret < threshold) | median regret"
                + " | worst regret | wall time per run |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Problem p : problems) {
            for (int budget : p.d() == 2 ? new int[] {40, 80} : new int[] {80, 160}) {
                row(p, budget, seeds, "bo (product)", (d, s, b) -> BayesianSearch.searchMethod().create(d, s, b));
                row(p, budget, seeds, "bo-hyperoptax", (d, s, b) -> p.raw() == null
                        ? BayesianSearch.searchMethod(BayesianSearch.Preset.HYPEROPTAX).create(d, s, b)
                        : new BayesianSearch(BayesianSearch.Preset.HYPEROPTAX.options(d), p.raw(), s));
                row(p, budget, seeds, "random", (d, s, b) -> SearchMethod.random().create(d, s, b));
                row(p, budget, seeds, "de", (d, s, b) -> SearchMethod.de().create(d, s, b));
            }
        }
        logWarping(seeds);
    }

    private static void row(Problem p, int budget, int seeds, String name, Maker maker) {
        double[] regret = new double[seeds];
        long t0 = System.nanoTime();
        for (int s = 0; s < seeds; s++) {
            try (AskTellOptimizer opt = maker.make(p.d(), 1000 + s, budget)) {
                regret[s] = drive(opt, p.f(), budget, BATCH) - p.min();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9 / seeds;
        long ok = Arrays.stream(regret).filter(r -> r < p.threshold()).count();
        double[] sorted = regret.clone();
        Arrays.sort(sorted);
        double median = seeds % 2 == 1 ? sorted[seeds / 2] : 0.5 * (sorted[seeds / 2 - 1] + sorted[seeds / 2]);
        System.out.println(String.format(Locale.ROOT, "| %s | %d | %s | %d/%d (< %s) | %.3g | %.3g | %.2f s |",
                p.name(), budget, name, ok, seeds, p.threshold(), median, sorted[seeds - 1], seconds));
    }

    /** Asks in batches, evaluates, tells in trial order; the best value seen in {@code budget} evaluations. */
    public static double drive(AskTellOptimizer opt, ToDoubleFunction<double[]> f, int budget, int batch) {
        double best = Double.POSITIVE_INFINITY;
        int done = 0;
        while (done < budget) {
            List<Trial> trials = opt.ask(Math.min(batch, budget - done));
            if (trials.isEmpty()) {
                break;
            }
            for (Trial t : trials) {
                double v = f.applyAsDouble(t.u());
                best = Math.min(best, v);
                opt.tell(t.id(), v);
                done++;
            }
        }
        return best;
    }

    private static void logWarping(int seeds) {
        UnitBoxMapping space = new UnitBoxMapping(List.of(UnitBoxMapping.log("rate", 1e-5, 1e-1)));
        System.out.println();
        System.out.println("| log-scale minimum at 1e-3 in [1e-5, 1e-1], 20 evaluations, batch 1 | found within 0.05"
                + " decades | median error (decades) |");
        System.out.println("|---|---|---|");
        for (BayesianSearch.Preset preset : BayesianSearch.Preset.values()) {
            double[] err = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                BayesianSearch bo = new BayesianSearch(preset.options(1).withParallel(1), space, s);
                BayesianSearch.Result r = bo.run(v -> Math.pow(Math.log10(v[0]) + 3, 2), 20);
                err[s] = Math.abs(Math.log10(r.bestPoint()[0]) + 3);
            }
            long ok = Arrays.stream(err).filter(e -> e < 0.05).count();
            Arrays.sort(err);
            System.out.println(String.format(Locale.ROOT, "| %s | %d/%d | %.3g |",
                    preset.name().toLowerCase(Locale.ROOT), ok, seeds, err[seeds / 2]));
        }
    }
}
