package io.streamlsq.search.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.hipparchus.exception.MathIllegalArgumentException;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.LocalizedOptimFormats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.streamlsq.search.Trial;

class WorkerPoolTest {

    private record Done(long id, double value) {
    }

    /**
     * The out-of-order driver of T4.2: keeps {@code preDispatch} trials in flight on {@code threads} evaluation
     * threads (random sleeps of 0–5 ms), tells each result as it completes and asks again, until {@code total} trials
     * are told. Records the longest ask and counts tells per id.
     */
    private static final class Driver {
        final AtomicLong longestAskNanos = new AtomicLong();
        final AtomicLong askSince = new AtomicLong(); // 0 when not inside ask
        final AtomicInteger told = new AtomicInteger();
        final List<Long> tellOrder = new ArrayList<>();

        void run(WorkerPool pool, int threads, int preDispatch, int total) throws InterruptedException {
            ExecutorService exec = Executors.newFixedThreadPool(threads);
            LinkedBlockingQueue<Done> done = new LinkedBlockingQueue<>();
            Random sleeps = new Random(42);
            try {
                int asked = 0;
                int inFlight = 0;
                while (told.get() < total) {
                    while (inFlight < preDispatch && asked < total) {
                        List<Trial> ts = timedAsk(pool, 1);
                        if (ts.isEmpty()) {
                            break;
                        }
                        Trial t = ts.get(0);
                        int sleep = sleeps.nextInt(6);
                        exec.submit(() -> {
                            Thread.sleep(sleep);
                            done.add(new Done(t.id(), TestProblems.sphere(t.u())));
                            return null;
                        });
                        asked++;
                        inFlight++;
                    }
                    Done d = done.take();
                    pool.tell(d.id(), d.value());
                    tellOrder.add(d.id());
                    told.incrementAndGet();
                    inFlight--;
                }
            } finally {
                exec.shutdownNow();
            }
        }

        private List<Trial> timedAsk(WorkerPool pool, int n) {
            long t0 = System.nanoTime();
            askSince.set(t0);
            List<Trial> ts = pool.ask(n);
            askSince.set(0);
            longestAskNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
            return ts;
        }
    }

    private static WorkerPool cmaesPool(String method, int maxWorkers, WorkerPool.Dispatch dispatch) {
        return new WorkerPool(method, 3, HipparchusOptimizers.cmaes(6, 0.3, 60), 2026, WorkerPool.Settings.of(
                maxWorkers), dispatch);
    }

    /**
     * T4.2: 4 evaluation threads, preDispatch 8, 1000 trials completed in random order: no ask waits more than 1 s,
     * every trial is told exactly once, the runs' evaluation counts add up to 1000, and no asktell-* thread of the pool
     * is alive 1 s after close. With 8 slots (cotengra's {@code max(workers, preDispatch)}) all 8 trials are in flight;
     * with 4 slots, ask returns nothing while all 4 are busy and the driver waits for a result instead.
     */
    @ParameterizedTest(name = "{0} slots")
    @ValueSource(ints = {8, 4})
    void outOfOrderCompletionDoesNotDeadlock(int slots) throws InterruptedException {
        Driver driver = new Driver();
        String name = "t42idle" + slots;
        WorkerPool pool = cmaesPool(name, slots, WorkerPool.Dispatch.IDLE);
        try {
            driver.run(pool, 4, 8, 1000);
        } finally {
            pool.close();
        }
        assertTrue(driver.longestAskNanos.get() < 1_000_000_000L, "longest ask "
                + driver.longestAskNanos.get() / 1e6 + " ms");
        assertEquals(1000, driver.tellOrder.size());
        assertEquals(1000, new HashSet<>(driver.tellOrder).size(), "each trial told exactly once");
        List<Long> sorted = new ArrayList<>(driver.tellOrder);
        sorted.sort(null);
        assertNotEquals(sorted, driver.tellOrder, "completion order differs from ask order");
        int evaluations = pool.runs().stream().mapToInt(WorkerPool.Run::evaluations).sum();
        assertEquals(1000, evaluations);
        assertEquals(slots, pool.runs().stream().mapToInt(WorkerPool.Run::slot).distinct().count());
        assertTrue(pool.restarts() > 0, "runs of 60 evaluations restarted");
        assertEquals(0, pool.staleTells());
        assertEquals(List.of(), TestProblems.awaitNoThreads("asktell-" + name + "-", 1000));
    }

