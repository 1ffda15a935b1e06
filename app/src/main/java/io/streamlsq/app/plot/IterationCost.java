package io.streamlsq.app.plot;

/**
 * The cost after one accepted iteration of a fit.
 *
 * @param phase the phase that made it ({@code warmup}: the loss on the warmup's sample; {@code gauss_newton}: the
 *     cost on all rows)
 * @param iteration accepted iterations so far in that phase (1, 2, …)
 * @param cost the cost at the accepted point, {@code ½ Σ w ρ(r²)} over the rows the phase evaluates
 */
public record IterationCost(String phase, int iteration, double cost) {
}
