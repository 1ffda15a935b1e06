package io.streamlsq.search.bo;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.Rng;
import io.streamlsq.search.SearchMethod;
import io.streamlsq.search.SearchState;
import io.streamlsq.search.Trial;
import io.streamlsq.search.UnitBoxMapping;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hipparchus.random.SobolSequenceGenerator;

/**
 * Bayesian search: a Gaussian-process surrogate of the told values proposes batches by Kriging Believer, behind the
 * ask/tell interface (minimizing, unless {@link Options#maximize}).
 *
 * <p><b>One ask.</b> While fewer than {@link Options#warmup} warm-up points were handed out (product) or fewer values
 * than that were told (hyperoptax), a slot is a warm-up point (a Latin hypercube of {@code warmup} points, product;
 * uniform, hyperoptax). The other slots: the hyperparameters are refitted when values arrived since the last fit
 * (at least two values), the process is conditioned on the told values, every pending trial and every point already in
 * this batch is appended with a hallucinated value ({@link Hallucination}), then for each slot: {@code candidates}
 * points (scrambled Sobol in product mode, uniform in hyperoptax mode) are scored by the acquisition with the incumbent
 * (the lowest normalized value among real and hallucinated rows, passed explicitly in both stages), the best
 * {@code restarts} are refined by projected L-BFGS ({@code steps} iterations) on the same acquisition, the best point
 * is snapped to its value ({@link Coordinates#snap}), kept {@link #MIN_SPACING} away from known points when any
 * candidate allows (else the next best), proposed, and hallucinated.
 *
 * <p><b>Values.</b> NaN and ±∞ are failed trials: they are stored as +∞ (in minimization orientation; −∞ in the
 * user's orientation when maximizing) and, for the surrogate only, replaced by the worst finite value told so far, so
 * the process sees "as bad as the worst" and stays well conditioned. With no finite value at all, the process sees a
 * constant. {@link #abandon} drops a trial: it is not an observation.
 *
 * <p><b>Store.</b> At most {@link Options#capacity} values are kept. Product: asks are trimmed so that told values
 * always fit; when the store is full {@link #status()} is {@link Status#BUFFER_FULL}, {@link #ask} returns nothing and
 * the search is {@link #exhausted()}. Hyperoptax: asks go on and values beyond the capacity are dropped silently
 * (only {@link Stats#droppedObservations()} counts them), as {@code hyperoptax.BayesianSearch} does.
 *
 * <p><b>Randomness.</b> Every ask draws from {@code Rng.derive(seed, "bo-ask", askNumber)} in a fixed order
 * (uniform points, candidate shift, hallucination noise); warm-up designs from {@code Rng.derive(seed, "bo-warmup")};
 * hyperparameter restarts from {@code Rng.derive(seed, "bo-fit", n)}.
 * So the state is counters, the stored points and values, θ and the pending trials: {@link #snapshot()} holds all of
 * it and a restored search proposes the same points bit for bit. Not thread-safe.
 */
public final class BayesianSearch implements AskTellOptimizer {

    /** Store status. */
    public enum Status { OK, BUFFER_FULL }

    /** How hyperparameters are fitted. */
    public enum Tuner { LBFGS, ADAM }

    /** Settings presets. */
    public enum Preset {
        /**
         * Matérn-5/2 with ARD, signal and noise variance, normalized y, unit-box (log-warped) inputs, EI (ξ = 0), mean
         * hallucination, 1000 Sobol candidates, 5 × 50 L-BFGS refinements, hyperparameters by L-BFGS with 3 restarts
         * (log ℓ in [log 0.01, log 100]; beyond 100 values one start, refitted after 10% growth), warm-up
         * max(5, 2d), capacity 200, batch 4.
         */
        PRODUCT,
        /**
         * hyperoptax 0.2.0's defaults: Matérn-1/2 (ℓ = 1), PI (ξ = 0.01), y centred not scaled, σ_f² = 1, no noise
         * (jitter 1e-6), raw inputs (log dimensions linear), 1000 uniform candidates, 2 × 10 L-BFGS refinements,
         * 20 Adam steps (lr 0.1) on log ℓ, warm-up 1, sample hallucination, capacity 200 with silent overflow, batch 4.
         */
        HYPEROPTAX;