    /**
     * T4.2's regression guard: the same scenario with cotengra's round robin deadlocks (the driver stays inside one ask
     * for 3 s while results wait to be told); close() from another thread then ends it cleanly.
     */
    @Test
    void roundRobinDeadlocksAndClosesCleanly() throws InterruptedException {
        Driver driver = new Driver();
        WorkerPool pool = cmaesPool("t42rr", 8, WorkerPool.Dispatch.ROUND_ROBIN);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                driver.run(pool, 4, 8, 1000);
            } catch (Throwable e) {
                ended.set(e);
            }
        }, "t42rr-driver");
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean deadlocked = false;
        while (System.nanoTime() < deadline && t.isAlive()) {
            long since = driver.askSince.get();
            if (since != 0 && System.nanoTime() - since > TimeUnit.SECONDS.toNanos(3)) {
                deadlocked = true;
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(deadlocked, "round robin should block inside ask; told " + driver.told.get());
        assertTrue(driver.told.get() < 1000);
        pool.close();
        t.join(2000);
        assertFalse(t.isAlive(), "the blocked ask returns after close");
        assertInstanceOf(IllegalStateException.class, ended.get());
        assertTrue(ended.get().getMessage().contains("closed"), ended.get().getMessage());
        assertEquals(List.of(), TestProblems.awaitNoThreads("asktell-t42rr-", 1000));
    }

    /**
     * T4.4: BOBYQA with maxEval 100 on Rosenbrock-2D in a 1000-trial budget restarts at least 5 times, with pairwise
     * distinct start points and seeds; a tell for a trial whose worker was replaced (here: abandoned, then its run
     * ended and the slot restarted) is ignored and counted.
     */
    @Test
    void bobyqaRunsOutOfBudgetAndRestartsFromDistinctPoints() {
        WorkerPool pool = new WorkerPool("bobyqa", 2, HipparchusOptimizers.bobyqa(0.1, 1e-9, 100), 4,
                WorkerPool.Settings.of(4));
        try (pool) {
            Trial abandoned = null;
            for (int i = 0; i < 1000; i++) {
                Trial t = pool.ask(1).get(0);
                if (i == 50) {
                    abandoned = t;
                    pool.abandon(t.id());
                } else {
                    pool.tell(t.id(), TestProblems.rosenbrock(t.u()));
                }
            }
            assertTrue(pool.restarts() >= 5, "restarts " + pool.restarts());
            List<WorkerPool.Run> runs = pool.runs();
            assertEquals(pool.restarts() + 1, runs.size());
            assertTrue(runs.stream().anyMatch(r -> r.end() == InvertedCallbackOptimizer.End.BUDGET), runs.toString());
            Set<Long> seeds = new HashSet<>();
            Set<Long> librarySeeds = new HashSet<>();
            Set<List<Double>> starts = new HashSet<>();
            for (WorkerPool.Run r : runs) {
                assertEquals(0, r.slot(), "sequential asks use one slot");
                seeds.add(r.seed());
                librarySeeds.add(r.librarySeed());
                starts.add(Arrays.stream(r.start()).boxed().toList());
                assertTrue(r.evaluations() <= 100);
            }
            assertEquals(runs.size(), seeds.size());
            assertEquals(runs.size(), librarySeeds.size());
            assertEquals(runs.size(), starts.size());
            assertEquals(1000, runs.stream().mapToInt(WorkerPool.Run::evaluations).sum());

            assertEquals(0, pool.staleTells());
            pool.tell(abandoned.id(), 1.0); // its run has been replaced since
            assertEquals(1, pool.staleTells());
            long neverAsked = 5000;
            assertThrows(IllegalArgumentException.class, () -> pool.tell(neverAsked, 1.0));
        }
    }

    /** T4.5: BOBYQA in 1-D: ask throws within 1 s with the library's exception as cause; no restart loop. */
    @Test
    void misconfiguredBobyqaFailsFastWithoutRestarting() {
        WorkerPool pool = new WorkerPool("bobyqa", 1, HipparchusOptimizers.bobyqa(0.1, 1e-7, 100), 4,
                WorkerPool.Settings.of(8));
        try (pool) {
            long t0 = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.ask(8));
            assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
            assertInstanceOf(MathIllegalArgumentException.class, e.getCause());
            assertTrue(e.getMessage().contains("'bobyqa'"), e.getMessage());
            IllegalStateException again = assertThrows(IllegalStateException.class, () -> pool.ask(1));
            assertSame(e.getCause(), again.getCause(), "the same failure, not a new run");
            assertEquals(0, pool.restarts());
            assertEquals(1, pool.runs().size());
            assertEquals(InvertedCallbackOptimizer.End.FAILED, pool.runs().get(0).end());
        }
        assertEquals(List.of(), TestProblems.liveThreads("asktell-bobyqa-"));
    }

    /** A run that ends without proposing anything is an error, not a restart loop. */
    @Test
    void aRunThatProposesNothingIsNotRestarted() {
        AtomicInteger runs = new AtomicInteger();
        WorkerPool pool = new WorkerPool("empty", 2, (f, start, seed) -> {
            runs.incrementAndGet();
            return new CallbackOptimizer.RunResult(start, 0);
        }, 1, WorkerPool.Settings.of(2));
        try (pool) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.ask(1));
            assertTrue(e.getMessage().contains("without proposing a trial"), e.getMessage());
            assertSame(e, assertThrows(IllegalStateException.class, () -> pool.ask(1)));
            assertEquals(1, runs.get());
            assertEquals(1, pool.runs().size());
            assertEquals(0, pool.restarts());
        }
    }

    /** A library exception after evaluations ends the run (recorded, counted) and the slot restarts. */
    @Test
    void numericalEndsRestartAndAreCounted() {
        AtomicInteger calls = new AtomicInteger();
        CallbackOptimizer sometimes = (f, start, seed) -> {
            f.value(start);
            f.value(start);
            if (calls.incrementAndGet() % 2 == 1) {
                throw new MathIllegalStateException(LocalizedOptimFormats.TRUST_REGION_STEP_FAILED, -1.0);
            }
            return new CallbackOptimizer.RunResult(start, 0);
        };
        WorkerPool pool = new WorkerPool("flaky", 2, sometimes, 1, WorkerPool.Settings.of(1));
        try (pool) {
            for (int i = 0; i < 40; i++) {
                Trial t = pool.ask(1).get(0);
                pool.tell(t.id(), 1.0);
            }
            assertEquals(10, pool.numericalEnds());
            WorkerPool.Run first = pool.runs().get(0);
            assertEquals(InvertedCallbackOptimizer.End.NUMERICAL, first.end());
            assertInstanceOf(MathIllegalStateException.class, first.reason());
            assertEquals(InvertedCallbackOptimizer.End.CONVERGED, pool.runs().get(1).end());
        }
    }

    /** Numerical ends in a row beyond the limit stop the restarts: ask throws, the last exception as cause. */
    @Test
    void numericalEndsInARowBreakThePool() {
        AtomicInteger runs = new AtomicInteger();
        CallbackOptimizer always = (f, start, seed) -> {
            runs.incrementAndGet();
            f.value(start);
            throw new MathIllegalStateException(LocalizedOptimFormats.TRUST_REGION_STEP_FAILED, -1.0);
        };
        WorkerPool pool = new WorkerPool("hopeless", 2, always, 1, WorkerPool.Settings.of(1));
        try (pool) {
            IllegalStateException e = null;
            for (int i = 0; i < 10 && e == null; i++) {
                try {
                    Trial t = pool.ask(1).get(0);
                    pool.tell(t.id(), 1.0);
                } catch (IllegalStateException x) {
                    e = x;
                }
            }
            assertNotNull(e);
            assertInstanceOf(MathIllegalStateException.class, e.getCause());
            assertTrue(e.getMessage().contains("'hopeless'") && e.getMessage().contains("5 runs"), e.getMessage());
            assertEquals(5, runs.get());
            assertEquals(5, pool.numericalEnds());
            assertSame(e, assertThrows(IllegalStateException.class, () -> pool.ask(1)));
            assertEquals(5, runs.get(), "no further run");
        }
    }

    @Test
    void askNeverWaitsForBusyWorkersAndFillsIdleSlotsInOrder() {
        WorkerPool pool = new WorkerPool("nm", 2, HipparchusOptimizers.nelderMead(0.1, 1e-10, 1e-12, 500), 9,
                WorkerPool.Settings.of(3));
        try (pool) {
            List<Trial> first = pool.ask(5);
            assertEquals(3, first.size(), "one trial per slot");
            assertEquals(List.of(), pool.ask(2), "all busy: nothing, at once");
            pool.tell(first.get(1).id(), 1.0);
            List<Trial> next = pool.ask(3);
            assertEquals(1, next.size());
            assertEquals(3, next.get(0).id());
            assertEquals(3, pool.pending());
        }
    }

    @Test
    void withoutRestartsThePoolIsExhaustedWhenItsRunsEnd() {
        WorkerPool pool = new WorkerPool("cmaes", 2, HipparchusOptimizers.cmaes(6, 0.3, 30), 9, new WorkerPool.Settings(
                2, false, 5, Duration.ofSeconds(10), Duration.ofSeconds(1)));
        try (pool) {
            int n = 0;
            while (!pool.exhausted()) {
                List<Trial> ts = pool.ask(2);
                if (ts.isEmpty()) {
                    break;
                }
                for (Trial t : ts) {
                    pool.tell(t.id(), TestProblems.sphere(t.u()));
                    n++;
                }
            }
            assertTrue(pool.exhausted());
            assertEquals(60, n);
            assertEquals(List.of(), pool.ask(1));
        }
    }

    /**
     * Closing a pool whose 8 workers all wait for tells returns within 200 ms and joins every thread (the timing in one
     * of three attempts, as in T4.3).
     */
    @Test
    void closeWithEveryWorkerWaitingIsQuick() {
        List<Long> millis = new ArrayList<>();
        for (int attempt = 0; attempt < 3 && (millis.isEmpty() || millis.get(millis.size() - 1) >= 200); attempt++) {
            String name = "t43pool" + attempt;
            WorkerPool pool = cmaesPool(name, 8, WorkerPool.Dispatch.IDLE);
            assertEquals(8, pool.ask(8).size());
            assertEquals(8, TestProblems.liveThreads("asktell-" + name + "-").size());
            long t0 = System.nanoTime();
            pool.close();
            millis.add((System.nanoTime() - t0) / 1_000_000);
            assertEquals(List.of(), TestProblems.liveThreads("asktell-" + name + "-"));
            assertTrue(pool.runs().stream().allMatch(r -> r.end() == InvertedCallbackOptimizer.End.STOPPED));
            assertThrows(IllegalStateException.class, () -> pool.ask(1));
        }
        assertTrue(millis.get(millis.size() - 1) < 200, "close took " + millis + " ms");
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> WorkerPool.Settings.of(0));
        assertThrows(IllegalArgumentException.class, () -> new WorkerPool("x", 0, HipparchusOptimizers.cmaes(6, 0.3,
                10), 1, WorkerPool.Settings.of(1)));
    }
}
