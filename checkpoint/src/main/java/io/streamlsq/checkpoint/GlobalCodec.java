package io.streamlsq.checkpoint;

import io.streamlsq.resume.CorruptCheckpointException;
import io.streamlsq.resume.GlobalSnapshot;
import io.streamlsq.resume.GlobalSnapshot.FinalistRecord;
import io.streamlsq.resume.GlobalSnapshot.RoundRecord;
import io.streamlsq.resume.GlobalSnapshot.TrialRecord;
import io.streamlsq.resume.TerminationRecord;
import io.streamlsq.search.SearchState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code phase_state/global} group (format 3.2, docs/checkpoint-format.md): the global search's stage, its
 * optimizer's state as named arrays, its trials, the tournament and the finalists. Arrays that may be empty are left
 * out when empty (jhdf cannot write them) and read back as empty; their lengths are in {@code counts}.
 */
final class GlobalCodec {
    private GlobalCodec() {
    }

    static void write(H5Tree t, String g, GlobalSnapshot s) {
        if (!s.note().isEmpty()) {
            t.put(g + "/note", s.note());
        }
        t.put(g + "/method", s.method())
                .put(g + "/counts", new long[] {s.stage(), s.freshStarts(), s.sampleRows(), s.round(), s.finalist(),
                    s.winner(), s.rowsEvaluated(), s.trials().size(), s.survivors().size(), s.rounds().size(),
                    s.finalists().size(), s.results().size()});
        if (s.optimizer() != null) {
            SearchState o = s.optimizer();
            String og = g + "/optimizer";
            t.put(og + "/method", o.method());
            t.put(og + "/double_names", o.doubles().keySet().toArray(String[]::new));
            t.put(og + "/long_names", o.longs().keySet().toArray(String[]::new));
            o.doubles().forEach((k, v) -> t.put(og + "/doubles/" + k, v));
            o.longs().forEach((k, v) -> t.put(og + "/longs/" + k, v));
            t.put(og + "/lengths", lengths(o));
        }
        trials(t, g + "/trials", s.trials());
        trials(t, g + "/survivors", s.survivors());
        double[][] rounds = new double[s.rounds().size()][];
        for (int i = 0; i < rounds.length; i++) {
            RoundRecord r = s.rounds().get(i);
            rounds[i] = new double[] {r.round(), r.rows(), r.entrants(), r.kept()};
        }
        t.put(g + "/rounds", rounds.length == 0 ? null : rounds);
        t.put(g + "/finalists", s.finalists().isEmpty() ? null : s.finalists().toArray(double[][]::new));
        List<FinalistRecord> rs = s.results();
        for (int i = 0; i < rs.size(); i++) {
            FinalistRecord r = rs.get(i);
            String rg = g + "/results/" + i;
            t.put(rg + "/theta", r.theta()).put(rg + "/cost", r.cost()).put(rg + "/iterations", (long) r.iterations())
                    .put(rg + "/presolve_outcome", r.presolveOutcome());
            CheckpointCodec.termination(t, rg + "/termination", r.termination());
        }
    }

    private static long[] lengths(SearchState o) {
        List<Long> l = new ArrayList<>();
        o.doubles().values().forEach(v -> l.add((long) v.length));
        o.longs().values().forEach(v -> l.add((long) v.length));
        return l.stream().mapToLong(Long::longValue).toArray();
    }

