package io.streamlsq.search.lib;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.Rng;
import io.streamlsq.search.SearchState;
import io.streamlsq.search.Trial;

/**
 * Several runs of one {@link CallbackOptimizer}, each an {@link InvertedCallbackOptimizer} in a slot, behind one
 * ask/tell interface (replaces cotengra's {@code HyperScipySampler}). Many trials can be in flight, at most one per
 * slot.
 *
 * <p>{@link #ask(int)} hands out trials only from <b>idle</b> workers (no outstanding trial), in slot order, creating
 * slots up to {@code maxWorkers}; it never waits for a busy worker (it waits only for an idle worker's library to
 * compute its next point). When every slot is busy it returns fewer trials, possibly none. A worker whose run ends
 * (converged, or out of its own {@code maxEval}) is closed and, with restarts on, replaced by run {@code r + 1} of the
 * slot: seed {@code s = Rng.derive(baseSeed, method, slot, r)}, start point the first d uniform draws of
 * {@code Rng.of(s)}, library seed the next {@code nextLong()}. So restarts start at distinct points and the whole
 * search is deterministic for a seed as long as the ask/tell sequence is.
 *
 * <p>{@link #tell} and {@link #abandon} go to the owning worker (abandon tells it +∞). A tell for an abandoned trial,
 * or for a trial whose worker has been replaced meanwhile, is ignored and counted ({@link #staleTells()}); a tell for
 * an id never asked is an {@link IllegalArgumentException}. A library exception surfaces from {@code ask} (an
 * {@link IllegalStateException} naming the method, cause the library's exception) and is never retried: a run that
 * ends without proposing a single trial is also an error, so a failing configuration cannot loop on restarts. A run
 * the library ends with a numerical exception after evaluating ({@link InvertedCallbackOptimizer.End#NUMERICAL}, e.g.
 * BOBYQA failing to reduce its model near convergence) is restarted like a converged one, kept in {@link #runs()} and
 * counted ({@link #numericalEnds()}); {@code maxNumericalInARow} such ends in a row make every later ask throw.
 *
 * <p>Not checkpointable ({@link InvertedCallbackOptimizer}). Not thread-safe, except {@link #close()}, which may be
 * called from any thread.
 */
public final class WorkerPool implements AskTellOptimizer {

    /** How {@code ask} picks a worker. */
    enum Dispatch {
        /** The next idle worker in slot order; never waits for a busy one. */
        IDLE,
        /** cotengra's plain round robin: waits for the next worker even when it is busy (deadlocks; tests only). */
        ROUND_ROBIN
    }

    /**
     * Settings.
     *
     * @param maxWorkers slots ≥ 1 (≥ the trials the caller keeps in flight)
     * @param restarts whether a slot whose run ended starts a fresh one (else the slot stays empty, later asks use the
     *     next slots, and the pool is exhausted once every slot has run once)
     * @param maxNumericalInARow runs in a row that may end {@link InvertedCallbackOptimizer.End#NUMERICAL} before the
     *     pool gives up (≥ 1): the next ask then throws, the last run's exception as cause
     * @param askTimeout the longest wait for one library to compute its next point
     * @param joinTimeout the longest wait for one thread to stop in close
     */
    public record Settings(int maxWorkers, boolean restarts, int maxNumericalInARow, Duration askTimeout,
            Duration joinTimeout) {
        public Settings {
            Objects.requireNonNull(askTimeout, "askTimeout");
            Objects.requireNonNull(joinTimeout, "joinTimeout");
            if (maxWorkers < 1 || maxNumericalInARow < 1 || askTimeout.isNegative() || askTimeout.isZero()
                    || joinTimeout.isNegative()) {
                throw new IllegalArgumentException("worker pool settings " + this
                        + " violate maxWorkers >= 1, maxNumericalInARow >= 1, askTimeout > 0, joinTimeout >= 0");
            }
        }

        /** {@code maxWorkers} slots, restarts on, at most 5 numerical ends in a row, default timeouts. */
        public static Settings of(int maxWorkers) {
            return new Settings(maxWorkers, true, 5, InvertedCallbackOptimizer.DEFAULT_ASK_TIMEOUT,
                    InvertedCallbackOptimizer.DEFAULT_JOIN_TIMEOUT);
        }
    }

