package io.streamlsq.phase;

import io.streamlsq.exec.PassObserver;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.resume.FitInterruptedException;
import io.streamlsq.resume.FitSnapshot;
import io.streamlsq.resume.PendingPass;
import io.streamlsq.resume.WarmupSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * Takes a snapshot at every resume point and writes a checkpoint when the policy says so: at phase
 * changes, when the interval has passed (checked at resume points and chunk merges), every N merged
 * chunks, and when a stop is requested — then it throws {@link FitInterruptedException} after the write.
 * A write inside a pass stores the last resume point plus the pass's cursor and partial sums.
 */
final class Checkpointer {
    static final Checkpointer NONE = new Checkpointer(null, null, null);

    private final Checkpointing config;
    private final Ticker ticker;
    private final Function<FitSnapshot, Checkpoint> assemble;
    private Checkpoint boundary;
    private long lastWrite;
    private long chunksSinceWrite;
    /** For a fit nested in a phase of {@code outer}'s fit: no checkpoints of its own, only {@code outer}'s stop. */
    private final Checkpointer outer;

    Checkpointer(Checkpointing config, Ticker ticker, Function<FitSnapshot, Checkpoint> assemble) {
        this.config = config;
        this.ticker = ticker;
        this.assemble = assemble;
        this.lastWrite = ticker == null ? 0 : ticker.nanos();
        this.outer = null;
    }

    private Checkpointer(Checkpointer outer) {
        this.config = null;
        this.ticker = null;
        this.assemble = null;
        this.outer = outer;
    }

    /**
     * The checkpointer of a fit nested in one of this fit's phases (the presolve's stages on samples): it writes no
     * checkpoint of its own, but a stop requested at any of its resume points or chunk merges writes this fit's last
     * resume point (the stage's start) and stops, so a stop does not wait for the nested fit to end; the resume
     * runs that stage again from its start, with the same bits.
     */
    Checkpointer nestedStopOnly() {
        return config == null ? NONE : new Checkpointer(this);
    }

    /** A stop requested: writes the last resume point and throws; otherwise nothing. */
    private void stopIfRequested() throws IOException {
        if (config.stopRequested().getAsBoolean()) {
            if (boundary != null) {
                write(boundary);
            }
            throw interrupted();
        }
    }

    boolean active() {
        return config != null;
    }

    /** A resume point: {@code phase} continues from here; {@code phaseChange} forces a write (by policy). */
    void boundary(FitState s, String phase, WarmupSnapshot warmup, boolean phaseChange) throws IOException {
        if (outer != null) {
            outer.stopIfRequested();
            return;
        }
        if (config == null) {
            return;
        }
        boundary = assemble.apply(Snapshots.of(s, phase, warmup, ticker.nanos()));
        boolean stop = config.stopRequested().getAsBoolean();
        if ((phaseChange && config.policy().atPhaseChange()) || intervalPassed() || stop) {
            write(boundary);
        }
        if (stop) {
            throw interrupted();
        }
    }

    /**
     * After a resume: {@code resumePoint} (the checkpoint's resume point, without its pass in progress) is the
     * boundary, so the pass the resume continues can again be checkpointed — and stopped — half done, as the run
     * that wrote it could (before, the first write after a resume waited for the next resume point).
     */
    void resumedFrom(Checkpoint resumePoint) {
        if (config != null && resumePoint != null && resumePoint.fit() != null) {
            boundary = resumePoint;
        }
    }

    /** A write outside the fit's phases (the schedule between phases). */
    void writeNow(Checkpoint c) throws IOException {
        if (config != null) {
            boundary = c;
            write(c);
            if (config.stopRequested().getAsBoolean()) {
                throw interrupted();
            }
        }
    }

    /**
     * {@code inner}, plus checkpoints of pass {@code pass} (at θ, {@code level}) by policy, with the digests of
     * the chunks read so far (those behind the partial sums included).
     */
    PassObserver observe(long pass, double[] theta, EvalLevel level, io.streamlsq.data.ContentDigests digests,
            PassObserver inner) {
        if (outer != null) {
            return (next, rows, partial) -> {
                inner.onChunkMerged(next, rows, partial);
                try {
                    outer.stopIfRequested();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
        }
        if (config == null || boundary == null || boundary.fit() == null) {
            return inner;
        }
        Checkpoint at = boundary;
        double[] point = theta.clone();
        long every = config.policy().everyChunks();
        return (next, rows, partial) -> {
            inner.onChunkMerged(next, rows, partial);
            chunksSinceWrite++;
            boolean stop = config.stopRequested().getAsBoolean();
            if ((every > 0 && chunksSinceWrite >= every) || intervalPassed() || stop) {
                try {
                    write(at.withFit(at.fit().withPending(
                            new PendingPass(pass, level.name(), point, next, rows, partial.toArray(), partial.seriesToArray()))
                            .withDataDigests(digests.toArray())));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (stop) {
                throw interrupted();
            }
        };
    }

    private boolean intervalPassed() {
        return ticker.nanos() - lastWrite >= config.policy().interval().toNanos();
    }

    private void write(Checkpoint c) throws IOException {
        config.store().save(c);
        lastWrite = ticker.nanos();
        chunksSinceWrite = 0;
    }

    private FitInterruptedException interrupted() {
        return new FitInterruptedException("stopped on request; resume from " + config.store().describe()
                + " (" + boundary.where() + ")");
    }
}
