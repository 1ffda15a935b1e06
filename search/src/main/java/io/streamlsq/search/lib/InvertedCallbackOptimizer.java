package io.streamlsq.search.lib;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.hipparchus.exception.LocalizedCoreFormats;
import org.hipparchus.exception.MathIllegalStateException;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.SearchState;
import io.streamlsq.search.Trial;

/**
 * One run of a {@link CallbackOptimizer} turned into an ask/tell optimizer by control inversion (the Java version of
 * cotengra's {@code ScipyAskTell}). The run executes on its own named platform thread
 * {@code asktell-<method>-<slot>-<restart>} (a daemon); each time the library calls the objective, the point (clamped
 * to {@code [0, 1]^d}) is handed over to {@link #ask} and the library thread waits until {@link #tell} delivers its
 * value. So at most one trial is outstanding: {@code ask} returns nothing while one is, and otherwise waits (up to
 * {@code askTimeout}) for the library to compute its next point or to finish.
 *
 * <p>Ends of a run ({@link #end()}): the library returns ({@link End#CONVERGED}); it throws
 * {@code MAX_COUNT_EXCEEDED} after at least one evaluation ({@link End#BUDGET}); it throws another Hipparchus
 * {@code MathIllegalStateException} after at least one evaluation ({@link End#NUMERICAL}, the exception kept in
 * {@link #reason()}); it throws anything else, or anything before its first evaluation ({@link End#FAILED}: the
 * exception is kept and every later {@code ask} throws an {@link IllegalStateException} naming the method and the
 * thread, with the library's exception as cause; nothing restarts it); or {@link #close()} stops it
 * ({@link End#STOPPED}). After any end but FAILED, {@code ask} returns nothing.
 *
 * <p>{@code close()} sets a flag, wakes the objective if it waits for a value, and the objective throws a private
 * {@code StopSignal} that unwinds the library (which must not catch it: each adapter is tested for that); then it joins
 * the thread. A library busy outside the objective only notices at its next objective call; if the thread has not
 * stopped within {@code joinTimeout}, it is interrupted and {@code close()} throws an {@link IllegalStateException}
 * naming it (it is a daemon and does not keep the JVM alive, but it is reported, never silently abandoned).
 *
 * <p>Not checkpointable: the library's state lives on a blocked thread, so {@link #snapshot()} and
 * {@link #restore(SearchState)} throw; a resumed search starts such a method afresh. Thread-safety: ask, tell and
 * abandon are meant for one driving thread; {@link #close()} may be called from any thread.
 */
public final class InvertedCallbackOptimizer implements AskTellOptimizer {

    /** How a run ended. */
    public enum End {
        /** Not yet. */
        RUNNING,
        /** The library returned its result. */
        CONVERGED,
        /** An evaluation or iteration counter of the library ran out ({@code MAX_COUNT_EXCEEDED}). */
        BUDGET,
        /**
         * The library gave up with a {@code MathIllegalStateException} after evaluating at least one point (e.g.
         * BOBYQA's "trust region step has failed to reduce Q" near convergence): a numerical end of this run, kept in
         * {@link #reason()}; a pool restarts such runs and counts them.
         */
        NUMERICAL,
        /** close() stopped it. */
        STOPPED,
        /** Any other exception, or one before the first evaluation: kept in {@link #failure()}, rethrown by ask. */
        FAILED
    }

    /** The default wait for the library's next point. */
    public static final Duration DEFAULT_ASK_TIMEOUT = Duration.ofSeconds(60);
    /** The default wait for the thread to stop in {@link #close()}. */
    public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofSeconds(2);

