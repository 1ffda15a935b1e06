package io.streamlsq.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Differential evolution as an ask/tell optimizer (Storn and Price; scipy's {@code differential_evolution} with
 * {@code updating='deferred'}), in {@code [0, 1]^d}:
 * <ul>
 *   <li>the first population is a Latin hypercube of {@code NP} points (scipy's {@code 'latinhypercube'} init);</li>
 *   <li>each generation makes {@code NP} trial vectors at once, one per member i: mutant {@code v = r0 + F·(r1 − r2)}
 *       (rand/1/bin; r0, r1, r2 distinct members other than i) or {@code v = best + F·(r1 − r2)} (best/1/bin), F drawn
 *       uniformly in {@code [fMin, fMax)} once per generation (dither), binomial crossover with rate CR (one
 *       coordinate always from the mutant), coordinates outside [0, 1] replaced by uniform draws (as scipy does);</li>
 *   <li>selection after the whole generation is told: a trial replaces its member when its value is lower or equal;</li>
 *   <li>convergence as scipy's: {@code std(values) ≤ atol + tol·|mean(values)|} (but no polish); then a <b>restart</b> with a new
 *       Latin hypercube (the best point ever is kept in {@link #best()}), up to {@code maxRestarts}, after which the
 *       optimizer is exhausted.</li>
 * </ul>
 * A whole generation is drawn when it begins, so the trials do not depend on how many are asked at once; a generation
 * is not finished until every trial of it is told or abandoned (abandoned = +∞), and until then {@link #ask} returns
 * only the generation's trials not yet handed out. Deterministic for a seed; checkpointable.
 */
public final class DifferentialEvolution implements AskTellOptimizer {

    /** Mutation strategies. */
    public enum Strategy { RAND_1_BIN, BEST_1_BIN }

    /**
     * Settings.
     *
     * @param strategy rand/1/bin or best/1/bin
     * @param populationSize NP ≥ 4
     * @param fMin lower end of the dithered differential weight, in (0, 2]
     * @param fMax upper end, fMin ≤ fMax ≤ 2
     * @param crossover CR in [0, 1]
     * @param tol relative convergence tolerance ≥ 0 (scipy 0.01)
     * @param atol absolute convergence tolerance ≥ 0 (scipy 0)
     * @param maxRestarts restarts after convergence before the optimizer is exhausted ≥ 0
     */
    public record Settings(Strategy strategy, int populationSize, double fMin, double fMax, double crossover, double tol,
            double atol, int maxRestarts) {
        public Settings {
            if (populationSize < 4 || !(fMin > 0 && fMin <= fMax && fMax <= 2) || !(crossover >= 0 && crossover <= 1)
                    || !(tol >= 0) || !(atol >= 0) || maxRestarts < 0) {
                throw new IllegalArgumentException("differential evolution settings " + this + " violate NP >= 4,"
                        + " 0 < fMin <= fMax <= 2, 0 <= CR <= 1, tol >= 0, atol >= 0, maxRestarts >= 0");
            }
        }
    }

    /**
     * Defaults for d dimensions: NP = 5·d (at least 5), F in [0.5, 1), CR 0.7, tol 0.001, restarts unlimited. scipy's
     * 15·d and tol 0.01 rely on its final polish (a gradient-based local fit): without it, 15·d reached Branin's minimum
     * to 1e-4 in 1 of 10 seeds within 1 000 evaluations, 5·d in 10 of 10 (and shifted Rastrigin in 10 of 10 within
     * 5 000; NativeSearchTest).
     */
    public static Settings defaults(Strategy strategy, int dimensions) {
        return new Settings(strategy, Math.max(5, 5 * dimensions), 0.5, 1.0, 0.7, 0.001, 0, Integer.MAX_VALUE);
    }

    /**
     * The population for a budget of trials: 5·d, but no more than a fifth of the budget (and at least 4 + d), so that
     * the budget runs five generations or more.
     */
    public static int populationFor(int dimensions, int budget) {
        return Math.max(Math.max(5, 4 + dimensions), Math.min(5 * dimensions, budget / 5));
    }

    /** The method of {@code strategy}: named {@code de} (rand/1/bin) or {@code de-best} (best/1/bin). */
    public static SearchMethod method(Strategy strategy) {
        return new SearchMethod() {
            @Override
            public String name() {
                return strategy == Strategy.RAND_1_BIN ? "de" : "de-best";
            }

            @Override
            public AskTellOptimizer create(int dimensions, long seed, int budget) {
                Settings s = defaults(strategy, dimensions);
                return new DifferentialEvolution(dimensions, seed, new Settings(strategy, populationFor(dimensions, budget),
                        s.fMin(), s.fMax(), s.crossover(), s.tol(), s.atol(), s.maxRestarts()));
            }
        };
    }

    private final int d;
    private final Settings settings;
    private final int np;
    private Rng rng;
    private long nextId;
    /** 0 while the initial population of the current restart is evaluated, then 1. */
    private int stage;
    private double[] population; // np × d
    private double[] values;     // np
    private double[] trials;     // np × d: the current generation (or the initial population)
    private double[] trialValues;
    private int handedOut;
    private int told;
    private int restarts;
    private long generations;
    private double[] bestU;
    private double bestValue = Double.POSITIVE_INFINITY;
    private final PendingTrials pending = new PendingTrials();

    public DifferentialEvolution(int dimensions, long seed, Settings settings) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions = " + dimensions + " violates dimensions >= 1");
        }
        this.d = dimensions;
        this.settings = settings;
        this.np = settings.populationSize();
        this.rng = Rng.of(seed);
        startPopulation();
    }

    private void startPopulation() {
        stage = 0;
        trials = RandomSearch.latinHypercube(rng, np, d);
        trialValues = new double[np];
        population = new double[np * d];
        values = new double[np];
        handedOut = 0;
        told = 0;
    }

    @Override
    public String method() {
        return settings.strategy() == Strategy.RAND_1_BIN ? "de" : "de-best";
    }

    @Override
    public int dimensions() {
        return d;
    }

    /** The best point told so far (a copy), or null before any finite value. */
    public double[] best() {
        return bestU == null ? null : bestU.clone();
    }

    /** The best value told so far (+∞ before any finite one). */
    public double bestValue() {
        return bestValue;
    }

    /** Restarts so far. */
    public int restarts() {
        return restarts;
    }

    @Override
    public List<Trial> ask(int n) {
        List<Trial> out = new ArrayList<>();
        while (out.size() < n && !exhausted()) {
            if (handedOut == np) {
                if (told < np) {
                    break; // the generation waits for its values
                }
                endGeneration();
                continue;
            }
            int slot = handedOut++;
            long id = nextId++;
            pending.add(id, slot);
            out.add(new Trial(id, Arrays.copyOfRange(trials, slot * d, (slot + 1) * d)));
        }
        return out;
    }

    @Override
    public void tell(long id, double value) {
        int slot = (int) pending.remove(method(), id);
        double v = AskTellOptimizer.score(value);
        trialValues[slot] = v;
        told++;
        if (v < bestValue) {
            bestValue = v;
            bestU = Arrays.copyOfRange(trials, slot * d, (slot + 1) * d);
        }
    }

    @Override
    public void abandon(long id) {
        tell(id, Double.POSITIVE_INFINITY);
    }

    @Override
    public boolean exhausted() {
        return restarts > settings.maxRestarts();
    }

    /** Selection (or acceptance of the initial population), the convergence test, then the next generation. */
    private void endGeneration() {
        if (stage == 0) {
            System.arraycopy(trials, 0, population, 0, np * d);
            System.arraycopy(trialValues, 0, values, 0, np);
            stage = 1;
        } else {
            for (int i = 0; i < np; i++) {
                if (trialValues[i] <= values[i]) {
                    System.arraycopy(trials, i * d, population, i * d, d);
                    values[i] = trialValues[i];
                }
            }
            generations++;
        }
        if (converged()) {
            restarts++;
            if (!exhausted()) {
                startPopulation();
            }
            return;
        }
        makeGeneration();
    }

    private boolean converged() {
        double mean = 0;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
            mean += v;
        }
        mean /= np;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / np) <= settings.atol() + settings.tol() * Math.abs(mean);
    }

    private void makeGeneration() {
        double f = settings.fMin() + rng.nextDouble() * (settings.fMax() - settings.fMin());
        int best = 0;
        for (int i = 1; i < np; i++) {
            if (values[i] < values[best]) {
                best = i;
            }
        }
        for (int i = 0; i < np; i++) {
            int r0 = pick(i, -1, -1);
            int r1 = pick(i, r0, -1);
            int r2 = pick(i, r0, r1);
            int base = settings.strategy() == Strategy.BEST_1_BIN ? best : r0;
            int jRand = rng.nextInt(d);
            for (int j = 0; j < d; j++) {
                double x;
                if (j == jRand || rng.nextDouble() < settings.crossover()) {
                    x = population[base * d + j] + f * (population[r1 * d + j] - population[r2 * d + j]);
                    if (!(x >= 0 && x <= 1)) {
                        x = rng.nextDouble();
                    }
                } else {
                    x = population[i * d + j];
                }
                trials[i * d + j] = x;
            }
        }
        handedOut = 0;
        told = 0;
    }

    /** A member other than i, a and b (np ≥ 4 guarantees one). */
    private int pick(int i, int a, int b) {
        int r;
        do {
            r = rng.nextInt(np);
        } while (r == i || r == a || r == b);
        return r;
    }

    @Override
    public SearchState snapshot() {
        SearchState.Builder s = SearchState.builder(method())
                .put("rng", rng.state()).put("next_id", nextId).put("stage", stage)
                .put("counts", handedOut, told, restarts, generations, np, d)
                .put("population", population).put("values", values).put("trials", trials)
                .put("trial_values", trialValues).put("best_value", bestValue).put("pending", pending.toArray());
        if (bestU != null) {
            s.put("best", bestU);
        }
        return s.build();
    }

    @Override
    public void restore(SearchState s) {
        s.requireMethod(method());
        long[] counts = s.longs("counts");
        if (counts.length != 6 || counts[4] != np || counts[5] != d) {
            throw new IllegalArgumentException(method() + " state: population " + (counts.length > 4 ? counts[4] : -1)
                    + " × " + (counts.length > 5 ? counts[5] : -1) + " does not fit this optimizer's " + np + " × " + d);
        }
        rng = Rng.of(s.scalar("rng"));
        nextId = s.scalar("next_id");
        stage = (int) s.scalar("stage");
        handedOut = (int) counts[0];
        told = (int) counts[1];
        restarts = (int) counts[2];
        generations = counts[3];
        population = s.doubles("population");
        values = s.doubles("values");
        trials = s.doubles("trials");
        trialValues = s.doubles("trial_values");
        bestValue = s.doubles("best_value")[0];
        bestU = s.doubles().containsKey("best") ? s.doubles("best") : null;
        pending.restore(s.longs("pending"));
    }
}
