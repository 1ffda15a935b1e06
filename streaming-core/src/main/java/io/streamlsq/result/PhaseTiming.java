package io.streamlsq.result;

/**
 * Time and work of one phase.
 *
 * @param name setup, warmup, gauss_newton or finalize
 * @param seconds wall time in seconds (from the ticker the caller gave)
 * @param iterations iterations of the phase
 * @param passes full passes over the data spent in the phase
 */
public record PhaseTiming(String name, double seconds, int iterations, int passes) {
}