    /** Unwinds the library from the objective; private so no library can know to catch it. */
    private static final class StopSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopSignal() {
            super("ask/tell optimizer closed", null, false, false);
        }
    }

    private final String method;
    private final CallbackOptimizer library;
    private final double[] start;
    private final long seed;
    private final String threadName;
    private final Duration askTimeout;
    private final Duration joinTimeout;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private Thread thread;
    private double[] proposed;
    private long outstanding = -1;
    private boolean hasValue;
    private double value;
    private boolean stopping;
    private End end = End.RUNNING;
    private Throwable failure;
    private Throwable reason;
    private CallbackOptimizer.RunResult result;
    private long nextId;
    private int evaluations;

    /**
     * A run that has not started yet (its thread starts at the first {@link #ask}).
     *
     * @param method the method's name (in thread names and messages)
     * @param library the callback optimizer
     * @param start the start point in {@code [0, 1]^d} (copied); its length is d
     * @param seed the run's seed, passed to the library
     * @param slot the worker's slot (thread name)
     * @param restart the restart number (thread name)
     */
    public InvertedCallbackOptimizer(String method, CallbackOptimizer library, double[] start, long seed, int slot,
            int restart) {
        this(method, library, start, seed, slot, restart, DEFAULT_ASK_TIMEOUT, DEFAULT_JOIN_TIMEOUT);
    }

    public InvertedCallbackOptimizer(String method, CallbackOptimizer library, double[] start, long seed, int slot,
            int restart, Duration askTimeout, Duration joinTimeout) {
        this.method = Objects.requireNonNull(method, "method");
        this.library = Objects.requireNonNull(library, "library");
        if (start.length < 1) {
            throw new IllegalArgumentException(method + ": start point of dimension 0");
        }
        this.start = HipparchusOptimizers.clamp(start);
        this.seed = seed;
        this.threadName = "asktell-" + method + "-" + slot + "-" + restart;
        this.askTimeout = Objects.requireNonNull(askTimeout, "askTimeout");
        this.joinTimeout = Objects.requireNonNull(joinTimeout, "joinTimeout");
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public int dimensions() {
        return start.length;
    }

    /** The start point (a copy). */
    public double[] start() {
        return start.clone();
    }

    /** The run's seed. */
    public long seed() {
        return seed;
    }

    /** {@code asktell-<method>-<slot>-<restart>}. */
    public String threadName() {
        return threadName;
    }

    /** How the run ended so far. */
    public End end() {
        lock.lock();
        try {
            return end;
        } finally {
            lock.unlock();
        }
    }

    /** The library's result when it returned ({@link End#CONVERGED}), else null. */
    public CallbackOptimizer.RunResult result() {
        lock.lock();
        try {
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** The library's exception ({@link End#FAILED}), else null. */
    public Throwable failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /** The library's exception when the run ended {@link End#NUMERICAL}, else null. */
    public Throwable reason() {
        lock.lock();
        try {
            return reason;
        } finally {
            lock.unlock();
        }
    }

    /** Values told (or abandoned) so far. */
    public int evaluations() {
        lock.lock();
        try {
            return evaluations;
        } finally {
            lock.unlock();
        }
    }

    /** Trials handed out so far. */
    public long trialsAsked() {
        lock.lock();
        try {
            return nextId;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a trial is out and its value not yet told. */
    public boolean busy() {
        lock.lock();
        try {
            return outstanding >= 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * At most one trial: none while one is outstanding or after the run ended; otherwise waits for the library's next
     * point.
     *
     * @throws IllegalStateException when the library failed (cause: its exception), when this optimizer is closed, or
     *     when the library computes for longer than {@code askTimeout} without asking for a value
     */
    @Override
    public List<Trial> ask(int n) {
        if (n < 1) {
            throw new IllegalArgumentException(method + ": ask(" + n + ") needs n >= 1");
        }
        lock.lock();
        try {
            checkUsable();
            if (outstanding >= 0 || end != End.RUNNING && proposed == null) {
                return List.of();
            }
            if (thread == null) {
                thread = new Thread(this::run, threadName);
                thread.setDaemon(true);
                thread.start();
            }
            long left = askTimeout.toNanos();
            while (proposed == null && end == End.RUNNING && !stopping) {
                if (left <= 0) {
                    throw new IllegalStateException(method + ": the library on thread " + threadName
                            + " computed for more than " + askTimeout.toMillis() + " ms without asking for a value");
                }
                left = changed.awaitNanos(left);
            }
            checkUsable();
            if (proposed == null) {
                return List.of();
            }
            Trial t = new Trial(nextId, proposed.clone());
            outstanding = nextId++;
            proposed = null;
            return List.of(t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + ": interrupted while waiting for thread " + threadName, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits without limit until no trial is outstanding (cotengra's round-robin behaviour, for the deadlock test) or
     * this optimizer is closed.
     */
    void awaitIdle() {
        lock.lock();
        try {
            while (outstanding >= 0 && !stopping) {
                changed.awaitUninterruptibly();
            }
            checkUsable();
        } finally {
            lock.unlock();
        }
    }

    private void checkUsable() {
        if (failure != null) {
            throw new IllegalStateException("search method '" + method + "' failed in the library on thread "
                    + threadName + ": " + failure, failure);
        }
        if (stopping) {
            throw new IllegalStateException("search method '" + method + "': worker " + threadName + " is closed");
        }
    }

    @Override
    public void tell(long id, double value) {
        lock.lock();
        try {
            if (id != outstanding || id < 0) {
                throw new IllegalArgumentException(method + " (" + threadName + "): trial " + id
                        + " is not outstanding (never asked, or told already)");
            }
            if (stopping) {
                throw new IllegalStateException("search method '" + method + "': worker " + threadName + " is closed");
            }
            outstanding = -1;
            evaluations++;
            this.value = AskTellOptimizer.score(value);
            hasValue = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Tells +∞. */
    @Override
    public void abandon(long id) {
        tell(id, Double.POSITIVE_INFINITY);
    }

    /** True once the run has ended (converged, out of budget, failed or stopped) and its last point was handed out. */
    @Override
    public boolean exhausted() {
        lock.lock();
        try {
            return end != End.RUNNING && proposed == null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean checkpointable() {
        return false;
    }

    @Override
    public SearchState snapshot() {
        throw notResumable(method);
    }

    @Override
    public void restore(SearchState state) {
        throw notResumable(method);
    }

    static UnsupportedOperationException notResumable(String method) {
        return new UnsupportedOperationException("search method '" + method + "' runs a library optimizer on its own"
                + " thread and is not resumable mid-search: no snapshot or restore (a resumed search starts it"
                + " afresh)");
    }

    /**
     * Stops the run: wakes the objective, unwinds the library with the stop signal and joins the thread.
     *
     * @throws IllegalStateException naming the thread when it has not stopped within {@code joinTimeout} (it keeps
     *     running as a daemon until the library next calls the objective)
     */
    @Override
    public void close() {
        Thread t = signalStop();
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        try {
            t.join(joinTimeout.toMillis());
            if (t.isAlive()) {
                t.interrupt();
                t.join(Math.max(1, joinTimeout.toMillis() / 4));
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            throw new IllegalStateException("search method '" + method + "': thread " + threadName
                    + " did not stop within " + joinTimeout.toMillis() + " ms after close (busy inside the library;"
                    + " it stops at its next objective call)");
        }
    }

    /** Sets the stop flag and wakes the library thread (close's first step; a pool signals all before joining). */
    Thread signalStop() {
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
            return thread;
        } finally {
            lock.unlock();
        }
    }

    /** The library thread. */
    private void run() {
        End how;
        CallbackOptimizer.RunResult r = null;
        Throwable error = null;
        Throwable numerical = null;
        try {
            r = library.minimize(this::objective, start.clone(), seed);
            how = End.CONVERGED;
        } catch (StopSignal s) {
            how = End.STOPPED;
        } catch (Throwable e) {
            boolean evaluated = evaluations() > 0;
            if (evaluated && isCountExceeded(e)) {
                how = End.BUDGET;
            } else if (evaluated && e instanceof MathIllegalStateException && !hasStopSignal(e)) {
                how = End.NUMERICAL;
                numerical = e;
            } else {
                how = End.FAILED;
                error = e;
            }
        }
        lock.lock();
        try {
            if (stopping && how == End.FAILED && hasStopSignal(error)) {
                how = End.STOPPED; // wrapped by the library, still our signal
                error = null;
            }
            end = how;
            result = r;
            failure = error;
            reason = numerical;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static boolean isCountExceeded(Throwable e) {
        return e instanceof MathIllegalStateException m && m.getSpecifier() == LocalizedCoreFormats.MAX_COUNT_EXCEEDED;
    }

    private static boolean hasStopSignal(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof StopSignal) {
                return true;
            }
        }
        return false;
    }

    /** The objective the library calls: hands the clamped point over and waits for its value. */
    private double objective(double[] x) {
        double[] u = HipparchusOptimizers.clamp(x);
        lock.lock();
        try {
            if (stopping) {
                throw new StopSignal();
            }
            proposed = u;
            changed.signalAll();
            while (!hasValue && !stopping) {
                changed.awaitUninterruptibly();
            }
            if (stopping) {
                throw new StopSignal();
            }
            hasValue = false;
            return value;
        } finally {
            lock.unlock();
        }
    }
}