    private static void trials(H5Tree t, String g, List<TrialRecord> ts) {
        if (ts.isEmpty()) {
            return;
        }
        int n = ts.get(0).start().length;
        double[][] start = new double[ts.size()][];
        double[][] end = new double[ts.size()][];
        double[] score = new double[ts.size()];
        long[] number = new long[ts.size()];
        long[] passes = new long[ts.size()];
        for (int i = 0; i < ts.size(); i++) {
            TrialRecord r = ts.get(i);
            start[i] = r.start();
            end[i] = r.end() != null ? r.end() : nans(n); // a failed trial: no end point
            score[i] = r.score();
            number[i] = r.number();
            passes[i] = r.passes();
        }
        t.put(g + "/number", number).put(g + "/start", start).put(g + "/end", end).put(g + "/score", score)
                .put(g + "/passes", passes);
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    static GlobalSnapshot read(CheckpointCodec.Reader r, String g) throws CorruptCheckpointException {
        long[] c = r.longs(g + "/counts");
        if (c.length != 12) {
            throw r.bad(g + "/counts", "holds " + c.length + " numbers, expected 12");
        }
        SearchState optimizer = r.tree.hasGroup(g + "/optimizer") ? optimizer(r, g + "/optimizer") : null;
        List<TrialRecord> trials = trials(r, g + "/trials", (int) c[7]);
        List<TrialRecord> survivors = trials(r, g + "/survivors", (int) c[8]);
        List<RoundRecord> rounds = new ArrayList<>();
        if (c[9] > 0) {
            double[][] m = r.matrix(g + "/rounds");
            if (m.length != c[9]) {
                throw r.bad(g + "/rounds", "holds " + m.length + " rounds, counts say " + c[9]);
            }
            for (double[] row : m) {
                rounds.add(new RoundRecord((int) row[0], (long) row[1], (int) row[2], (int) row[3]));
            }
        }
        List<double[]> finalists = new ArrayList<>();
        if (c[10] > 0) {
            double[][] m = r.matrix(g + "/finalists");
            if (m.length != c[10]) {
                throw r.bad(g + "/finalists", "holds " + m.length + " points, counts say " + c[10]);
            }
            finalists.addAll(List.of(m));
        }
        List<FinalistRecord> results = new ArrayList<>();
        for (int i = 0; i < c[11]; i++) {
            String rg = g + "/results/" + i;
            TerminationRecord term = CheckpointCodec.termination(r, rg + "/termination");
            results.add(new FinalistRecord(r.doubles(rg + "/theta"), r.real(rg + "/cost"), term,
                    (int) r.number(rg + "/iterations"), r.text(rg + "/presolve_outcome")));
        }
        return new GlobalSnapshot(r.text(g + "/method"), (int) c[0], optimizer, (int) c[1], c[2], trials, (int) c[3],
                survivors, rounds, finalists, (int) c[4], results, (int) c[5], c[6],
                r.tree.has(g + "/note") ? r.text(g + "/note") : "");
    }

    private static SearchState optimizer(CheckpointCodec.Reader r, String og) throws CorruptCheckpointException {
        String[] dn = r.optStrings(og + "/double_names");
        String[] ln = r.optStrings(og + "/long_names");
        long[] lengths = r.tree.has(og + "/lengths") ? r.longs(og + "/lengths") : new long[0];
        if (lengths.length != dn.length + ln.length) {
            throw r.bad(og + "/lengths", "holds " + lengths.length + " lengths for " + (dn.length + ln.length) + " arrays");
        }
        Map<String, double[]> doubles = new LinkedHashMap<>();
        Map<String, long[]> longs = new LinkedHashMap<>();
        for (int i = 0; i < dn.length; i++) {
            double[] v = lengths[i] == 0 ? new double[0] : r.doubles(og + "/doubles/" + dn[i]);
            if (v.length != lengths[i]) {
                throw r.bad(og + "/doubles/" + dn[i], "holds " + v.length + " values, lengths say " + lengths[i]);
            }
            doubles.put(dn[i], v);
        }
        for (int i = 0; i < ln.length; i++) {
            long want = lengths[dn.length + i];
            long[] v = want == 0 ? new long[0] : r.longs(og + "/longs/" + ln[i]);
            if (v.length != want) {
                throw r.bad(og + "/longs/" + ln[i], "holds " + v.length + " values, lengths say " + want);
            }
            longs.put(ln[i], v);
        }
        return new SearchState(r.text(og + "/method"), doubles, longs);
    }

    private static List<TrialRecord> trials(CheckpointCodec.Reader r, String g, int count)
            throws CorruptCheckpointException {
        List<TrialRecord> out = new ArrayList<>();
        if (count == 0) {
            return out;
        }
        long[] number = r.longs(g + "/number");
        double[][] start = r.matrix(g + "/start");
        double[][] end = r.matrix(g + "/end");
        double[] score = r.doubles(g + "/score");
        long[] passes = r.longs(g + "/passes");
        if (number.length != count || start.length != count || end.length != count || score.length != count
                || passes.length != count) {
            throw r.bad(g, "has arrays of lengths other than its count " + count);
        }
        for (int i = 0; i < count; i++) {
            boolean failed = Double.isNaN(end[i][0]);
            out.add(new TrialRecord(number[i], start[i], failed ? null : end[i], score[i], (int) passes[i]));
        }
        return out;
    }
}