    /**
     * One finished (or, in {@link #runs()}, current) run.
     *
     * @param slot its slot
     * @param restart its number within the slot (0 = first run)
     * @param seed its derived seed
     * @param start its start point
     * @param librarySeed the seed the library got
     * @param evaluations values it was told
     * @param end how it ended ({@code RUNNING} for a current run that has not)
     * @param reason the library's exception when it ended NUMERICAL or FAILED, else null
     */
    public record Run(int slot, int restart, long seed, double[] start, long librarySeed, int evaluations,
            InvertedCallbackOptimizer.End end, Throwable reason) {
    }

    private record Owner(int slot, int restart, long workerId) {
    }

    private static final class Slot {
        /** Null until the slot's first run; volatile so that close() on another thread sees every run. */
        volatile InvertedCallbackOptimizer worker;
        int restart;
        long seed;
        long librarySeed;
        boolean done;
    }

    private final String method;
    private final int d;
    private final CallbackOptimizer library;
    private final long baseSeed;
    private final Settings settings;
    private final Dispatch dispatch;
    private final Slot[] slots;
    private final Map<Long, Owner> owners = new HashMap<>();
    private final Set<Long> abandoned = new HashSet<>();
    private final List<Run> finished = new ArrayList<>();
    private long nextId;
    private long staleTells;
    private int numericalEnds;
    private int numericalInARow;
    private int roundRobin;
    private volatile boolean closed;
    /** Set when a run ended without proposing anything: every later ask throws it (no restart loop). */
    private IllegalStateException broken;

    public WorkerPool(String method, int dimensions, CallbackOptimizer library, long baseSeed, Settings settings) {
        this(method, dimensions, library, baseSeed, settings, Dispatch.IDLE);
    }

