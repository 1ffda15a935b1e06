package io.streamlsq.resume;

import io.streamlsq.search.SearchState;
import java.util.List;

/**
 * The global search at a resume point (phase {@code global}, or a finalist's fit after it).
 *
 * @param method the search method's name
 * @param stage 0 search on the first sample, 1 tournament, 2 finalists' full-data fits, 3 done (winner chosen)
 * @param optimizer the optimizer's state at the start of the next batch (checkpointable methods), else null
 * @param freshStarts how many times a non-checkpointable optimizer was started anew on a resume (its seed derives from
 *     this count, so it does not repeat the trials it proposed before)
 * @param sampleRows rows of the first sample
 * @param trials every trial so far, in trial order
 * @param round the tournament round to run next (1-based; 0 before the tournament)
 * @param survivors the tournament's entrants for {@code round}: each at the end point of its latest refinement
 * @param rounds the rounds run
 * @param finalists the finalists' starting points (user units), best first
 * @param finalist the finalist being fitted (their count once all are)
 * @param results the full-data fits of the finalists finished so far
 * @param winner the index of the winning finalist once chosen (stage 3), else -1
 * @param rowsEvaluated rows the search and the tournament evaluated
 * @param note what the report should say about how the search went (resumed afresh, finalists pruned), or empty
 */
public record GlobalSnapshot(String method, int stage, SearchState optimizer, int freshStarts, long sampleRows,
        List<TrialRecord> trials, int round, List<TrialRecord> survivors, List<RoundRecord> rounds,
        List<double[]> finalists, int finalist, List<FinalistRecord> results, int winner, long rowsEvaluated, String note) {

    public GlobalSnapshot {
        trials = List.copyOf(trials);
        survivors = List.copyOf(survivors);
        rounds = List.copyOf(rounds);
        finalists = List.copyOf(finalists);
        results = List.copyOf(results);
        note = note == null ? "" : note;
    }

    /**
     * One trial: a local fit on a sample.
     *
     * @param number the trial's number in the search (0, 1, …)
     * @param start where its local fit started (user units, all parameters)
     * @param end where it ended (user units), or null when it failed
     * @param score its final cost on its sample (+∞ for a failed trial)
     * @param passes sample passes its local fit spent
     */
    public record TrialRecord(long number, double[] start, double[] end, double score, int passes) {
    }

    /** A tournament round: the sample's rows, the entrants and how many went on. */
    public record RoundRecord(int round, long rows, int entrants, int kept) {
    }

    /**
     * A finalist's full-data fit.
     *
     * @param theta where it ended (user units)
     * @param cost its full-data cost there (+∞ if it has none)
     * @param termination why it ended
     * @param iterations its Gauss-Newton iterations
     * @param presolveOutcome what its presolve did
     */
    public record FinalistRecord(double[] theta, double cost, TerminationRecord termination, int iterations,
            String presolveOutcome) {
    }
}
