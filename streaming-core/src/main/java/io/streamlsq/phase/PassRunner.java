package io.streamlsq.phase;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.accumulate.ExtraRows;
import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.exec.PassRequest;
import io.streamlsq.exec.PassResult;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.resume.PendingPass;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs full passes for the phases: one evaluator per worker (made once per fit), counts passes and row
 * evaluations, tells listeners, and turns bad data into an {@link InvalidDataException}.
 */
final class PassRunner {
    private final FitState state;
    private final PassExecutor executor;
    private final Listeners listeners;
    private final List<ChunkEvaluator> evaluators = new ArrayList<>();
    private final List<String> columns;

    PassRunner(FitState state, PassExecutor executor, Listeners listeners) {
        this.state = state;
        this.executor = executor;
        this.listeners = listeners;
        FitProblem problem = state.problem;
        this.columns = problem.columns();
        for (int w = 0; w < executor.workers(); w++) {
            evaluators.add(new ChunkEvaluator(problem.model(), state.free, columns, problem.isWeighted(),
                    problem.loss(), state.options.blockRows(), problem.curvature(), problem.smoothness()));
        }
    }

    /**
     * Before a resumed fit reports: reads the chunks it summed before the checkpoint and has not read since,
     * to check that they are still what the answer rests on.
     */
    void verifyEarlierReads() throws IOException {
        verify(state.problem.source(), state.digests.unchecked());
    }

    /**
     * Reads the given chunks (increasing) only to check their digests, no model evaluation; a sequential source
     * is read from its start up to the last of them, checking every chunk on the way.
     */
    private void verify(DataSource source, long[] chunks) throws IOException {
        if (chunks.length == 0) {
            return;
        }
        boolean seek = source.isRandomAccess();
        long last = chunks[chunks.length - 1];
        try (io.streamlsq.data.ChunkCursor cursor = source.open(columns, seek ? chunks[0] : 0)) {
            if (seek) {
                for (long k : chunks) {
                    cursor.seek(k);
                    state.digests.check(source, nextOrRefuse(cursor, source, k));
                }
            } else {
                for (long k = 0; k <= last; k++) {
                    state.digests.check(source, nextOrRefuse(cursor, source, k));
                }
            }
        }
    }

    private static io.streamlsq.data.Chunk nextOrRefuse(io.streamlsq.data.ChunkCursor cursor, DataSource source, long k)
            throws IOException {
        io.streamlsq.data.Chunk chunk = cursor.next();
        if (chunk == null) {
            throw new InvalidDataException(source.describe() + " has fewer chunks (" + k
                    + ") than when the checkpoint was written: the data changed");
        }
        return chunk;
    }

    /**
     * One pass over a sample (the warmup's): counts row evaluations, not full passes, and tells no listener.
     */
    PassResult runSample(DataSource sample, double[] theta, EvalLevel level) throws IOException {
        return runSample(sample, theta, level, false);
    }

    /**
     * One pass over a sample; with {@code trackLargest} its sums also keep the row with the largest ρ and its gradient
     * ({@link NormalEquations#trackingLargestRow()}).
     */
    PassResult runSample(DataSource sample, double[] theta, EvalLevel level, boolean trackLargest) throws IOException {
        NormalEquations initial = NormalEquations.empty(state.freeCount());
        if (trackLargest) {
            initial.trackingLargestRow();
        }
        PassResult result = executor.run(new PassRequest(sample, columns, evaluators, theta, level, 0, initial, null));
        state.rowsEvaluated += result.sums().rows();
        result = withExtraRows(result, theta, sample.rowCount(), true);
        if (result.nonFinite() != null && result.nonFinite().isDataProblem()) {
            throw new InvalidDataException(state.problem.source().describe() + ": " + result.nonFinite().describe(),
                    result.nonFinite().row(), result.nonFinite().name());
        }
        return result;
    }

    /**
     * One full pass at θ.
     *
     * @throws InvalidDataException if a data value (not the model) is not finite
     */
    PassResult run(String phase, double[] theta, EvalLevel level) throws IOException {
        DataSource source = state.problem.source();
        long pass = state.passes + 1;
        listeners.onPassStart(phase, pass, level, source.chunkCount(), source.rowCount());
        io.streamlsq.exec.PassObserver observer = state.checkpointer.observe(pass, theta, level, state.digests,
                (next, rows, partial) -> listeners.onPassProgress(next, rows));
        NormalEquations.Form form = level == EvalLevel.NORMAL ? state.solver : NormalEquations.Form.GRAM;
        PassRequest request = PassRequest.full(source, columns, evaluators, theta, level, form, observer)
                .withDigests(state.digests);
        PendingPass pending = state.resumePending;
        if (pending != null && pending.pass() <= pass) {
            state.resumePending = null;
            if (pending.pass() == pass && java.util.Arrays.equals(pending.theta(), theta)
                    && pending.level().equals(level.name())) {
                // the pass a checkpoint caught half done: go on from its cursor with its partial sums, once the
                // chunks behind those sums are checked to be the ones they were made of
                verify(source, java.util.stream.LongStream.range(0, pending.nextChunk()).toArray());
                request = new PassRequest(source, columns, evaluators, theta, level, pending.nextChunk(),
                        NormalEquations.fromArray(state.freeCount(), pending.sums(), form).withSeries(pending.series(),
                                state.problem.curvature(), state.problem.smoothness()),
                        observer, state.digests);
            } else {
                state.warnings.add("the checkpoint's pass in progress (pass " + pending.pass()
                        + ") did not match the resumed fit's; it was run again from its first chunk");
            }
        }
        PassResult result = executor.run(request);
        state.passes++;
        state.rowsEvaluated += result.sums().rows();
        listeners.onPassEnd(phase, pass);
        result = withExtraRows(result, theta, source.rowCount(), false);
        if (result.nonFinite() != null && result.nonFinite().isDataProblem()) {
            throw new InvalidDataException(source.describe() + ": " + result.nonFinite().describe(),
                    result.nonFinite().row(), result.nonFinite().name());
        }
        if (result.isFinite()) {
            long rows = result.sums().rows();
            if (rows == 0) {
                throw new InvalidDataException(io.streamlsq.data.NoRows.message(source));
            }
            if (rows < state.freeCount()) {
                throw new InvalidDataException(source.describe() + " has " + rows + " rows but "
                        + state.freeCount() + " free parameters; a fit needs at least as many rows as free parameters");
            }
        }
        return result;
    }

    /**
     * The pass with the series' end rows (curvature and smoothness terms) and the model's {@link ExtraRows}
     * (penalties) added to its sums, once, after all chunks.
     */
    private PassResult withExtraRows(PassResult r, double[] theta, long dataRows, boolean sample) {
        if (r.nonFinite() != null) {
            return r;
        }
        if (r.sums().hasOpenSeries()) {
            if (r.sums().rows() < 2) {
                // a sample pass (the warmup's) names its sample, not the data: the data may have many rows
                throw new InvalidDataException((sample ? "the warmup's sample of " + state.problem.source().describe()
                        + " (whole chunks up to --warmup-sample-rows)" : state.problem.source().describe()) + " has "
                        + r.sums().rows() + " rows; the curvature and smoothness terms need a residual series of at"
                        + " least 2 rows" + (sample ? ": give a larger warmup sample" : ""));
            }
            r.sums().finishSeries();
        }
        io.streamlsq.accumulate.NonFinite bad = ExtraRows.addTo(state.problem.model(), theta, state.free, dataRows, r.sums());
        return bad == null ? r : new PassResult(r.sums(), bad, r.chunks());
    }
}
