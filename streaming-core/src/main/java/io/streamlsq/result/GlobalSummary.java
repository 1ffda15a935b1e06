package io.streamlsq.result;

import java.util.List;

/**
 * What the global search in front of a fit did (result JSON {@code global}; docs/global-search.md).
 *
 * @param method the search method
 * @param budget trials asked for
 * @param trials trials run (fewer than the budget when the method was exhausted)
 * @param failures trials whose local fit failed (scored +∞)
 * @param sampleRows rows of the first sample, where every trial ran
 * @param best the best trials on the first sample (at most 10), best first
 * @param rounds the tournament's rounds on larger samples
 * @param finalists the finalists' full-data fits, in the order they ran
 * @param winner index in {@code finalists} of the result reported
 * @param rowsEvaluated rows the search and the tournament evaluated (the finalists' passes are counted as the fit's)
 * @param passEquivalents {@code rowsEvaluated} divided by the data's rows
 * @param seconds time in the global phase
 * @param note how the search was resumed, or empty
 */
public record GlobalSummary(String method, int budget, int trials, int failures, long sampleRows, List<Trial> best,
        List<Round> rounds, List<Finalist> finalists, int winner, long rowsEvaluated, double passEquivalents,
        double seconds, String note) {

    public GlobalSummary {
        best = List.copyOf(best);
        rounds = List.copyOf(rounds);
        finalists = List.copyOf(finalists);
    }

    /** A trial: its number, its score (final sample cost), where it started and ended (user units, all parameters). */
    public record Trial(long number, double score, double[] start, double[] end) {
    }

    /** A tournament round. */
    public record Round(int round, long rows, int entrants, int kept) {
    }

    /** A finalist's full-data fit: start and end (user units), cost, why it ended, its Gauss-Newton iterations. */
    public record Finalist(double[] start, double[] theta, double cost, String termination, int iterations) {
    }
}
