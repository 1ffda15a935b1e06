package io.streamlsq.options;

import io.streamlsq.search.SearchMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The global search in front of the fit (phase {@code global}; docs/global-search.md): trials are short local fits
 * from candidate starts on a fixed sample of the data, proposed by an ask/tell {@link SearchMethod}; a tournament
 * promotes the best to larger samples; the best {@code keep} are fitted on the full data and the best of those wins.
 *
 * @param method what proposes the candidate starts
 * @param budget trials on the first sample, ≥ 1 (default 200)
 * @param sampleRows rows of the first sample (evenly spaced chunks, thinned to this many rows), ≥ 100 (default 10⁵)
 * @param keep finalists fitted on the full data, ≥ 1 (default 3)
 * @param seed the seed every random choice derives from (default 0)
 * @param trialPasses sample passes a trial's local fit may spend, ≥ 2 (default 30)
 * @param batch trials asked and evaluated at once (in parallel on the fit's threads; the result does not depend on
 *     the thread count, only on this), ≥ 1 (default 8)
 * @param ranges search boxes tighter than the bounds, by parameter name (a parameter not named here is searched
 *     over its bounds, which must then be finite)
 */
public record GlobalOptions(SearchMethod method, int budget, long sampleRows, int keep, long seed, int trialPasses,
        int batch, Map<String, Range> ranges) {

    /**
     * A search interval.
     *
     * @param lo lower end
     * @param hi upper end, lo &lt; hi, both finite
     * @param log search log(value) uniformly (0 &lt; lo)
     */
    public record Range(double lo, double hi, boolean log) {
        @Override
        public String toString() {
            return lo + ":" + hi + (log ? ":log" : "");
        }
    }

    public GlobalOptions {
        List<String> v = new ArrayList<>();
        if (method == null) {
            v.add("global method = null");
        }
        if (budget < 1) {
            v.add("global budget = " + budget + " violates budget >= 1");
        }
        if (sampleRows < 100) {
            v.add("global sampleRows = " + sampleRows + " violates sampleRows >= 100");
        }
        if (keep < 1) {
            v.add("global keep = " + keep + " violates keep >= 1");
        }
        if (trialPasses < 2) {
            v.add("global trialPasses = " + trialPasses + " violates trialPasses >= 2");
        }
        if (batch < 1) {
            v.add("global batch = " + batch + " violates batch >= 1");
        }
        ranges = ranges == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
        for (var e : ranges.entrySet()) {
            Range r = e.getValue();
            if (!(Double.isFinite(r.lo()) && Double.isFinite(r.hi()) && r.lo() < r.hi())) {
                v.add("search range of '" + e.getKey() + "' = " + r + " violates finite lo < hi");
            } else if (r.log() && !(r.lo() > 0)) {
                v.add("search range of '" + e.getKey() + "' = " + r + " is log-scaled and needs lo > 0");
            }
        }
        if (!v.isEmpty()) {
            throw new InvalidOptionsException(v);
        }
    }

    /** The defaults with {@code method}. */
    public static GlobalOptions of(SearchMethod method) {
        return new GlobalOptions(Objects.requireNonNull(method, "method"), 200, 100_000, 3, 0, 30, 8, Map.of());
    }

    public GlobalOptions withBudget(int v) {
        return new GlobalOptions(method, v, sampleRows, keep, seed, trialPasses, batch, ranges);
    }

    public GlobalOptions withSampleRows(long v) {
        return new GlobalOptions(method, budget, v, keep, seed, trialPasses, batch, ranges);
    }

    public GlobalOptions withKeep(int v) {
        return new GlobalOptions(method, budget, sampleRows, v, seed, trialPasses, batch, ranges);
    }

    public GlobalOptions withSeed(long v) {
        return new GlobalOptions(method, budget, sampleRows, keep, v, trialPasses, batch, ranges);
    }

    public GlobalOptions withTrialPasses(int v) {
        return new GlobalOptions(method, budget, sampleRows, keep, seed, v, batch, ranges);
    }

    public GlobalOptions withBatch(int v) {
        return new GlobalOptions(method, budget, sampleRows, keep, seed, trialPasses, v, ranges);
    }

    public GlobalOptions withRanges(Map<String, Range> v) {
        return new GlobalOptions(method, budget, sampleRows, keep, seed, trialPasses, batch, v);
    }

    @Override
    public String toString() {
        return "GlobalOptions[method=" + method.name() + ", budget=" + budget + ", sampleRows=" + sampleRows + ", keep="
                + keep + ", seed=" + seed + ", trialPasses=" + trialPasses + ", batch=" + batch + ", ranges=" + ranges + "]";
    }
}
