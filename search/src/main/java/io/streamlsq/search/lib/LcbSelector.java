package io.streamlsq.search.lib;

import java.util.Arrays;

import io.streamlsq.search.Rng;
import io.streamlsq.search.SearchState;

/**
 * The lower-confidence-bound bandit cotengra uses to pick a method ({@code LCBOptimizer}), with a seeded generator.
 * Per option i: {@code c_i} results told, {@code v_i} the best (minimum) score told (+∞ before any), and
 * {@code total = Σ c_i}. A pick:
 * <ul>
 *   <li>the first option (in declaration order) without a result is chosen;</li>
 *   <li>otherwise the argmin over i of {@code lcb_i = v_i − sqrt(2·exploration·ln(total)/c_i) + temperature·G_i},
 *       {@code G_i = −ln(−ln U_i)} a standard Gumbel draw, one {@code U_i ∈ (0, 1)} per option per pick (drawn only
 *       when the formula applies and the temperature is &gt; 0); ties keep the earlier option.</li>
 * </ul>
 * Counts change only on {@link #tell}, so in this (compat) mode pre-dispatched picks before the first tell all go to
 * option 0. With {@code countPendingAsVisits}, picks not yet told count as visits ({@code c_i} and {@code total}
 * include them) and, while some option has no result yet, the option with the fewest visits is chosen (ties: the
 * earlier), so pre-dispatch spreads over the options.
 *
 * <p>{@link #ranking()} orders all options by the same rule (for a caller that falls back to the next best when the
 * first cannot serve); a pick is recorded with {@link #dispatched(int)}. Deterministic for a seed; its state is
 * {@link #snapshot(SearchState.Builder, String)}. Not thread-safe.
 */
public final class LcbSelector {

    private final int k;
    private final double exploration;
    private final double temperature;
    private final boolean countPendingAsVisits;
    private Rng rng;
    private final long[] counts;
    private final long[] pending;
    private final double[] values;

    /**
     * @param options the number of options ≥ 1
     * @param exploration the exploration weight ≥ 0 (cotengra 1)
     * @param temperature the Gumbel noise scale ≥ 0 (cotengra 1)
     * @param countPendingAsVisits whether picks not yet told count as visits (cotengra: false)
     * @param seed the generator's seed
     */
    public LcbSelector(int options, double exploration, double temperature, boolean countPendingAsVisits, long seed) {
        if (options < 1 || !(exploration >= 0) || !(temperature >= 0) || Double.isInfinite(exploration)
                || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("LCB selector: options = " + options + ", exploration = " + exploration
                    + ", temperature = " + temperature + " violate options >= 1, finite exploration >= 0,"
                    + " finite temperature >= 0");
        }
        this.k = options;
        this.exploration = exploration;
        this.temperature = temperature;
        this.countPendingAsVisits = countPendingAsVisits;
        this.rng = Rng.of(seed);
        this.counts = new long[options];
        this.pending = new long[options];
        this.values = new double[options];
        Arrays.fill(values, Double.POSITIVE_INFINITY);
    }

    /** The number of options. */
    public int options() {
        return k;
    }

    /** Picks an option and records it as dispatched. */
    public int ask() {
        int o = ranking()[0];
        dispatched(o);
        return o;
    }

    /** All options, best first, by the rule above (draws one Gumbel per option when the formula applies). */
    public int[] ranking() {
        long[] visits = visits();
        double[] key = new double[k];
        if (anyUntold()) {
            for (int i = 0; i < k; i++) {
                // pending as visits: fewest visits first; compat: untold options first, each group in order
                key[i] = countPendingAsVisits ? visits[i] : counts[i] < 1 ? -1 : 0;
            }
        } else {
            long total = 0;
            for (long v : visits) {
                total += v;
            }
            double lnTotal = Math.log(total);
            for (int i = 0; i < k; i++) {
                key[i] = values[i] - Math.sqrt(2 * exploration * lnTotal / visits[i]);
            }
            if (temperature > 0) {
                for (int i = 0; i < k; i++) {
                    key[i] += temperature * gumbel();
                }
            }
        }
        return order(key);
    }

    private boolean anyUntold() {
        for (long c : counts) {
            if (c < 1) {
                return true;
            }
        }
        return false;
    }

    private long[] visits() {
        long[] v = counts.clone();
        if (countPendingAsVisits) {
            for (int i = 0; i < k; i++) {
                v[i] += pending[i];
            }
        }
        return v;
    }

    /** Indices sorted by key, ascending, stable (ties: earlier option); NaN keys last. */
    private int[] order(double[] key) {
        Integer[] idx = new Integer[k];
        for (int i = 0; i < k; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(key[a], key[b]));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** A standard Gumbel draw {@code −ln(−ln U)}, U uniform in the open interval (0, 1). */
    private double gumbel() {
        double u = ((rng.nextLong() >>> 11) + 0.5) * 0x1.0p-53;
        return -Math.log(-Math.log(u));
    }

    /** Records a pick of {@code option} whose score is not yet told. */
    public void dispatched(int option) {
        check(option);
        pending[option]++;
    }

    /** The score of a pick of {@code option}: one more result, best score {@code min(v, score)} (NaN: +∞). */
    public void tell(int option, double score) {
        check(option);
        if (pending[option] > 0) {
            pending[option]--;
        }
        counts[option]++;
        double s = Double.isNaN(score) ? Double.POSITIVE_INFINITY : score;
        values[option] = Math.min(values[option], s);
    }

    private void check(int option) {
        if (option < 0 || option >= k) {
            throw new IllegalArgumentException("LCB selector: option " + option + " outside 0.." + (k - 1));
        }
    }

    /** Results told per option (a copy). */
    public long[] counts() {
        return counts.clone();
    }

    /** Picks dispatched and not yet told, per option (a copy). */
    public long[] pending() {
        return pending.clone();
    }

    /** The best score per option (a copy; +∞ before any). */
    public double[] values() {
        return values.clone();
    }

    /** Writes the state into {@code b} with names starting with {@code prefix}. */
    public void snapshot(SearchState.Builder b, String prefix) {
        b.put(prefix + "rng", rng.state()).put(prefix + "counts", counts).put(prefix + "pending", pending)
                .put(prefix + "values", values);
    }

    /** Reads the state written by {@link #snapshot} with the same prefix. */
    public void restore(SearchState s, String prefix) {
        long[] c = s.longs(prefix + "counts");
        long[] p = s.longs(prefix + "pending");
        double[] v = s.doubles(prefix + "values");
        if (c.length != k || p.length != k || v.length != k) {
            throw new IllegalArgumentException("LCB selector state has " + c.length + " options, this selector " + k);
        }
        rng = Rng.of(s.scalar(prefix + "rng"));
        System.arraycopy(c, 0, counts, 0, k);
        System.arraycopy(p, 0, pending, 0, k);
        System.arraycopy(v, 0, values, 0, k);
    }
}
