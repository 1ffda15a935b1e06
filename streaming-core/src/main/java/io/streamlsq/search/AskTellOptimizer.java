package io.streamlsq.search;

import java.util.List;

/**
 * A black-box minimizer driven from outside: the caller asks for candidates in the unit box {@code [0, 1]^d}, evaluates
 * them however it likes (in parallel, out of order) and tells the values back. Every global method sits behind this
 * one interface (native ones such as {@link DifferentialEvolution} and {@link RandomSearch}, library optimizers through
 * control inversion in the {@code search} module, Bayesian search), so the global phase, a tournament or any user code
 * drives them the same way.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #ask(int)} returns at most {@code n} new trials (fewer, possibly none, when the optimizer needs values
 *       it has not been told before it can propose more, or when it is exhausted); it never blocks indefinitely;</li>
 *   <li>{@link #tell(long, double)} delivers a trial's value once; NaN and ±∞ count as +∞ (a failed trial); a value for
 *       an unknown or already told trial is an {@link IllegalArgumentException} naming the id (library optimizers
 *       whose worker was replaced ignore and count such tells instead: see their documentation);</li>
 *   <li>{@link #abandon(long)} gives a trial up (it counts as +∞ where the method needs a value);</li>
 *   <li>{@link #exhausted()} is true when no further trial will ever be proposed;</li>
 *   <li>determinism: for a given seed, the same sequence of ask/tell calls (same {@code n}, same values, same order)
 *       gives the same trials, bit for bit;</li>
 *   <li>{@link #snapshot()} / {@link #restore(SearchState)}: checkpointable methods return their whole state, and a
 *       fresh optimizer of the same method, dimension and seed restored from it continues with the same trials;
 *       methods that cannot ({@link #checkpointable()} false) throw {@link UnsupportedOperationException}.</li>
 * </ul>
 * Not thread-safe unless an implementation says so; {@link #close()} releases threads a method may hold.
 */
public interface AskTellOptimizer extends AutoCloseable {

    /** The method's name, e.g. {@code de}, {@code sobol}. */
    String method();

    /** Dimension d of the unit box. */
    int dimensions();

    /** Up to {@code n ≥ 1} new trials. */
    List<Trial> ask(int n);

    /** The value of trial {@code id} (non-finite: a failed trial, +∞). */
    void tell(long id, double value);

    /** Gives trial {@code id} up. */
    void abandon(long id);

    /** True when no further trial will be proposed. */
    boolean exhausted();

    /** Whether {@link #snapshot()} and {@link #restore(SearchState)} work. */
    default boolean checkpointable() {
        return true;
    }

    /** The whole state (between a tell and the next ask: trials asked and not told are part of it). */
    SearchState snapshot();

    /** Replaces this optimizer's state by {@code state}; throws {@link IllegalArgumentException} for a foreign state. */
    void restore(SearchState state);

    /** Releases what the method holds (threads of library optimizers); idempotent. Native methods hold nothing. */
    @Override
    default void close() {
    }

    /** Maps a value to +∞ unless finite. */
    static double score(double value) {
        return Double.isFinite(value) ? value : Double.POSITIVE_INFINITY;
    }
}
