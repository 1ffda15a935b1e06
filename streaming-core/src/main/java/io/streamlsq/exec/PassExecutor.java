package io.streamlsq.exec;

import java.io.IOException;
import java.util.concurrent.ExecutorService;

/**
 * Runs one pass: reads every chunk from {@code firstChunk} on, has an evaluator turn each into a
 * contribution, and merges the contributions <em>in chunk order</em> onto {@code initial}. The result is
 * therefore bit-identical whatever the number of threads.
 */
public interface PassExecutor {

    /**
     * @throws IOException if the source cannot be read
     */
    PassResult run(PassRequest request) throws IOException;

    /** Number of evaluators (workers) this executor uses. */
    int workers();

    /**
     * Runs independent tasks (the global search's trials) on this executor's threads, at most {@link #workers()} at
     * once, and returns their results in the tasks' order. The first failure is rethrown after every task ended: an
     * {@link IOException} as it is, a runtime exception or error as it is.
     */
    default <T> java.util.List<T> invokeAll(java.util.List<java.util.concurrent.Callable<T>> tasks) throws IOException {
        java.util.List<T> out = new java.util.ArrayList<>(tasks.size());
        for (java.util.concurrent.Callable<T> t : tasks) {
            try {
                out.add(t.call());
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Runs on the calling thread. */
    static PassExecutor sequential() {
        return new SequentialPassExecutor();
    }

    /**
     * Runs {@code threads} workers on {@code pool} (which the caller owns and shuts down); sequential
     * sources, or sources of unknown length, run on the calling thread.
     */
    static PassExecutor parallel(ExecutorService pool, int threads) {
        return threads <= 1 ? sequential() : new ParallelPassExecutor(pool, threads);
    }
}
