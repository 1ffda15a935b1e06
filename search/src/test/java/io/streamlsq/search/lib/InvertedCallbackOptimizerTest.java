package io.streamlsq.search.lib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.hipparchus.exception.MathIllegalArgumentException;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.LocalizedOptimFormats;
import org.junit.jupiter.api.Test;

import io.streamlsq.search.SearchState;
import io.streamlsq.search.Trial;

class InvertedCallbackOptimizerTest {

    /** T4.1: CMA-ES through ask/tell sees the same points, bit for bit, as the library run directly, same result. */
    @Test
    void cmaesThroughAskTellIsBitIdenticalToTheDirectRun() {
        CallbackOptimizer cmaes = HipparchusOptimizers.cmaes(12, 0.3, 300);
        double[] start = {0.3, 0.6};
        List<double[]> direct = new ArrayList<>();
        CallbackOptimizer.RunResult directResult = cmaes.minimize(x -> {
            direct.add(x.clone());
            return TestProblems.branin(x);
        }, start, 7);

        List<double[]> inverted = new ArrayList<>();
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer("cmaes", cmaes, start, 7, 0, 0);
        try (o) {
            while (true) {
                List<Trial> ts = o.ask(1);
                if (ts.isEmpty()) {
                    break;
                }
                Trial t = ts.get(0);
                inverted.add(t.u().clone());
                o.tell(t.id(), TestProblems.branin(t.u()));
            }
        }
        assertEquals(300, direct.size(), "the direct run uses its whole budget");
        assertEquals(direct.size(), inverted.size());
        for (int i = 0; i < direct.size(); i++) {
            assertArrayEquals(direct.get(i), inverted.get(i), "point " + i); // assertArrayEquals on doubles: exact
        }
        assertEquals(InvertedCallbackOptimizer.End.CONVERGED, o.end()); // CMA-ES returns when MaxEval runs out
        assertArrayEquals(directResult.point(), o.result().point());
        assertEquals(directResult.value(), o.result().value());
        assertEquals(300, o.evaluations());
        assertTrue(o.exhausted());
    }

    private static Map<String, CallbackOptimizer> adapters() {
        return Map.of("cmaes", HipparchusOptimizers.cmaes(6, 0.3, 1000),
                "bobyqa", HipparchusOptimizers.bobyqa(0.1, 1e-7, 1000),
                "nelder-mead", HipparchusOptimizers.nelderMead(0.1, 1e-10, 1e-12, 1000),
                "powell", HipparchusOptimizers.powell(1e-10, 1e-12, 1000));
    }

    /**
     * T4.3: close while the worker waits for a tell returns within 200 ms, the thread is joined, and the library let
     * the stop signal through (the run ended STOPPED, not FAILED or CONVERGED), for each adapter; also mid-run. Close
     * takes about a millisecond; on a machine shared with other builds a scheduling stall can exceed 200 ms now and
     * then, so the timing must hold in one of three attempts (a close that polls, or waits for its join timeout, fails
     * all three), while every other assertion holds in each.
     */
    @Test
    void closeWhileWaitingForATellStopsEachAdapterWithin200ms() {
        for (var e : adapters().entrySet()) {
            for (int told : new int[] {0, 25}) {
                List<Long> millis = new ArrayList<>();
                for (int attempt = 0; attempt < 3 && (millis.isEmpty() || millis.get(millis.size() - 1) >= 200);
                        attempt++) {
                    millis.add(closeWhileWaiting("t43" + e.getKey() + told + "a" + attempt, e.getValue(), told));
                }
                assertTrue(millis.get(millis.size() - 1) < 200, e.getKey() + " after " + told + " tells: close took "
                        + millis + " ms");
            }
        }
    }

