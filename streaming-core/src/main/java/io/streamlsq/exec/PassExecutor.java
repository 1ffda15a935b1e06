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