        /** The preset's settings for a unit box of {@code dimensions} coordinates. */
        public Options options(int dimensions) {
            return switch (this) {
                case PRODUCT -> new Options(Kernel.MATERN_52, Acquisition.ei(0), Hallucination.mean(), 1000, 5, 50,
                        Math.max(5, 2 * dimensions), 200, 4, true, true, Tuner.LBFGS, 50, 3, false, true, false, 1e-6,
                        false, 0.1, 100);
                case HYPEROPTAX -> new Options(Kernel.MATERN_12, Acquisition.pi(0.01), Hallucination.sample(), 1000, 2,
                        10, 1, 200, 4, false, false, Tuner.ADAM, 20, 1, true, false, false, 1e-6, true, 0, 0);
            };
        }
    }

    /**
     * Settings; validated on construction, all violations reported at once.
     *
     * @param kernel the covariance
     * @param acquisition PI, EI or UCB
     * @param hallucination the Kriging Believer's pseudo-values
     * @param candidates points scored per slot ≥ 1
     * @param restarts best candidates refined per slot ≥ 0
     * @param steps L-BFGS iterations per refinement ≥ 0
     * @param warmup warm-up points (see the class comment) ≥ 0
     * @param capacity stored values at most ≥ 1
     * @param parallel batch size of {@link #run} ≥ 1
     * @param normalizeY divide centred values by their standard deviation
     * @param learnSignalAndNoise fit σ_f² and σ_n² (else σ_f² = 1 and no noise)
     * @param tuner L-BFGS (bounded, with restarts) or Adam (log ℓ only, hyperoptax)
     * @param tunerSteps L-BFGS iterations per restart, or Adam steps; 0 leaves θ unchanged
     * @param tunerRestarts L-BFGS starts (the previous θ, then random) ≥ 1
     * @param rawCoordinates the process sees dimension values instead of u (hyperoptax; needs a mapping to matter)
     * @param sobolCandidates scrambled Sobol candidates (else uniform)
     * @param maximize told values are to be maximized
     * @param jitter first jitter relative to σ_f², in (0, 1e-2]
     * @param hyperoptaxBuffer hyperoptax's store and warm-up semantics (see the class comment)
     * @param refitGrowth beyond {@link #RESTART_LIMIT} values, hyperparameters are refitted only once the store has
     *     grown by this fraction since the last fit (0: whenever values arrived); each likelihood evaluation costs
     *     O(n³) there, and θ fitted on nearly the same data changes little
     * @param fitRows hyperparameters are fitted on at most this many values (0: all): evenly spaced in the order told,
     *     the best value always among them; the process is still conditioned on all values
     */
    public record Options(Kernel kernel, Acquisition acquisition, Hallucination hallucination, int candidates,
            int restarts, int steps, int warmup, int capacity, int parallel, boolean normalizeY,
            boolean learnSignalAndNoise, Tuner tuner, int tunerSteps, int tunerRestarts, boolean rawCoordinates,
            boolean sobolCandidates, boolean maximize, double jitter, boolean hyperoptaxBuffer, double refitGrowth,
            int fitRows) {

        public Options {
            List<String> bad = new ArrayList<>();
            if (kernel == null || acquisition == null || hallucination == null || tuner == null) {
                bad.add("kernel, acquisition, hallucination and tuner must be set");
            }
            check(bad, candidates >= 1, "candidates = " + candidates + " violates >= 1");
            check(bad, restarts >= 0, "restarts = " + restarts + " violates >= 0");
            check(bad, steps >= 0, "steps = " + steps + " violates >= 0");
            check(bad, warmup >= 0, "warmup = " + warmup + " violates >= 0");
            check(bad, capacity >= 1, "capacity = " + capacity + " violates >= 1");
            check(bad, parallel >= 1, "parallel = " + parallel + " violates >= 1");
            check(bad, tunerSteps >= 0, "tunerSteps = " + tunerSteps + " violates >= 0");
            check(bad, tunerRestarts >= 1, "tunerRestarts = " + tunerRestarts + " violates >= 1");
            check(bad, refitGrowth >= 0 && refitGrowth <= 10, "refitGrowth = " + refitGrowth
                    + " violates 0 <= refitGrowth <= 10");
            check(bad, fitRows == 0 || fitRows >= 2, "fitRows = " + fitRows + " violates 0 (all) or >= 2");
            check(bad, jitter > 0 && jitter <= GaussianProcess.MAX_JITTER, "jitter = " + jitter
                    + " violates 0 < jitter <= " + GaussianProcess.MAX_JITTER);
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException("Bayesian search options: " + String.join("; ", bad));
            }
        }

        private static void check(List<String> bad, boolean ok, String message) {
            if (!ok) {
                bad.add(message);
            }
        }