    private static long closeWhileWaiting(String name, CallbackOptimizer library, int told) {
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer(name, library, new double[] {0.2, 0.7}, 5, 0, 0);
        for (int i = 0; i < told; i++) {
            Trial t = o.ask(1).get(0);
            o.tell(t.id(), TestProblems.branin(t.u()));
        }
        assertEquals(1, o.ask(1).size()); // outstanding: the library thread waits for this value
        assertTrue(o.busy());
        long t0 = System.nanoTime();
        o.close();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(InvertedCallbackOptimizer.End.STOPPED, o.end(), name + " swallowed the stop signal");
        assertTrue(TestProblems.liveThreads("asktell-" + name + "-").isEmpty(), name + ": thread alive");
        assertEquals(told, o.evaluations());
        assertThrows(IllegalStateException.class, () -> o.ask(1));
        o.close(); // idempotent
        return ms;
    }

    @Test
    void closeBeforeTheFirstAskAndTwiceIsHarmless() {
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer("t43idle", HipparchusOptimizers.powell(1e-10, 1e-12,
                10), new double[] {0.5, 0.5}, 1, 0, 0);
        o.close();
        o.close();
        assertThrows(IllegalStateException.class, () -> o.ask(1));
    }

    /** A library exception thrown mid-run is kept and rethrown from every later ask, naming the method. */
    @Test
    void libraryExceptionsSurfaceFromAsk() {
        IllegalStateException boom = new IllegalStateException("boom in the library");
        CallbackOptimizer failing = (f, start, seed) -> {
            f.value(start);
            f.value(start);
            throw boom;
        };
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer("failing", failing, new double[] {0.5}, 1, 3, 4);
        try (o) {
            for (int i = 0; i < 2; i++) {
                o.tell(o.ask(1).get(0).id(), 1.0);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> o.ask(1));
            assertSame(boom, e.getCause());
            assertTrue(e.getMessage().contains("'failing'") && e.getMessage().contains("asktell-failing-3-4"),
                    e.getMessage());
            assertSame(boom, assertThrows(IllegalStateException.class, () -> o.ask(1)).getCause());
            assertEquals(InvertedCallbackOptimizer.End.FAILED, o.end());
        }
    }

    /** A Hipparchus state exception after evaluations is a numerical end of the run: kept, and ask returns nothing. */
    @Test
    void aNumericalFailureEndsTheRun() {
        MathIllegalStateException numeric = new MathIllegalStateException(LocalizedOptimFormats.TRUST_REGION_STEP_FAILED,
                -1.0);
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer("numeric", (f, start, seed) -> {
            f.value(start);
            throw numeric;
        }, new double[] {0.5, 0.5}, 1, 0, 0);
        try (o) {
            o.tell(o.ask(1).get(0).id(), 1.0);
            assertEquals(List.of(), o.ask(1));
            assertTrue(o.exhausted());
            assertEquals(InvertedCallbackOptimizer.End.NUMERICAL, o.end());
            assertSame(numeric, o.reason());
            assertNull(o.failure());
        }
        // the same exception before any evaluation is a failure (a configuration that cannot work)
        InvertedCallbackOptimizer p = new InvertedCallbackOptimizer("numeric0", (f, start, seed) -> {
            throw numeric;
        }, new double[] {0.5, 0.5}, 1, 0, 0);
        try (p) {
            assertSame(numeric, assertThrows(IllegalStateException.class, () -> p.ask(1)).getCause());
            assertEquals(InvertedCallbackOptimizer.End.FAILED, p.end());
        }
    }

