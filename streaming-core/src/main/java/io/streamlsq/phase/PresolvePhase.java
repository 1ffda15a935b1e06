package io.streamlsq.phase;

import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.SampledDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.result.Termination;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Phase "presolve": the Levenberg-Marquardt phase run on growing samples of the data (evenly spaced chunks: 4, 16,
 * 64, … of them, each stage at most a quarter of the data) before the full-data Gauss-Newton phase, so that phase
 * starts next to the full-data optimum and needs two or three full passes instead of ten. Each stage starts where
 * the previous one ended; the stages stop growing once a stage's optimum moved less than half a standard error
 * (of that stage's own fit) from the previous one: the sample then resolves nothing more that the full data
 * needs. Sample passes count as row evaluations, not as full passes. At the end, the point must have a lower cost
 * than the phase's start on the last sample, or the Gauss-Newton phase starts from the start.
 *
 * <p>A stage that does not converge (its sample cannot determine the parameters, or the model fails there) ends the
 * phase with the point of the last stage that did, or the starting point. A resume point is written before each
 * stage; a stage resumed runs again from its start (it is deterministic, so the bits are the same).
 */
final class PresolvePhase implements Phase {
    static final String NAME = "presolve";
    /** Chunks of the first stage, and the growth factor between stages. */
    static final int FIRST = 4;
    static final int GROWTH = 4;
    /** Sample passes a stage may spend. */
    static final int STAGE_PASSES = 100;
    /** Tolerance of a stage: its optimum needs a few percent of the sample's standard errors, not more. */
    static final double STAGE_TOLERANCE = 1e-8;

    private final PassExecutor executor;
    private final Ticker ticker;

    PresolvePhase(PassExecutor executor, Ticker ticker) {
        this.executor = executor;
        this.ticker = ticker;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Rows a stage needs at least: fewer cannot stand for the data (NIST's 30-row subsets led Hahn1 astray). */
    static final long MIN_STAGE_ROWS = 10_000;

    /** Chunk counts of the stages for a source of {@code chunks} chunks: 4, 16, 64, … while at most chunks / 4. */
    static List<Integer> stages(long chunks) {
        return stages(chunks, Long.MAX_VALUE);
    }

    /** The stages for {@code chunks} chunks of {@code rows} rows in all, without those under {@link #MIN_STAGE_ROWS}. */
    static List<Integer> stages(long chunks, long rows) {
        List<Integer> s = new ArrayList<>();
        for (long c = FIRST; c <= chunks / 4; c *= GROWTH) {
            if ((double) rows / chunks * c >= MIN_STAGE_ROWS) {
                s.add((int) c);
            }
        }
        return s;
    }

    @Override
    public int run(FitState s) throws IOException {
        DataSource source = s.problem.source();
        List<Integer> stages = source.isRandomAccess() && source.chunkCount() > 0
                ? stages(source.chunkCount(), source.rowCount()) : List.of();
        if (s.presolveStart == null) {
            s.presolveStart = s.theta.clone(); // kept in checkpoints: the check at the end compares with it
        }
        // the chunks of the last stage that converged (stages before a resumed one all did)
        int last = s.presolveStage > 0 && s.presolveStage <= stages.size() ? stages.get(s.presolveStage - 1) : -1;
        int iterations = 0;
        for (int k = s.presolveStage; k < stages.size(); k++) {
            s.presolveStage = k;
            s.checkpointer.boundary(s, NAME, null, k > 0); // a stage's work is worth a write, as a phase's is
            if (s.options.maxTime() != null && ticker.nanos() - s.startNanos >= s.options.maxTime().toNanos()) {
                break; // the Gauss-Newton phase reports the limit
            }
            Stage r = stage(s, stages.get(k));
            iterations += r.iterations;
            if (!r.converged) {
                s.presolveOutcome = String.format(Locale.ROOT, "stage %d (%d rows) did not converge (%s); Gauss-Newton"
                        + " starts from the point before it", k + 1, r.rows, r.why);
                break;
            }
            double[] before = s.theta;
            s.theta = r.theta;
            last = stages.get(k);
            s.q = null; // the Gauss-Newton phase steps from θ again
            s.presolveOutcome = String.format(Locale.ROOT, "%d stage%s, last %d rows", k + 1, k == 0 ? "" : "s", r.rows);
            if (k > 0 && movedLessThanHalfAStandardError(s, before, r)) {
                s.presolveOutcome += " (its optimum moved less than half a standard error)";
                break;
            }
        }
        if (last > 0 && !betterThanTheStart(s, last)) {
            s.presolveOutcome += "; but its point was no better than the start on that sample: Gauss-Newton starts from the"
                    + " start";
            s.theta = s.presolveStart.clone();
            s.q = null;
        }
        s.presolveStage = stages.size();
        if (stages.isEmpty()) {
            s.presolveOutcome = "not run: too little data (a stage needs 4 chunks and 10^4 rows, at most a quarter of the"
                    + " data) or data read sequentially";
        }
        return iterations;
    }

    /**
     * Whether the presolve's point has a lower cost than the phase's start on the last stage's sample (one COST pass
     * over it for each point): a sample can pull a fit into another basin, and the full data must not pay for that.
     */
    private boolean betterThanTheStart(FitState s, int chunks) throws IOException {
        DataSource sample = sample(s, chunks);
        FitState sub = subState(s, sample);
        PassRunner passes = new PassRunner(sub, executor, new Listeners(List.of()));
        var atStart = passes.run(NAME, s.presolveStart, io.streamlsq.model.EvalLevel.COST);
        var atPoint = passes.run(NAME, s.theta, io.streamlsq.model.EvalLevel.COST);
        s.rowsEvaluated += sub.rowsEvaluated;
        return atPoint.isFinite() && (!atStart.isFinite() || atPoint.sums().cost() < atStart.sums().cost());
    }

    private static DataSource sample(FitState s, int chunks) {
        DataSource full = s.problem.source();
        // the sample takes whole chunks up to a row budget: budget the largest chunk, so it takes `chunks` of them
        long rowsPerChunk = Math.max(1, Math.max(full.maxChunkRows(), -Math.floorDiv(-full.rowCount(), full.chunkCount())));
        return SampledDataSource.of(full, chunks * rowsPerChunk);
    }

    private FitState subState(FitState s, DataSource sample) {
        FitOptions o = s.options.toBuilder().presolve(false).ftol(STAGE_TOLERANCE).xtol(STAGE_TOLERANCE)
                .maxPasses(STAGE_PASSES).maxTime(null).build();
        FitState sub = new FitState(s.problem.withSource(sample), o, ticker.nanos());
        sub.theta = s.theta.clone();
        sub.scaling = s.scaling;
        sub.fingerprint = s.fingerprint;
        sub.checkpointer = s.checkpointer.nestedStopOnly(); // a stop does not wait for the stage to end
        return sub;
    }

    private record Stage(boolean converged, double[] theta, double[] stderr, long rows, int iterations, String why) {
    }

    /** The Gauss-Newton phase on {@code chunks} evenly spaced chunks, from θ, with nothing of it in {@code s}. */
    private Stage stage(FitState s, int chunks) throws IOException {
        DataSource sample = sample(s, chunks);
        FitState sub = subState(s, sample);
        PassRunner passes = new PassRunner(sub, executor, new Listeners(List.of()));
        // bad data on the sample throws InvalidDataException, as the full pass would
        int it = new GaussNewtonPhase(passes, new Listeners(List.of()), ticker).run(sub);
        s.rowsEvaluated += sub.rowsEvaluated;
        long rows = sub.current != null ? sub.current.rows() : sample.rowCount();
        if (!(sub.termination instanceof Termination.Converged) || sub.current == null) {
            return new Stage(false, null, null, rows, it, sub.termination == null ? "no result" : sub.termination.reason());
        }
        return new Stage(true, sub.theta, standardErrors(sub), rows, it, null);
    }

    /** Standard errors of the free parameters at the end of a stage (s² from the stage's own residuals). */
    private static double[] standardErrors(FitState sub) {
        NormalEquations ne = sub.current;
        List<String> names = new ArrayList<>();
        for (int k : sub.free) {
            names.add(sub.problem.parameterNames().get(k));
        }
        Covariance c = ne.form() == NormalEquations.Form.QR ? Covariance.fromFactor(ne.rMatrix(), names)
                : Covariance.invert(ne.jtjMatrix(), names);
        long dof = ne.rows() - sub.freeCount();
        double s2 = dof > 0 ? 2 * ne.cost() / dof : Double.NaN;
        double[] se = new double[sub.freeCount()];
        for (int i = 0; i < se.length; i++) {
            se[i] = Math.sqrt(s2 * c.inverse()[i][i]);
        }
        return se;
    }

    private static boolean movedLessThanHalfAStandardError(FitState s, double[] before, Stage r) {
        for (int i = 0; i < s.freeCount(); i++) {
            int k = s.free[i];
            if (!(Math.abs(r.theta[k] - before[k]) <= 0.5 * r.stderr[i])) {
                return false;
            }
        }
        return true;
    }
}
