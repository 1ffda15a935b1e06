package io.streamlsq.phase;

import io.streamlsq.resume.GlobalSnapshot;
import io.streamlsq.resume.GlobalSnapshot.FinalistRecord;
import io.streamlsq.resume.GlobalSnapshot.RoundRecord;
import io.streamlsq.resume.GlobalSnapshot.TrialRecord;
import io.streamlsq.search.SearchState;
import java.util.ArrayList;
import java.util.List;

/** The global search's part of a {@link FitState} (see {@link GlobalSnapshot} for the fields). Mutable. */
final class GlobalState {
    static final int SEARCH = 0;
    static final int TOURNAMENT = 1;
    static final int FINALISTS = 2;
    static final int DONE = 3;

    final String method;
    int stage = SEARCH;
    SearchState optimizer;
    int freshStarts;
    long sampleRows;
    final List<TrialRecord> trials = new ArrayList<>();
    int round;
    List<TrialRecord> survivors = new ArrayList<>();
    final List<RoundRecord> rounds = new ArrayList<>();
    final List<double[]> finalists = new ArrayList<>();
    int finalist;
    final List<FinalistRecord> results = new ArrayList<>();
    int winner = -1;
    long rowsEvaluated;
    /** Set on a resume of a search whose method cannot be checkpointed: the report says so. */
    String note = "";

    /** Adds a sentence to {@link #note}. */
    void addNote(String text) {
        note = note.isEmpty() ? text : note + "; " + text;
    }

    GlobalState(String method) {
        this.method = method;
    }

    GlobalSnapshot snapshot() {
        return new GlobalSnapshot(method, stage, optimizer, freshStarts, sampleRows, trials, round, survivors, rounds,
                finalists, finalist, results, winner, rowsEvaluated, note);
    }

    static GlobalState of(GlobalSnapshot g) {
        GlobalState s = new GlobalState(g.method());
        s.stage = g.stage();
        s.optimizer = g.optimizer();
        s.freshStarts = g.freshStarts();
        s.sampleRows = g.sampleRows();
        s.trials.addAll(g.trials());
        s.round = g.round();
        s.survivors = new ArrayList<>(g.survivors());
        s.rounds.addAll(g.rounds());
        s.finalists.addAll(g.finalists());
        s.finalist = g.finalist();
        s.results.addAll(g.results());
        s.winner = g.winner();
        s.rowsEvaluated = g.rowsEvaluated();
        s.note = g.note();
        return s;
    }

    int failures() {
        int f = 0;
        for (TrialRecord t : trials) {
            if (t.end() == null) {
                f++;
            }
        }
        return f;
    }
}
