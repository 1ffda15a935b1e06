package io.streamlsq.search;

/**
 * A named way to make {@link AskTellOptimizer}s: what {@code --global METHOD} names. Native methods are in this
 * package ({@link #random()}, {@link #lhs()}, {@link #de()}); the {@code search} module adds Sobol, Halton, the
 * library optimizers, the portfolio and Bayesian search.
 */
public interface SearchMethod {

    /** The name users type ({@code de}, {@code sobol}, …). */
    String name();

    /**
     * A new optimizer over {@code [0, 1]^dimensions} whose randomness comes only from {@code seed}.
     *
     * @param budget the trials the caller means to evaluate (methods size populations or designs by it); the caller
     *     stops asking after that many, the optimizer need not
     */
    AskTellOptimizer create(int dimensions, long seed, int budget);

    /** Whether the optimizers are checkpointable (a resumed search then proposes the same trials). */
    default boolean checkpointable() {
        return true;
    }

    /** Uniform random multi-start. */
    static SearchMethod random() {
        return RandomSearch.method(RandomSearch.Design.RANDOM);
    }

    /** Latin hypercube multi-start: each block of {@code budget} trials is one stratified design. */
    static SearchMethod lhs() {
        return RandomSearch.method(RandomSearch.Design.LHS);
    }

    /** Differential evolution, rand/1/bin with dithered F and restarts ({@link DifferentialEvolution#defaults}). */
    static SearchMethod de() {
        return DifferentialEvolution.method(DifferentialEvolution.Strategy.RAND_1_BIN);
    }
}
