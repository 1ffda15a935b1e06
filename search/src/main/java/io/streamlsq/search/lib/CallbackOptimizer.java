package io.streamlsq.search.lib;

import org.hipparchus.analysis.MultivariateFunction;

/**
 * A callback-style minimizer over the unit box {@code [0, 1]^d}: it calls the objective itself, as often as it likes,
 * and returns when it has converged or spent its own evaluation budget. {@link InvertedCallbackOptimizer} turns one
 * run of it into an ask/tell optimizer by handing each point the objective is asked for to the caller.
 *
 * <p>Implementations must let a {@link RuntimeException} thrown by the objective propagate out of {@link #minimize}
 * (that is how a run is stopped from outside); each adapter in {@link HipparchusOptimizers} is tested for it. A run
 * that ends because a library evaluation or iteration counter ran out may throw Hipparchus'
 * {@code MathIllegalStateException} with {@code LocalizedCoreFormats.MAX_COUNT_EXCEEDED}: the inversion treats it as
 * the end of the run's budget, not as a failure.
 */
@FunctionalInterface
public interface CallbackOptimizer {

    /**
     * Minimizes {@code objective} from {@code start}.
     *
     * @param objective the function to minimize; called with points of length d (the adapter decides whether they stay
     *     inside the box); its exceptions must propagate
     * @param start the start point in {@code [0, 1]^d} (the callee may not keep it)
     * @param seed the only source of randomness of this run
     * @return the library's final point and value
     */
    RunResult minimize(MultivariateFunction objective, double[] start, long seed);

    /**
     * What a run returned.
     *
     * @param point its final point (in the unit box)
     * @param value the objective's value there, as the library reports it
     */
    record RunResult(double[] point, double value) {
    }
}
