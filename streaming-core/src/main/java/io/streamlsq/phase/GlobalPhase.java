package io.streamlsq.phase;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.SampledDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.GlobalOptions;
import io.streamlsq.resume.GlobalSnapshot.RoundRecord;
import io.streamlsq.resume.GlobalSnapshot.TrialRecord;
import io.streamlsq.result.Termination;
import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.Rng;
import io.streamlsq.search.Trial;
import io.streamlsq.search.UnitBoxMapping;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Phase "global": a search for the basin of the global minimum before the local fit (docs/global-search.md).
 * <ol>
 *   <li><b>Search.</b> An ask/tell optimizer proposes candidate starts in the unit box of {@link GlobalSearchSpace};
 *       each is a <em>trial</em>: a short Levenberg-Marquardt fit (at most {@code trialPasses} sample passes) from
 *       the candidate on one fixed sample of the data (evenly spaced chunks, up to 16 times the sample's rows, thinned to
 *       {@code sampleRows} evenly spaced rows and held in memory; a sequential source gives its first chunks), scored by its final sample cost (+∞ when it fails). Trials are asked {@code batch} at a time, run in
 *       parallel on the fit's threads and told in trial order, so the search has the same bits for any thread
 *       count.</li>
 *   <li><b>Tournament</b> (successive halving with local refinement): the best {@code 4·keep} distinct minima go on
 *       to samples 4, 16, 64, … times larger (while a sample is at most a quarter of the data); in each round every
 *       entrant is refitted from its point on the larger sample and the better half (at least {@code keep}) goes on.</li>
 *   <li>The best {@code keep} distinct points become the <b>finalists</b> (except those whose sample cost is more than
 *       {@link #FINALIST_RATIO} times the best's): the orchestrator fits each on the full data (its presolve and
 *       Gauss-Newton phases) and the lowest full-data cost wins.</li>
 * </ol>
 * Its cost does not grow with the data: the search and the tournament read samples of fixed sizes. A checkpoint is
 * written before each batch and each round (as at a phase change: a batch costs far more than a write, at most
 * budget / batch writes); a resumed batch or round runs again from its start (it is deterministic).
 */
final class GlobalPhase implements Phase {
    static final String NAME = "global";
    /** A trial's local fit stops at this relative reduction or step: it ranks basins, it does not polish. */
    static final double TRIAL_TOLERANCE = 1e-8;
    /** The first sample reads up to this many times its rows (more, smaller pieces of the data), then thins them. */
    static final int READ_FACTOR = 16;
    /** Rows per chunk of the in-memory first sample. */
    static final int SAMPLE_CHUNK_ROWS = 4096;
    /** Entrants of the tournament per finalist. */
    static final int ENTRANTS_PER_FINALIST = 4;
    /** Growth of the sample from one round to the next. */
    static final int GROWTH = 4;
    /**
     * A finalist's last sample cost may be at most this many times the best's: a larger gap is not sampling noise
     * (a sample cost's relative spread is about √(2/n) for n rows), so its full-data fit would be wasted passes.
     */
    static final double FINALIST_RATIO = 2;
    /** Trials listed in the result. */
    static final int LISTED = 10;

    private final PassExecutor executor;
    private final Ticker ticker;
    private final Listeners none = new Listeners(List.of());
    private final Listeners listeners;

    GlobalPhase(PassExecutor executor, Ticker ticker, Listeners listeners) {
        this.executor = executor;
        this.ticker = ticker;
        this.listeners = listeners;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int run(FitState s) throws IOException {
        GlobalOptions go = s.options.global();
        UnitBoxMapping space = GlobalSearchSpace.of(s.problem, go);
        GlobalState g = s.global;
        int before = g.trials.size();
        if (g.stage == GlobalState.SEARCH) {
            search(s, g, go, space);
            g.stage = GlobalState.TOURNAMENT;
            g.optimizer = null;
        }
        if (g.stage == GlobalState.TOURNAMENT) {
            tournament(s, g, go, space);
            g.stage = GlobalState.FINALISTS;
            g.finalist = 0;
        }
        if (g.finalists.isEmpty()) {
            s.warnings.add(g.trials.isEmpty() ? "global search: no trial ran (" + g.note + "); the fit starts from the"
                    + " initial values" : "global search: every one of " + g.trials.size() + " trials failed; the fit"
                    + " starts from the initial values");
            g.finalists.add(s.theta.clone());
        }
        return g.trials.size() - before;
    }

    // ---------------------------------------------------------------- search

    private void search(FitState s, GlobalState g, GlobalOptions go, UnitBoxMapping space) throws IOException {
        DataSource sample = firstSample(s.problem.source(), s.problem.columns(), go.sampleRows());
        g.sampleRows = sample.rowCount();
        boolean resumedWithoutState = s.resumed && g.optimizer == null && !g.trials.isEmpty();
        if (resumedWithoutState) {
            g.freshStarts++;
            g.addNote("resumed after " + g.trials.size() + " trials: " + go.method().name() + " cannot be checkpointed"
                    + " mid-search, so it started anew (seed derived from the restart) and kept the trials it had run");
        }
        long seed = Rng.derive(go.seed(), "global-search", g.freshStarts);
        try (AskTellOptimizer opt = go.method().create(space.rawDimensions(), seed, go.budget())) {
            if (g.optimizer != null) {
                opt.restore(g.optimizer);
            }
            long begun = ticker.nanos();
            double best = Double.POSITIVE_INFINITY;
            for (TrialRecord t : g.trials) {
                best = Math.min(best, t.score());
            }
            while (g.trials.size() < go.budget() && !opt.exhausted()) {
                if (s.options.maxTime() != null && ticker.nanos() - s.startNanos >= s.options.maxTime().toNanos()) {
                    g.addNote("the time limit ended the search after " + g.trials.size() + " of " + go.budget() + " trials");
                    break; // the finalists' Gauss-Newton phase reports the limit
                }
                g.optimizer = opt.checkpointable() ? opt.snapshot() : null;
                s.checkpointer.boundary(s, NAME, null, true); // a batch's work is worth a write, as a phase's is
                List<Trial> batch = opt.ask(Math.min(go.batch(), go.budget() - g.trials.size()));
                if (batch.isEmpty()) {
                    break; // nothing pending (every trial is told): the method has nothing more to propose
                }
                List<Outcome> outcomes = runTrials(s, sample, space, batch, go.trialPasses());
                for (int i = 0; i < batch.size(); i++) {
                    Outcome o = outcomes.get(i);
                    opt.tell(batch.get(i).id(), o.score);
                    g.trials.add(new TrialRecord(g.trials.size(), o.start, o.end, o.score, o.passes));
                    g.rowsEvaluated += o.rows;
                    best = Math.min(best, o.score);
                }
                listeners.onGlobalProgress(g.trials.size(), go.budget(), best, (ticker.nanos() - begun) * 1e-9);
            }
        }
    }

    /** The trials of a batch on the fit's threads; outcomes in the batch's order. */
    private List<Outcome> runTrials(FitState s, DataSource sample, UnitBoxMapping space, List<Trial> batch,
            int passes) throws IOException {
        List<Callable<Outcome>> tasks = new ArrayList<>();
        for (Trial t : batch) {
            double[] start = s.theta.clone();
            double[] v = space.values(t.u());
            for (int i = 0; i < s.free.length; i++) {
                start[s.free[i]] = v[i];
            }
            tasks.add(() -> localFit(s, sample, start, passes, PassExecutor.sequential()));
        }
        return executor.invokeAll(tasks);
    }

    /** Where a local fit started and ended, its sample cost (+∞ when it failed), passes and rows. */
    private record Outcome(double[] start, double[] end, double score, int passes, long rows) {
    }

    /** A Levenberg-Marquardt fit on {@code data} from {@code start}, sharing nothing mutable with {@code s}. */
    private Outcome localFit(FitState s, DataSource data, double[] start, int maxPasses, PassExecutor exec)
            throws IOException {
        FitOptions o = s.options.toBuilder().presolve(false).global(null).ftol(TRIAL_TOLERANCE).xtol(TRIAL_TOLERANCE)
                .maxPasses(maxPasses).maxTime(null).build();
        FitState sub = new FitState(s.problem.withSource(data), o, ticker.nanos());
        sub.theta = start.clone();
        sub.scaling = s.scaling;
        sub.fingerprint = s.fingerprint;
        PassRunner passes = new PassRunner(sub, exec, none);
        new GaussNewtonPhase(passes, none, ticker).run(sub);
        boolean failed = sub.current == null || !Double.isFinite(sub.current.cost())
                || sub.termination instanceof Termination.Failed;
        return new Outcome(start, failed ? null : sub.theta.clone(),
                failed ? Double.POSITIVE_INFINITY : sub.current.cost(), (int) sub.passes, sub.rowsEvaluated);
    }

    /**
     * The first sample, in memory: the rows of evenly spaced chunks, thinned to at most {@code maxRows} evenly spaced
     * rows when the chunks hold more (a chunk can be larger than the sample).
     */
    static DataSource firstSample(DataSource full, List<String> columns, long maxRows) throws IOException {
        // read up to READ_FACTOR times the rows, from that many more chunks, so that the sample spans the data even when
        // a chunk alone holds more rows than the sample (then thinned to maxRows evenly spaced rows)
        SampledDataSource chunks = SampledDataSource.of(full, maxRows * READ_FACTOR);
        double[][] read = new double[columns.size()][1024];
        int total = 0;
        try (ChunkCursor cursor = chunks.open(columns, 0)) {
            for (Chunk c = cursor.next(); c != null; c = cursor.next()) {
                if (total + c.rows() > read[0].length) {
                    int cap = Math.max(2 * read[0].length, total + c.rows());
                    for (int col = 0; col < read.length; col++) {
                        read[col] = java.util.Arrays.copyOf(read[col], cap);
                    }
                }
                for (int col = 0; col < read.length; col++) {
                    System.arraycopy(c.column(col), c.offset(), read[col], total, c.rows());
                }
                total += c.rows();
            }
        }
        int n = (int) Math.min(maxRows, total);
        double[][] values = new double[columns.size()][n];
        for (int i = 0; i < n; i++) {
            int row = (int) ((long) i * total / n); // n evenly spaced rows of the `total` read
            for (int col = 0; col < values.length; col++) {
                values[col][i] = read[col][row];
            }
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int col = 0; col < values.length; col++) {
            m.put(columns.get(col), java.util.Arrays.copyOf(values[col], n));
        }
        return new InMemoryDataSource(m, SAMPLE_CHUNK_ROWS);
    }

    // ---------------------------------------------------------------- tournament

    private void tournament(FitState s, GlobalState g, GlobalOptions go, UnitBoxMapping space) throws IOException {
        int keep = go.keep();
        if (g.round == 0) {
            List<TrialRecord> ranked = new ArrayList<>(g.trials);
            ranked.removeIf(t -> t.end() == null);
            ranked.sort(BY_SCORE);
            g.survivors = distinct(ranked, ENTRANTS_PER_FINALIST * keep, space, s);
            g.round = 1;
        }
        DataSource full = s.problem.source();
        while (g.survivors.size() > keep && full.isRandomAccess() && full.rowCount() > 0) {
            long rows = go.sampleRows() * pow(GROWTH, g.round);
            if (rows > full.rowCount() / 4) {
                break; // a sample that large is no longer cheap next to the full-data fits
            }
            s.checkpointer.boundary(s, NAME, null, true);
            SampledDataSource sample = SampledDataSource.of(full, rows);
            List<TrialRecord> refined = new ArrayList<>();
            for (TrialRecord t : g.survivors) {
                Outcome o = localFit(s, sample, t.end(), go.trialPasses(), executor);
                g.rowsEvaluated += o.rows;
                if (o.end != null) {
                    refined.add(new TrialRecord(t.number(), o.start, o.end, o.score, o.passes));
                }
            }
            refined.sort(BY_SCORE);
            int kept = Math.max(keep, (g.survivors.size() + 1) / 2);
            List<TrialRecord> next = distinct(refined, kept, space, s);
            g.rounds.add(new RoundRecord(g.round, sample.rowCount(), g.survivors.size(), next.size()));
            g.survivors = next;
            g.round++;
        }
        g.finalists.clear();
        int pruned = 0;
        for (TrialRecord t : g.survivors.subList(0, Math.min(keep, g.survivors.size()))) {
            if (t.score() > FINALIST_RATIO * g.survivors.get(0).score()) {
                pruned++; // far worse on a sample than the best: not worth full passes
            } else {
                g.finalists.add(t.end().clone());
            }
        }
        if (pruned > 0) {
            g.addNote(pruned + " of the best " + Math.min(keep, g.survivors.size()) + " distinct minima not fitted on the"
                    + " full data: their sample cost was more than " + FINALIST_RATIO + " times the best's");
        }
    }

    private static final Comparator<TrialRecord> BY_SCORE = Comparator.comparingDouble(TrialRecord::score)
            .thenComparingLong(TrialRecord::number);

    /** The first {@code max} of {@code ranked} whose end points differ from every better one's. */
    private static List<TrialRecord> distinct(List<TrialRecord> ranked, int max, UnitBoxMapping space, FitState s) {
        List<TrialRecord> out = new ArrayList<>();
        for (TrialRecord t : ranked) {
            if (out.size() == max) {
                break;
            }
            boolean same = false;
            for (TrialRecord o : out) {
                same |= sameMinimum(t.end(), o.end(), space, s.free);
            }
            if (!same) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Two local fits ended in the same minimum when every free parameter agrees to 1e-5 relative, or to 1e-9 of its
     * search width (local fits of one basin on one sample agree to about their tolerance, 1e-8).
     */
    static boolean sameMinimum(double[] a, double[] b, UnitBoxMapping space, int[] free) {
        for (int i = 0; i < free.length; i++) {
            int k = free[i];
            var d = space.dimensions().get(i);
            double tol = 1e-5 * (Math.abs(a[k]) + Math.abs(b[k])) + 1e-9 * (d.hi() - d.lo());
            if (!(Math.abs(a[k] - b[k]) <= tol)) {
                return false;
            }
        }
        return true;
    }

    private static long pow(int base, int exp) {
        long r = 1;
        for (int i = 0; i < exp; i++) {
            r *= base;
        }
        return r;
    }
}
