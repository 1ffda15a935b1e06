package io.streamlsq.phase;

/** A monotonic clock in nanoseconds, handed to the engine by its caller (tests pass fake ones). */
@FunctionalInterface
public interface Ticker {
    long nanos();

    /** {@link System#nanoTime()}; the caller chooses it explicitly. */
    static Ticker system() {
        return System::nanoTime;
    }
}
