package io.streamlsq.search.lib;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.Rng;
import io.streamlsq.search.SearchState;
import io.streamlsq.search.Trial;

/**
 * A low-discrepancy sequence randomized by a Cranley–Patterson shift: point i is {@code u = frac(x_i + shift)} with
 * one shift per dimension, the first d uniform draws of {@code Rng.of(seed)}. The sequence starts at index 1 (index 0
 * is the origin in both Sobol and Halton). Never exhausted; checkpointable (state: next index, shift, next id, pending
 * ids); values are not used.
 */
abstract sealed class ShiftedSequence implements AskTellOptimizer permits Sobol, Halton {

    private final int d;
    private final double[] shift;
    private long nextId;
    private final TreeSet<Long> pending = new TreeSet<>();

    ShiftedSequence(int dimensions, long seed) {
        this.d = dimensions;
        Rng rng = Rng.of(seed);
        shift = new double[dimensions];
        for (int j = 0; j < dimensions; j++) {
            shift[j] = rng.nextDouble();
        }
    }

    /** The sequence's next raw point (before the shift). */
    abstract double[] next();

    /** The index of the point {@link #next()} returns next. */
    abstract int nextIndex();

    /** Positions the generator so that {@link #next()} returns point {@code index} (≥ 1). */
    abstract void seek(int index);

    @Override
    public final int dimensions() {
        return d;
    }

    /** The shift (a copy). */
    public final double[] shift() {
        return shift.clone();
    }

    @Override
    public final List<Trial> ask(int n) {
        if (n < 1) {
            throw new IllegalArgumentException(method() + ": ask(" + n + ") needs n >= 1");
        }
        List<Trial> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            double[] x = next();
            for (int j = 0; j < d; j++) {
                double s = x[j] + shift[j];
                x[j] = s >= 1 ? s - 1 : s;
            }
            pending.add(nextId);
            out.add(new Trial(nextId++, x));
        }
        return out;
    }

    @Override
    public final void tell(long id, double value) {
        if (!pending.remove(id)) {
            throw new IllegalArgumentException(method() + ": trial " + id + " is not pending (never asked, or told"
                    + " already)");
        }
    }

    @Override
    public final void abandon(long id) {
        tell(id, Double.POSITIVE_INFINITY);
    }

    @Override
    public final boolean exhausted() {
        return false;
    }

    @Override
    public final SearchState snapshot() {
        return SearchState.builder(method()).put("index", (long) nextIndex()).put("shift", shift)
                .put("next_id", nextId).put("pending", pending.stream().mapToLong(Long::longValue).toArray()).build();
    }

    @Override
    public final void restore(SearchState s) {
        s.requireMethod(method());
        double[] sh = s.doubles("shift");
        long index = s.scalar("index");
        if (sh.length != d || index < 1 || index > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(method() + " state: shift of " + sh.length + " dimensions (this: " + d
                    + ") or index " + index + " outside 1.." + Integer.MAX_VALUE);
        }
        System.arraycopy(sh, 0, shift, 0, d);
        seek((int) index);
        nextId = s.scalar("next_id");
        pending.clear();
        for (long id : s.longs("pending")) {
            pending.add(id);
        }
    }
}
