package io.streamlsq.search;

/**
 * One candidate an {@link AskTellOptimizer} asks to have evaluated.
 *
 * @param id the optimizer's number for it, unique within one optimizer (and across its restarts), increasing in the
 *     order the trials were asked
 * @param u the point in the unit box {@code [0, 1]^d} (owned by the caller once returned; the optimizer keeps its own
 *     copy)
 */
public record Trial(long id, double[] u) {
}