        public Options withKernel(Kernel k) {
            return new Options(k, acquisition, hallucination, candidates, restarts, steps, warmup, capacity, parallel,
                    normalizeY, learnSignalAndNoise, tuner, tunerSteps, tunerRestarts, rawCoordinates, sobolCandidates,
                    maximize, jitter, hyperoptaxBuffer, refitGrowth, fitRows);
        }

        public Options withAcquisition(Acquisition a) {
            return new Options(kernel, a, hallucination, candidates, restarts, steps, warmup, capacity, parallel,
                    normalizeY, learnSignalAndNoise, tuner, tunerSteps, tunerRestarts, rawCoordinates, sobolCandidates,
                    maximize, jitter, hyperoptaxBuffer, refitGrowth, fitRows);
        }

        public Options withHallucination(Hallucination h) {
            return new Options(kernel, acquisition, h, candidates, restarts, steps, warmup, capacity, parallel,
                    normalizeY, learnSignalAndNoise, tuner, tunerSteps, tunerRestarts, rawCoordinates, sobolCandidates,
                    maximize, jitter, hyperoptaxBuffer, refitGrowth, fitRows);
        }

        /** Candidates, refinement restarts and L-BFGS steps of the acquisition maximizer. */
        public Options withMaximizer(int candidates, int restarts, int steps) {
            return new Options(kernel, acquisition, hallucination, candidates, restarts, steps, warmup, capacity,
                    parallel, normalizeY, learnSignalAndNoise, tuner, tunerSteps, tunerRestarts, rawCoordinates,
                    sobolCandidates, maximize, jitter, hyperoptaxBuffer, refitGrowth, fitRows);
        }

        public Options withWarmup(int w) {
            return new Options(kernel, acquisition, hallucination, candidates, restarts, steps, w, capacity, parallel,
                    normalizeY, learnSignalAndNoise, tuner, tunerSteps, tunerRestarts, rawCoordinates, sobolCandidates,
                    maximize, jitter, hyperoptaxBuffer, refitGrowth, fitRows);
        }

        public Options withCapacity(int c) {
            return new Options(kernel, acquisition, hallucination, candidates, restarts, steps, warmup, c, parallel,
                    normalizeY, learnSignalAndNoise, tuner, tunerSteps, tunerRestarts, rawCoordinates, sobolCandidates,
                    maximize, jitter, hyperoptaxBuffer, refitGrowth, fitRows);
        }

        public Options withParallel(int p) {
            return new Options(kernel, acquisition, hallucination, candidates, restarts, steps, warmup, capacity, p,
                    normalizeY, learnSignalAndNoise, tuner, tunerSteps, tunerRestarts, rawCoordinates, sobolCandidates,
                    maximize, jitter, hyperoptaxBuffer, refitGrowth, fitRows);
        }

        /** Tuner steps (0: never tune) and restarts. */
        public Options withTuning(int s, int r) {
            return new Options(kernel, acquisition, hallucination, candidates, restarts, steps, warmup, capacity,
                    parallel, normalizeY, learnSignalAndNoise, tuner, s, r, rawCoordinates, sobolCandidates, maximize,
                    jitter, hyperoptaxBuffer, refitGrowth, fitRows);
        }