    /** T4.5 (worker level): BOBYQA in 1-D fails at once, the library's exception as cause. */
    @Test
    void bobyqaInOneDimensionFails() {
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer("bobyqa", HipparchusOptimizers.bobyqa(0.1, 1e-7,
                100), new double[] {0.5}, 1, 0, 0);
        try (o) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> o.ask(1));
            assertInstanceOf(MathIllegalArgumentException.class, e.getCause());
            assertEquals(0, o.evaluations());
        }
    }

    /** A thread that does not stop within the join timeout is reported by close, not abandoned silently. */
    @Test
    void aThreadThatDoesNotStopIsReported() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch computing = new CountDownLatch(1);
        CallbackOptimizer stubborn = (f, start, seed) -> {
            f.value(start);
            computing.countDown();
            while (true) { // "busy inside the library", deaf to interrupts
                try {
                    if (release.await(5, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException ignored) {
                    // a library that swallows interrupts
                }
            }
            f.value(start); // the next objective call unwinds it
            return null;
        };
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer("t43stuck", stubborn, new double[] {0.5}, 1, 0, 0,
                Duration.ofSeconds(10), Duration.ofMillis(100));
        o.tell(o.ask(1).get(0).id(), 1.0);
        assertTrue(computing.await(5, TimeUnit.SECONDS));
        IllegalStateException e = assertThrows(IllegalStateException.class, o::close);
        assertTrue(e.getMessage().contains("asktell-t43stuck-0-0") && e.getMessage().contains("did not stop"),
                e.getMessage());
        assertFalse(TestProblems.liveThreads("asktell-t43stuck-").isEmpty());
        release.countDown();
        assertEquals(List.of(), TestProblems.awaitNoThreads("asktell-t43stuck-", 2000));
        assertEquals(InvertedCallbackOptimizer.End.STOPPED, o.end());
        o.close(); // now it has stopped: no exception
    }

    @Test
    void askTimesOutWhenTheLibraryComputesTooLong() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CallbackOptimizer slow = (f, start, seed) -> {
            f.value(start);
            try {
                release.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            f.value(start);
            return null;
        };
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer("t43slow", slow, new double[] {0.5}, 1, 0, 0,
                Duration.ofMillis(100), Duration.ofSeconds(2));
        o.tell(o.ask(1).get(0).id(), 1.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> o.ask(1));
        assertTrue(e.getMessage().contains("without asking for a value"), e.getMessage());
        release.countDown();
        o.close();
        assertEquals(List.of(), TestProblems.awaitNoThreads("asktell-t43slow-", 1000));
    }

    @Test
    void oneTrialAtATimeAndTellsAreChecked() {
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer("nm", HipparchusOptimizers.nelderMead(0.1, 1e-10,
                1e-12, 50), new double[] {0.5, 0.5}, 1, 0, 0);
        try (o) {
            Trial t = o.ask(5).get(0);
            assertEquals(List.of(), o.ask(1), "nothing while a trial is outstanding");
            assertThrows(IllegalArgumentException.class, () -> o.tell(t.id() + 1, 0));
            o.tell(t.id(), 1.0);
            assertThrows(IllegalArgumentException.class, () -> o.tell(t.id(), 1.0));
            Trial t2 = o.ask(1).get(0);
            assertEquals(t.id() + 1, t2.id());
            o.abandon(t2.id());
            assertEquals(2, o.ask(1).get(0).id());
        }
    }

    @Test
    void pointsHandedOutAreClampedToTheBox() {
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer("outside", (f, s, seed) -> {
            f.value(new double[] {-3, 0.25, 7});
            return null;
        }, new double[] {0.5, 0.5, 0.5}, 1, 0, 0);
        try (o) {
            Trial t = o.ask(1).get(0);
            assertArrayEquals(new double[] {0, 0.25, 1}, t.u());
            o.tell(t.id(), 2.0);
            assertEquals(List.of(), o.ask(1));
            assertTrue(o.exhausted());
            assertEquals(InvertedCallbackOptimizer.End.CONVERGED, o.end());
        }
    }

    @Test
    void notResumable() {
        InvertedCallbackOptimizer o = new InvertedCallbackOptimizer("cmaes", HipparchusOptimizers.cmaes(6, 0.3, 10),
                new double[] {0.5, 0.5}, 1, 0, 0);
        assertFalse(o.checkpointable());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, o::snapshot);
        assertTrue(e.getMessage().contains("not resumable mid-search"), e.getMessage());
        assertThrows(UnsupportedOperationException.class,
                () -> o.restore(SearchState.builder("cmaes").build()));
        assertNotNull(o.threadName());
        o.close();
    }
}