    WorkerPool(String method, int dimensions, CallbackOptimizer library, long baseSeed, Settings settings,
            Dispatch dispatch) {
        if (dimensions < 1) {
            throw new IllegalArgumentException(method + ": dimensions = " + dimensions + " violates dimensions >= 1");
        }
        this.method = Objects.requireNonNull(method, "method");
        this.d = dimensions;
        this.library = Objects.requireNonNull(library, "library");
        this.baseSeed = baseSeed;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.dispatch = Objects.requireNonNull(dispatch, "dispatch");
        this.slots = new Slot[settings.maxWorkers()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(); // all allocated here, so close() on another thread sees them (final array)
        }
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public int dimensions() {
        return d;
    }

    /** Tells ignored because their trial was abandoned or its worker replaced. */
    public long staleTells() {
        return staleTells;
    }

    /** Runs that ended {@link InvertedCallbackOptimizer.End#NUMERICAL} (each one restarted, up to the limit). */
    public int numericalEnds() {
        return numericalEnds;
    }

    /** Restarts so far (runs begun after a slot's first). */
    public int restarts() {
        int r = 0;
        for (Slot s : slots) {
            r += s.restart;
        }
        return r;
    }

    /**
     * Every run so far: the replaced ones (in the order they ended), then the current one of each slot, by slot (its
     * end is {@code RUNNING}, or {@code FAILED} after a library exception).
     */
    public List<Run> runs() {
        List<Run> all = new ArrayList<>(finished);
        for (int i = 0; i < slots.length; i++) {
            Slot s = slots[i];
            if (s.worker != null && !s.done) {
                all.add(record(i, s, s.worker.end()));
            }
        }
        return Collections.unmodifiableList(all);
    }

    /** Trials out and not yet told or abandoned. */
    public int pending() {
        return owners.size();
    }

    @Override
    public List<Trial> ask(int n) {
        if (n < 1) {
            throw new IllegalArgumentException(method + ": ask(" + n + ") needs n >= 1");
        }
        checkOpen();
        if (broken != null) {
            throw broken;
        }
        List<Trial> out = new ArrayList<>(n);
        if (dispatch == Dispatch.IDLE) {
            for (int i = 0; i < slots.length && out.size() < n; i++) {
                Slot s = slot(i);
                if (!s.done && !s.worker.busy()) {
                    addTrial(i, out);
                }
            }
        } else {
            for (int k = 0; k < n && !exhausted(); k++) {
                int i = roundRobin;
                roundRobin = (roundRobin + 1) % slots.length;
                Slot s = slot(i);
                if (!s.done) {
                    s.worker.awaitIdle(); // cotengra: blocks on a busy worker
                    addTrial(i, out);
                }
            }
        }
        return out;
    }

    private Slot slot(int i) {
        Slot s = slots[i];
        if (s.worker == null) {
            startRun(i, s);
        }
        return s;
    }

    private void startRun(int i, Slot s) {
        s.seed = Rng.derive(baseSeed, method, i, s.restart);
        Rng rng = Rng.of(s.seed);
        double[] start = new double[d];
        for (int j = 0; j < d; j++) {
            start[j] = rng.nextDouble();
        }
        s.librarySeed = rng.nextLong();
        s.worker = new InvertedCallbackOptimizer(method, library, start, s.librarySeed, i, s.restart,
                settings.askTimeout(), settings.joinTimeout());
        if (closed) { // close() raced with this ask: do not leave a worker behind
            s.worker.close();
            checkOpen();
        }
    }

    /** The slot's next trial, replacing finished runs; nothing when its run ended and restarts are off. */
    private void addTrial(int i, List<Trial> out) {
        Slot s = slots[i];
        while (true) {
            InvertedCallbackOptimizer w = s.worker;
            List<Trial> got = w.ask(1);
            if (!got.isEmpty()) {
                Trial t = got.get(0);
                long id = nextId++;
                owners.put(id, new Owner(i, s.restart, t.id()));
                out.add(new Trial(id, t.u()));
                return;
            }
            w.close();
            finished.add(record(i, s, w.end()));
            countNumerical(w);
            if (w.trialsAsked() == 0) {
                s.done = true;
                broken = new IllegalStateException("search method '" + method + "': run " + w.threadName()
                        + " ended (" + w.end() + ") without proposing a trial; not restarting it");
                throw broken;
            }
            if (!settings.restarts()) {
                s.done = true;
                return;
            }
            s.restart++;
            startRun(i, s);
        }
    }

    private Run record(int i, Slot s, InvertedCallbackOptimizer.End end) {
        InvertedCallbackOptimizer w = s.worker;
        Throwable reason = w.reason() != null ? w.reason() : w.failure();
        return new Run(i, s.restart, s.seed, w.start(), s.librarySeed, w.evaluations(), end, reason);
    }

    /** Counts numerical ends; too many in a row break the pool (no restart loop on a method that cannot work). */
    private void countNumerical(InvertedCallbackOptimizer w) {
        if (w.end() != InvertedCallbackOptimizer.End.NUMERICAL) {
            numericalInARow = 0;
            return;
        }
        numericalEnds++;
        if (++numericalInARow >= settings.maxNumericalInARow()) {
            broken = new IllegalStateException("search method '" + method + "': the last " + numericalInARow
                    + " runs all ended in a numerical failure of the library; not restarting (last: "
                    + w.reason() + ")", w.reason());
            throw broken;
        }
    }

    @Override
    public void tell(long id, double value) {
        deliver(id, value, false);
    }

    /** The owning worker is told +∞; a later tell for the trial is ignored and counted. */
    @Override
    public void abandon(long id) {
        deliver(id, Double.POSITIVE_INFINITY, true);
    }

    private void deliver(long id, double value, boolean abandon) {
        Owner o = owners.remove(id);
        if (o == null) {
            if (!abandon && abandoned.remove(id)) {
                staleTells++;
                return;
            }
            throw new IllegalArgumentException(method + ": trial " + id + " is not pending (never asked, or told"
                    + " already)");
        }
        if (abandon) {
            abandoned.add(id);
        }
        Slot s = slots[o.slot()];
        if (s.restart != o.restart() || s.done) {
            staleTells++; // its worker was replaced
            return;
        }
        s.worker.tell(o.workerId(), value);
    }

    /** With restarts on: never; without: once every slot's run has ended. */
    @Override
    public boolean exhausted() {
        if (settings.restarts()) {
            return false;
        }
        for (Slot s : slots) {
            if (s.worker == null || !s.done) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean checkpointable() {
        return false;
    }

    @Override
    public SearchState snapshot() {
        throw InvertedCallbackOptimizer.notResumable(method);
    }

    @Override
    public void restore(SearchState state) {
        throw InvertedCallbackOptimizer.notResumable(method);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("search method '" + method + "': worker pool is closed");
        }
    }

    /**
     * Closes every worker (also waking an {@code ask} blocked in the round-robin test policy) and throws the first
     * worker's failure to stop, with the others suppressed.
     */
    @Override
    public void close() {
        closed = true;
        for (Slot s : slots) {
            InvertedCallbackOptimizer w = s.worker;
            if (w != null) {
                w.signalStop(); // all threads unwind at once, then each is joined
            }
        }
        List<InvertedCallbackOptimizer> workers = new ArrayList<>();
        for (Slot s : slots) {
            workers.add(s.worker);
        }
        Optimizers.closeAll(workers); // joins each; the first failure thrown, the others suppressed
    }
}