        public Options withMaximize(boolean m) {
            return new Options(kernel, acquisition, hallucination, candidates, restarts, steps, warmup, capacity,
                    parallel, normalizeY, learnSignalAndNoise, tuner, tunerSteps, tunerRestarts, rawCoordinates,
                    sobolCandidates, m, jitter, hyperoptaxBuffer, refitGrowth, fitRows);
        }
    }

    /**
     * Counters; each recovery leaves one.
     *
     * @param warmupTrials trials proposed without the model
     * @param modelTrials trials proposed by the acquisition
     * @param hyperparameterFits fits run
     * @param fitFailures fits where no start gave a finite likelihood (θ kept)
     * @param jitterEscalations conditionings that needed more than the first jitter
     * @param conditioningFailures conditionings that failed at the largest jitter (the slots were filled uniformly)
     * @param failedValues non-finite values told
     * @param droppedObservations values told when the store was full (not stored)
     * @param crowdedProposals proposals closer than {@link #MIN_SPACING} to a known point because no candidate was
     *     farther (small discrete spaces)
     */
    public record Stats(long warmupTrials, long modelTrials, long hyperparameterFits, long fitFailures,
            long jitterEscalations, long conditioningFailures, long failedValues, long droppedObservations,
            long crowdedProposals) {
    }

    /** A black-box function of the search space's values (or of u without a mapping). */
    @FunctionalInterface
    public interface Objective {
        double value(double[] point);
    }

    /**
     * What {@link #run} found.
     *
     * @param bestPoint the best point's values (u without a mapping), null if nothing finite was told
     * @param bestUnit the best point in the unit box, null likewise
     * @param bestValue its value in the user's orientation (±∞ if nothing finite)
     * @param evaluations objective calls in this run
     * @param iterations asks in this run
     * @param status the store's status at the end
     */
    public record Result(double[] bestPoint, double[] bestUnit, double bestValue, int evaluations, int iterations,
            Status status) {
    }

    private static final double LOG_LENGTH_LO = Math.log(1e-2);
    private static final double LOG_LENGTH_HI = Math.log(1e2);
    private static final int STATE_VERSION = 1;
    /**
     * Random hyperparameter restarts only while at most this many values are stored: beyond, each likelihood
     * evaluation costs O(n³) and the previous θ, fitted on nearly the same data, is a good start.
     */
    static final int RESTART_LIMIT = 100;
    /** Proposals keep this distance (unit box, Euclidean) from known points when any candidate allows. */
    static final double MIN_SPACING = 1e-3;

    private final Options o;
    private final UnitBoxMapping mapping;
    private final Coordinates coords;
    private final int d;
    private final long seed;
    private final double[] us;
    private final double[] fs;
    private int observed;
    private final TreeMap<Long, double[]> pending = new TreeMap<>();
    private long nextId;
    private long asks;
    private long warmupIssued;
    private long fittedAt;
    private double[] theta;
    private double bestF = Double.POSITIVE_INFINITY;
    private double[] bestU;
    private Status status = Status.OK;
    private final long[] stats = new long[9];
    private double[] sobol;
    private double[] warmupDesign;

    /** A search of the unit box {@code [0, 1]^dimensions}. */
    public BayesianSearch(Options options, int dimensions, long seed) {
        this(options, null, dimensions, seed);
    }

    /** A search of {@code space}: asks are in its unit box, {@link #run} evaluates its values. */
    public BayesianSearch(Options options, UnitBoxMapping space, long seed) {
        this(options, space, space.rawDimensions(), seed);
    }

    private BayesianSearch(Options options, UnitBoxMapping space, int dimensions, long seed) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions = " + dimensions + " violates >= 1");
        }
        this.o = options;
        this.mapping = space;
        this.d = dimensions;
        this.seed = seed;
        this.coords = new Coordinates(space, dimensions, options.rawCoordinates());
        this.us = new double[options.capacity() * d];
        this.fs = new double[options.capacity()];
        this.theta = initialTheta();
    }

    private double[] initialTheta() {
        double[] t = new double[d + 2];
        // hyperoptax: ℓ = 1 in its (raw) coordinates; product: ℓ = 0.5 of the unit box
        Arrays.fill(t, 0, d, o.learnSignalAndNoise() ? Math.log(0.5) : 0);
        t[d] = 0;
        t[d + 1] = o.learnSignalAndNoise() ? Math.log(1e-4) : Double.NEGATIVE_INFINITY;
        return t;
    }

    /**
     * Bayesian search with the product preset: what {@code --global bo} names. (Not {@code method()}: that name is
     * {@link AskTellOptimizer#method()}'s, an instance method with the same signature.)
     */
    public static SearchMethod searchMethod() {
        return searchMethod(Preset.PRODUCT);
    }

    /**
     * Bayesian search with a preset: {@code bo} (product) or {@code bo-hyperoptax}. The product's capacity is the
     * budget (200 when the budget is not positive), at most 1000, and its warm-up at most max(5, budget/3) points;
     * hyperoptax keeps its 200.
     */
    public static SearchMethod searchMethod(Preset preset) {
        String name = preset == Preset.PRODUCT ? "bo" : "bo-hyperoptax";
        return new SearchMethod() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public AskTellOptimizer create(int dimensions, long seed, int budget) {
                Options opts = preset.options(dimensions);
                if (preset == Preset.PRODUCT && budget > 0) {
                    // a small budget keeps two thirds of its trials for the model
                    opts = opts.withCapacity(Math.min(budget, 1000)).withWarmup(Math.min(opts.warmup(),
                            Math.max(5, budget / 3)));
                }
                return new BayesianSearch(opts, dimensions, seed);
            }
        };
    }

    @Override
    public String method() {
        return o.hyperoptaxBuffer() ? "bo-hyperoptax" : "bo";
    }

    @Override
    public int dimensions() {
        return d;
    }

    public Options options() {
        return o;
    }

    public Status status() {
        return status;
    }

    public Stats stats() {
        return new Stats(stats[0], stats[1], stats[2], stats[3], stats[4], stats[5], stats[6], stats[7], stats[8]);
    }

    /** Values stored (told and kept). */
    public int observations() {
        return observed;
    }

    /** The stored values in the order told, in the user's orientation (failed: +∞, or −∞ when maximizing). */
    public double[] observedValues() {
        double[] v = new double[observed];
        for (int i = 0; i < observed; i++) {
            v[i] = o.maximize() ? -fs[i] : fs[i];
        }
        return v;
    }

    /** The current length scales ℓ (in the process's coordinates). */
    public double[] lengthScales() {
        double[] l = new double[d];
        for (int j = 0; j < d; j++) {
            l[j] = Math.exp(theta[j]);
        }
        return l;
    }

    /** The current hyperparameters θ = (log ℓ, log σ_f², log σ_n²). */
    public double[] hyperparameters() {
        return theta.clone();
    }

    /** The best value told so far in the user's orientation (+∞, or −∞ when maximizing, if none was finite). */
    public double bestValue() {
        return o.maximize() ? -bestF : bestF;
    }

    /** The unit point of {@link #bestValue()}, or null. */
    public double[] bestUnit() {
        return bestU == null ? null : bestU.clone();
    }

    /** hyperoptax's default number of iterations: {@code ceil((capacity − stored)/parallel)}, 0 when full. */
    public int defaultIterations() {
        int room = o.capacity() - observed;
        return room <= 0 ? 0 : (room + o.parallel() - 1) / o.parallel();
    }

    @Override
    public boolean exhausted() {
        return !o.hyperoptaxBuffer() && observed >= o.capacity();
    }

    @Override
    public List<Trial> ask(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("ask(" + n + "): n must be >= 1");
        }
        int room = n;
        if (!o.hyperoptaxBuffer()) {
            if (observed >= o.capacity()) {
                status = Status.BUFFER_FULL;
            }
            room = Math.min(n, o.capacity() - observed - pending.size());
            if (room <= 0) {
                return List.of();
            }
        }
        Rng rng = Rng.of(Rng.derive(seed, "bo-ask", asks));
        asks++;
        List<double[]> batch = new ArrayList<>(room);
        while (batch.size() < room && isWarmupSlot()) {
            batch.add(coords.snap(warmupPoint(rng)));
            warmupIssued++;
            stats[0]++;
        }
        if (batch.size() < room) {
            proposeByModel(room - batch.size(), rng, batch);
        }
        List<Trial> out = new ArrayList<>(batch.size());
        for (double[] u : batch) {
            long id = nextId++;
            pending.put(id, u);
            out.add(new Trial(id, u.clone()));
        }
        return out;
    }

    private boolean isWarmupSlot() {
        if (observed == 0) {
            return true;
        }
        return o.hyperoptaxBuffer() ? observed < o.warmup() : warmupIssued < o.warmup();
    }

    private double[] warmupPoint(Rng rng) {
        double[] u = new double[d];
        if (o.hyperoptaxBuffer() || warmupIssued >= o.warmup()) {
            for (int j = 0; j < d; j++) {
                u[j] = rng.nextDouble();
            }
            return u;
        }
        if (warmupDesign == null) {
            warmupDesign = io.streamlsq.search.RandomSearch.latinHypercube(Rng.of(Rng.derive(seed, "bo-warmup")), o.warmup(), d);
        }
        System.arraycopy(warmupDesign, (int) warmupIssued * d, u, 0, d);
        return u;
    }

    /** The told values as the surrogate sees them: failed ones replaced by the worst finite value. */
    private double[] surrogateValues() {
        double worst = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < observed; i++) {
            if (Double.isFinite(fs[i])) {
                worst = Math.max(worst, fs[i]);
            }
        }
        double fill = Double.isFinite(worst) ? worst : 0;
        double[] y = new double[observed];
        for (int i = 0; i < observed; i++) {
            y[i] = Double.isFinite(fs[i]) ? fs[i] : fill;
        }
        return y;
    }

    private double[] processInputs() {
        double[] x = new double[observed * d];
        double[] u = new double[d];
        for (int i = 0; i < observed; i++) {
            System.arraycopy(us, i * d, u, 0, d);
            System.arraycopy(coords.toProcess(u), 0, x, i * d, d);
        }
        return x;
    }

    private void proposeByModel(int count, Rng rng, List<double[]> batch) {
        double[] x = processInputs();
        double[] y = surrogateValues();
        fitHyperparameters(x, y);
        GaussianProcess gp = GaussianProcess.fit(o.kernel(), theta, x, y, observed, d, o.normalizeY(), o.jitter(),
                pending.size() + batch.size() + count);
        if (gp == null) {
            stats[5]++;
            for (int k = 0; k < count; k++) {
                double[] u = new double[d];
                for (int j = 0; j < d; j++) {
                    u[j] = rng.nextDouble();
                }
                batch.add(coords.snap(u));
                stats[0]++;
            }
            return;
        }
        if (gp.jitter() > o.jitter() * (1 + 1e-9)) {
            stats[4]++;
        }
        for (double[] u : pending.values()) {
            hallucinate(gp, coords.toProcess(u), rng);
        }
        for (double[] u : batch) {
            hallucinate(gp, coords.toProcess(u), rng);
        }
        double[] cand = candidates(rng);
        GaussianProcess.Candidates scored = gp.new Candidates(cand, o.candidates());
        for (int k = 0; k < count; k++) {
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < gp.size(); i++) {
                best = Math.min(best, gp.normalizedValue(i));
            }
            double[] g = AcquisitionMaximizer.maximize(gp, scored, o.acquisition(), best, coords.lower(),
                    coords.upper(), o.restarts(), o.steps(), p -> isApart(coords.snap(coords.toUnit(p)), batch));
            double[] u = coords.snap(coords.toUnit(g));
            if (!isApart(u, batch)) {
                stats[8]++;
            }
            batch.add(u);
            stats[1]++;
            if (k + 1 < count) {
                hallucinate(gp, coords.toProcess(u), rng);
            }
        }
    }

    /**
     * Whether u is at least {@link #MIN_SPACING} (Euclidean, unit box) from every stored, pending and batch point:
     * a deterministic objective gains nothing from a point next to a known one, and Kriging Believer batches can
     * otherwise crowd along a falling mean.
     */
    private boolean isApart(double[] u, List<double[]> batch) {
        double limit = MIN_SPACING * MIN_SPACING;
        for (int i = 0; i < observed; i++) {
            if (squaredDistance(us, i * d, u) < limit) {
                return false;
            }
        }
        for (double[] p : pending.values()) {
            if (squaredDistance(p, 0, u) < limit) {
                return false;
            }
        }
        for (double[] p : batch) {
            if (squaredDistance(p, 0, u) < limit) {
                return false;
            }
        }
        return true;
    }

    private double squaredDistance(double[] a, int offset, double[] u) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double t = a[offset + j] - u[j];
            s += t * t;
        }
        return s;
    }

    private void hallucinate(GaussianProcess gp, double[] g, Rng rng) {
        double[] p = new double[2];
        gp.predictNormalized(g, p, null, null);
        double sigma = Math.sqrt(p[1]);
        Hallucination h = o.hallucination();
        double value = switch (h.kind()) {
            case MEAN -> p[0];
            case SAMPLE -> p[0] + sigma * rng.nextGaussian();
            case UCB -> p[0] - h.kappa() * sigma;
            case CONSTANT -> {
                if (Double.isNaN(h.value())) {
                    double best = Double.POSITIVE_INFINITY;
                    for (int i = 0; i < gp.size(); i++) {
                        best = Math.min(best, gp.normalizedValue(i));
                    }
                    yield gp.size() == 0 ? 0 : best;
                }
                yield gp.normalize(o.maximize() ? -h.value() : h.value());
            }
        };
        gp.append(g, value);
    }

    /** The candidates of one ask in process coordinates (m × d): scrambled Sobol or uniform, snapped. */
    private double[] candidates(Rng rng) {
        int m = o.candidates();
        double[] c = new double[m * d];
        double[] u = new double[d];
        if (o.sobolCandidates()) {
            if (sobol == null) {
                sobol = sobolPoints(m, d);
            }
            double[] shift = new double[d];
            for (int j = 0; j < d; j++) {
                shift[j] = rng.nextDouble();
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < d; j++) {
                    double v = sobol[i * d + j] + shift[j];
                    u[j] = v >= 1 ? v - 1 : v;
                }
                System.arraycopy(coords.toProcess(coords.snap(u)), 0, c, i * d, d);
            }
        } else {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < d; j++) {
                    u[j] = rng.nextDouble();
                }
                System.arraycopy(coords.toProcess(coords.snap(u)), 0, c, i * d, d);
            }
        }
        return c;
    }

    private static double[] sobolPoints(int m, int d) {
        double[] p = new double[m * d];
        if (d > 1000) {
            // Hipparchus ships direction numbers for 1000 dimensions; beyond, a Kronecker (R_d) sequence
            double phi = 2;
            for (int k = 0; k < 30; k++) {
                phi = Math.pow(1 + phi, 1.0 / (d + 1));
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < d; j++) {
                    double a = Math.pow(1 / phi, j + 1);
                    p[i * d + j] = ((0.5 + a * (i + 1)) % 1 + 1) % 1;
                }
            }
            return p;
        }
        SobolSequenceGenerator s = new SobolSequenceGenerator(d);
        s.skipTo(1);
        for (int i = 0; i < m; i++) {
            System.arraycopy(s.nextVector(), 0, p, i * d, d);
        }
        return p;
    }

    /** {@code m} of the first n rows, evenly spaced in the order told, with the lowest value's row among them. */
    static int[] fitSubset(double[] y, int n, int m) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (y[i] < y[best]) {
                best = i;
            }
        }
        int[] keep = new int[m];
        int nearest = 0;
        for (int k = 0; k < m; k++) {
            keep[k] = (int) ((long) k * n / m);
            if (keep[k] <= best) {
                nearest = k;
            }
        }
        keep[nearest] = best; // keep[nearest] ≤ best < keep[nearest + 1]: the order stays increasing
        return keep;
    }

    private void fitHyperparameters(double[] x, double[] y) {
        if (fittedAt == observed || observed < 2 || o.tunerSteps() == 0) {
            return;
        }
        if (observed > RESTART_LIMIT && fittedAt > 0 && observed < fittedAt * (1 + o.refitGrowth())) {
            return;
        }
        fittedAt = observed;
        int rows = observed;
        if (o.fitRows() > 0 && observed > o.fitRows()) {
            int[] keep = fitSubset(y, observed, o.fitRows());
            rows = keep.length;
            double[] xs = new double[rows * d];
            double[] ys = new double[rows];
            for (int k = 0; k < rows; k++) {
                System.arraycopy(x, keep[k] * d, xs, k * d, d);
                ys[k] = y[keep[k]];
            }
            x = xs;
            y = ys;
        }
        double[] ms = GaussianProcess.meanAndScale(y, rows, o.normalizeY());
        double[] yn = new double[rows];
        for (int i = 0; i < rows; i++) {
            yn[i] = (y[i] - ms[0]) / ms[1];
        }
        stats[2]++;
        HyperparameterTuner.Fit fit;
        if (o.tuner() == Tuner.ADAM) {
            fit = HyperparameterTuner.adam(o.kernel(), theta, x, yn, rows, d, o.jitter(), o.tunerSteps(), 0.1);
        } else {
            double[] lo = new double[d + 2];
            double[] hi = new double[d + 2];
            double[] span = new double[d];
            for (int j = 0; j < d; j++) {
                span[j] = coords.upper()[j] - coords.lower()[j];
                lo[j] = LOG_LENGTH_LO + Math.log(span[j]);
                hi[j] = LOG_LENGTH_HI + Math.log(span[j]);
            }
            if (o.learnSignalAndNoise()) {
                lo[d] = Math.log(1e-2);
                hi[d] = Math.log(1e2);
                lo[d + 1] = Math.log(1e-6);
                hi[d + 1] = Math.log(1);
            } else {
                lo[d] = hi[d] = theta[d];
                lo[d + 1] = hi[d + 1] = theta[d + 1];
            }
            Rng rng = Rng.of(Rng.derive(seed, "bo-fit", observed));
            double[] start = BoundedLbfgs.clip(theta.clone(), lo, hi);
            int restarts = observed <= RESTART_LIMIT ? o.tunerRestarts() : 1;
            fit = HyperparameterTuner.lbfgs(o.kernel(), start, x, yn, rows, d, o.jitter(), lo, hi, restarts,
                    o.tunerSteps(), rng);
        }
        if (fit.ok()) {
            theta = fit.theta();
        } else {
            stats[3]++;
        }
    }

    @Override
    public void tell(long id, double value) {
        double[] u = pending.remove(id);
        if (u == null) {
            throw notPending(id);
        }
        double f;
        if (Double.isFinite(value)) {
            f = o.maximize() ? -value : value;
        } else {
            f = Double.POSITIVE_INFINITY;
            stats[6]++;
        }
        if (f < bestF) {
            bestF = f;
            bestU = u;
        }
        if (observed < o.capacity()) {
            System.arraycopy(u, 0, us, observed * d, d);
            fs[observed++] = f;
        } else {
            stats[7]++;
        }
        if (!o.hyperoptaxBuffer() && observed >= o.capacity()) {
            status = Status.BUFFER_FULL;
        }
    }

    private IllegalArgumentException notPending(long id) {
        return new IllegalArgumentException(method() + ": trial " + id + " is not pending (never asked, or told already)");
    }

    @Override
    public void abandon(long id) {
        if (pending.remove(id) == null) {
            throw notPending(id);
        }
    }

    /**
     * Runs {@code iterations} rounds of {@code ask(parallel)}, evaluating each trial's point (the space's values, or
     * u) in trial order and telling the value. Stops early when an ask returns nothing.
     */
    public Result run(Objective objective, int iterations) {
        int evaluations = 0;
        int it = 0;
        for (; it < iterations; it++) {
            List<Trial> trials = ask(o.parallel());
            if (trials.isEmpty()) {
                break;
            }
            for (Trial t : trials) {
                double[] point = mapping == null ? t.u().clone() : mapping.values(t.u());
                tell(t.id(), objective.value(point));
                evaluations++;
            }
        }
        double[] bu = bestUnit();
        double[] bp = bu == null ? null : mapping == null ? bu.clone() : mapping.values(bu);
        return new Result(bp, bu, bestValue(), evaluations, it, status);
    }

    /** {@link #run(Objective, int)} for {@link #defaultIterations()} rounds (hyperoptax's {@code optimize}). */
    public Result run(Objective objective) {
        return run(objective, defaultIterations());
    }

    @Override
    public SearchState snapshot() {
        long[] pendingIds = new long[pending.size()];
        double[] pendingU = new double[pending.size() * d];
        int k = 0;
        for (Map.Entry<Long, double[]> e : pending.entrySet()) {
            pendingIds[k] = e.getKey();
            System.arraycopy(e.getValue(), 0, pendingU, k * d, d);
            k++;
        }
        SearchState.Builder b = SearchState.builder(method())
                .put("version", (long) STATE_VERSION)
                .put("dimensions", (long) d)
                .put("u", Arrays.copyOf(us, observed * d))
                .put("y", Arrays.copyOf(fs, observed))
                .put("theta", theta)
                .put("best", bestF)
                .put("best_u", bestU == null ? new double[0] : bestU)
                .put("pending_u", pendingU)
                .put("pending_ids", pendingIds)
                .put("counters", observed, nextId, asks, warmupIssued, fittedAt, status.ordinal())
                .put("stats", stats);
        return b.build();
    }

    @Override
    public void restore(SearchState s) {
        s.requireMethod(method());
        if (s.scalar("version") != STATE_VERSION) {
            throw new IllegalArgumentException(method() + " state version " + s.scalar("version")
                    + "; this build reads " + STATE_VERSION);
        }
        if (s.scalar("dimensions") != d) {
            throw new IllegalArgumentException(method() + " state has " + s.scalar("dimensions")
                    + " dimensions; this search has " + d);
        }
        long[] c = s.longs("counters");
        double[] u = s.doubles("u");
        double[] y = s.doubles("y");
        double[] t = s.doubles("theta");
        int n = (int) c[0];
        long[] ids = s.longs("pending_ids");
        double[] pu = s.doubles("pending_u");
        if (n < 0 || n > o.capacity() || u.length != n * d || y.length != n || t.length != d + 2
                || pu.length != ids.length * d || c[5] < 0 || c[5] >= Status.values().length) {
            throw new IllegalArgumentException(method() + " state: " + n + " observations (capacity " + o.capacity()
                    + "), " + u.length + " coordinates, " + y.length + " values, " + t.length + " hyperparameters, "
                    + ids.length + " pending trials with " + pu.length + " coordinates, status " + c[5]
                    + " do not fit " + d + " dimensions");
        }
        System.arraycopy(u, 0, us, 0, u.length);
        System.arraycopy(y, 0, fs, 0, y.length);
        observed = n;
        nextId = c[1];
        asks = c[2];
        warmupIssued = c[3];
        fittedAt = c[4];
        status = Status.values()[(int) c[5]];
        theta = t;
        bestF = s.doubles("best")[0];
        double[] bu = s.doubles("best_u");
        bestU = bu.length == 0 ? null : bu;
        pending.clear();
        for (int k = 0; k < ids.length; k++) {
            pending.put(ids[k], Arrays.copyOfRange(pu, k * d, (k + 1) * d));
        }
        long[] st = s.longs("stats");
        System.arraycopy(st, 0, stats, 0, Math.min(st.length, stats.length));
    }
}
