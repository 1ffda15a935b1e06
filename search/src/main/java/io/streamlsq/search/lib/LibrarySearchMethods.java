package io.streamlsq.search.lib;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.Rng;
import io.streamlsq.search.SearchMethod;

/**
 * The {@code search} module's {@link SearchMethod}s: {@code sobol}, {@code halton}, the Hipparchus optimizers
 * {@code cmaes}, {@code bobyqa}, {@code nelder-mead}, {@code powell} (each a {@link WorkerPool} of
 * {@link InvertedCallbackOptimizer} runs with restarts on, up to {@value #MAX_WORKERS} runs in flight, not
 * checkpointable), and {@code portfolio}.
 *
 * <p>Per-run evaluation budget of the library methods, for d dimensions and a search budget B:
 * {@code maxEval = max(50·(d + 1), B / 5)}, at most B: a run has room to converge, and a budget sees several
 * (re)starts. Library settings: CMA-ES λ = {@code 4 + floor(3 ln d)} and σ = 0.15 (the runs in flight share the
 * budget, so each is short and searches locally around its own uniform start point: with 8 in flight on Branin, σ = 0.3
 * left regrets up to 1.4e-3 after 1000 evaluations, σ = 0.15 below 7e-4 over 10 seeds); BOBYQA trust radius 0.1 →
 * 1e-7; Nelder–Mead side 0.1, value tolerances 1e-10 relative, 1e-12 absolute; Powell tolerances 1e-10, 1e-12.
 */
public final class LibrarySearchMethods {

    /** The most runs (slots) a library method keeps in flight. */
    public static final int MAX_WORKERS = 32;

    private LibrarySearchMethods() {
    }

    /** Evaluations per run of a library method: {@code min(B, max(50·(d + 1), B / 5))}, at least 1. */
    public static int evaluationsPerRun(int dimensions, int budget) {
        return Math.max(1, Math.min(Math.max(1, budget), Math.max(50 * (dimensions + 1), budget / 5)));
    }

    /** Every method of this class, in the order {@code sobol, halton, cmaes, bobyqa, nelder-mead, powell, portfolio}. */
    public static List<SearchMethod> all() {
        return List.of(sobol(), halton(), cmaes(), bobyqa(), nelderMead(), powell(), portfolio());
    }

    /** The method of this class named {@code name}, or an {@link IllegalArgumentException} listing the names. */
    public static SearchMethod byName(String name) {
        for (SearchMethod m : all()) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no search method '" + name + "' in the search module; known: "
                + all().stream().map(SearchMethod::name).toList());
    }

    /** The Sobol sequence with a seeded shift ({@link Sobol}); checkpointable. */
    public static SearchMethod sobol() {
        return method("sobol", true, (d, seed, budget) -> new Sobol(d, seed));
    }

    /** The Halton sequence with a seeded shift ({@link Halton}); checkpointable. */
    public static SearchMethod halton() {
        return method("halton", true, (d, seed, budget) -> new Halton(d, seed));
    }

    /** Hipparchus CMA-ES runs ({@link HipparchusOptimizers#cmaes}). */
    public static SearchMethod cmaes() {
        return library("cmaes", (d, maxEval) -> HipparchusOptimizers.cmaes(HipparchusOptimizers.cmaesPopulation(d),
                0.15, maxEval));
    }

    /** Hipparchus BOBYQA runs ({@link HipparchusOptimizers#bobyqa}); d ≥ 2, else the first ask throws. */
    public static SearchMethod bobyqa() {
        return library("bobyqa", (d, maxEval) -> HipparchusOptimizers.bobyqa(0.1, 1e-7, maxEval));
    }

    /** Hipparchus Nelder–Mead runs ({@link HipparchusOptimizers#nelderMead}), evaluated at the clamped point. */
    public static SearchMethod nelderMead() {
        return library("nelder-mead", (d, maxEval) -> HipparchusOptimizers.nelderMead(0.1, 1e-10, 1e-12, maxEval));
    }

    /** Hipparchus Powell runs ({@link HipparchusOptimizers#powell}), evaluated at the clamped point. */
    public static SearchMethod powell() {
        return library("powell", (d, maxEval) -> HipparchusOptimizers.powell(1e-10, 1e-12, maxEval));
    }

    /**
     * An LCB portfolio over the default members, in this order: {@code de} (the core's differential evolution),
     * {@code cmaes} and {@code sobol}; see {@link #portfolio(List)}. Not checkpointable (CMA-ES is not).
     */
    public static SearchMethod portfolio() {
        return portfolio(List.of(SearchMethod.de(), cmaes(), sobol()));
    }

    /**
     * An LCB portfolio ({@link Portfolio}) over {@code members}: member i is created with seed
     * {@code Rng.derive(seed, "portfolio", i)} and the whole budget (any member may end up with all of it); the
     * selector (exploration 1, temperature 1, pending picks counted as visits so pre-dispatch spreads over the members)
     * with seed {@code Rng.derive(seed, "portfolio-lcb")}. Checkpointable when every member is.
     */
    public static SearchMethod portfolio(List<SearchMethod> members) {
        List<SearchMethod> ms = List.copyOf(Objects.requireNonNull(members, "members"));
        if (ms.isEmpty()) {
            throw new IllegalArgumentException("portfolio: no members");
        }
        boolean checkpointable = ms.stream().allMatch(SearchMethod::checkpointable);
        return method("portfolio", checkpointable, (d, seed, budget) -> {
            List<AskTellOptimizer> created = new ArrayList<>();
            try {
                for (int i = 0; i < ms.size(); i++) {
                    created.add(ms.get(i).create(d, Rng.derive(seed, "portfolio", i), budget));
                }
            } catch (RuntimeException e) {
                created.forEach(AskTellOptimizer::close);
                throw e;
            }
            LcbSelector selector = new LcbSelector(ms.size(), 1.0, 1.0, true, Rng.derive(seed, "portfolio-lcb"));
            return new Portfolio(created, selector);
        });
    }

    /** A factory of optimizers. */
    @FunctionalInterface
    private interface Factory {
        AskTellOptimizer create(int dimensions, long seed, int budget);
    }

    /**
     * Any callback optimizer as a method, like the Hipparchus ones: a {@link WorkerPool} ({@value #MAX_WORKERS} slots,
     * restarts on) of runs of {@code library.create(d, evaluationsPerRun(d, budget))}; not checkpointable.
     *
     * @param name the method's name (also in its threads' names)
     * @param library makes the callback optimizer for a dimension and a per-run evaluation budget
     */
    public static SearchMethod library(String name, LibraryFactory library) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(library, "library");
        return method(name, false, (d, seed, budget) -> new WorkerPool(name, d,
                library.create(d, evaluationsPerRun(d, budget)), seed, WorkerPool.Settings.of(MAX_WORKERS)));
    }

    /** Makes a callback optimizer for {@code dimensions} and a per-run evaluation budget. */
    @FunctionalInterface
    public interface LibraryFactory {
        CallbackOptimizer create(int dimensions, int maxEval);
    }

    private static SearchMethod method(String name, boolean checkpointable, Factory factory) {
        return new SearchMethod() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public AskTellOptimizer create(int dimensions, long seed, int budget) {
                if (dimensions < 1) {
                    throw new IllegalArgumentException(name + ": dimensions = " + dimensions
                            + " violates dimensions >= 1");
                }
                return factory.create(dimensions, seed, budget);
            }

            @Override
            public boolean checkpointable() {
                return checkpointable;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
