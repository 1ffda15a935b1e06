package io.streamlsq.search.lib;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.Trial;

/** Test functions on the unit box and the global phase's batch loop. */
final class TestProblems {
    /** Branin's global minimum (at three points). */
    static final double BRANIN_MIN = 0.397887357729738;

    private TestProblems() {
    }

    /** Branin with x1 = −5 + 15 u1 ∈ [−5, 10], x2 = 15 u2 ∈ [0, 15]. */
    static double branin(double[] u) {
        double x1 = -5 + 15 * u[0];
        double x2 = 15 * u[1];
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        double a = x2 - b * x1 * x1 + c * x1 - 6;
        return a * a + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    /** Rosenbrock-2D with x = −2 + 4u ∈ [−2, 2]²; minimum 0 at u = (0.75, 0.75). */
    static double rosenbrock(double[] u) {
        double x = -2 + 4 * u[0];
        double y = -2 + 4 * u[1];
        return 100 * (y - x * x) * (y - x * x) + (1 - x) * (1 - x);
    }

    static double sphere(double[] u) {
        double s = 0;
        for (double v : u) {
            s += (v - 0.3) * (v - 0.3);
        }
        return s;
    }

    /**
     * The global phase's loop: {@code ask(batch)}, evaluate the trials in parallel, tell all of them in id order,
     * repeat until {@code budget} trials are told (or the optimizer proposes none). Returns the trials in ask order.
     */
    static List<Trial> batchLoop(AskTellOptimizer o, ToDoubleFunction<double[]> f, int batch, int budget) {
        List<Trial> all = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            while (all.size() < budget) {
                List<Trial> ts = o.ask(Math.min(batch, budget - all.size()));
                if (ts.isEmpty()) {
                    break;
                }
                List<Future<Double>> values = new ArrayList<>();
                for (Trial t : ts) {
                    values.add(pool.submit(() -> f.applyAsDouble(t.u())));
                }
                List<Trial> sorted = new ArrayList<>(ts);
                sorted.sort((a, b) -> Long.compare(a.id(), b.id()));
                for (Trial t : sorted) {
                    o.tell(t.id(), values.get(ts.indexOf(t)).get());
                }
                all.addAll(ts);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        return all;
    }

    /** Names of live threads starting with {@code prefix}. */
    static List<String> liveThreads(String prefix) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /** Waits up to {@code millis} for no live thread starting with {@code prefix}; returns those still alive. */
    static List<String> awaitNoThreads(String prefix, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        List<String> live = liveThreads(prefix);
        while (!live.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(10);
            live = liveThreads(prefix);
        }
        return live;
    }
}
