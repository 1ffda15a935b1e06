package io.streamlsq.problem;

/**
 * One model parameter as the user set it up.
 *
 * @param name the model's name for it
 * @param initial starting value (user units)
 * @param lower lower bound, {@code -∞} for none
 * @param upper upper bound, {@code +∞} for none
 * @param fixed whether it is held at {@code initial}
 */
public record Parameter(String name, double initial, double lower, double upper, boolean fixed) {
}
