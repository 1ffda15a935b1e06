package io.streamlsq.exec;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.accumulate.NonFinite;
import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Workers claim chunk indices in increasing order, each with its own cursor and evaluator, and put their
 * contribution in a slot of a reorder window; whoever completes the chunk that is next in order merges
 * all ready slots in order and keeps a copy of the running total after each. The observer (progress, and
 * checkpoints, which write and force a file) is told of those totals in order, outside the merge lock, by one
 * thread at a time, so a checkpoint write does not stop the other workers: they go on for up to a window of
 * chunks. A worker waits when its chunk is a window ahead of what the observer has been told, so memory stays
 * at {@code 2 × window × p²} doubles whatever the number of chunks.
 */
final class ParallelPassExecutor implements PassExecutor {
    private final ExecutorService pool;
    private final int threads;

    ParallelPassExecutor(ExecutorService pool, int threads) {
        this.pool = pool;
        this.threads = threads;
    }

    @Override
    public int workers() {
        return threads;
    }

    @Override
    public <T> List<T> invokeAll(List<java.util.concurrent.Callable<T>> tasks) throws IOException {
        int n = tasks.size();
        Object[] results = new Object[n];
        Throwable[] failures = new Throwable[n];
        AtomicLong next = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < Math.min(threads, n); w++) {
            futures.add(pool.submit(() -> {
                for (int i = (int) next.getAndIncrement(); i < n; i = (int) next.getAndIncrement()) {
                    try {
                        results[i] = tasks.get(i).call();
                    } catch (Throwable t) {
                        failures[i] = t;
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for trials");
            }
        }
        for (Throwable t : failures) {
            if (t instanceof IOException e) {
                throw e;
            }
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
        List<T> out = new ArrayList<>(n);
        for (Object r : results) {
            @SuppressWarnings("unchecked")
            T t = (T) r;
            out.add(t);
        }
        return out;
    }

    @Override
    public PassResult run(PassRequest req) throws IOException {
        DataSource source = req.source();
        if (!source.isRandomAccess() || source.chunkCount() < 0 || req.evaluators().size() < 2) {
            return new SequentialPassExecutor().run(req);
        }
        Merge merge = new Merge(req, Math.min(threads, req.evaluators().size()));
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < merge.workers; w++) {
            ChunkEvaluator evaluator = req.evaluators().get(w);
            futures.add(pool.submit(() -> merge.work(evaluator)));
        }
        Throwable failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                merge.abort();
                failure = failure == null ? e : failure;
            }
        }
        if (failure == null) {
            failure = merge.failure;
        }
        if (failure != null) {
            if (failure instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            throw new IOException("pass interrupted", failure);
        }
        return new PassResult(merge.total, merge.firstBad, merge.merged - req.firstChunk());
    }

    private static final class Merge {
        final PassRequest req;
        final int workers;
        final int window;
        final long end;
        final NormalEquations[] slots;
        final NonFinite[] bad;
        final boolean[] ready;
        final AtomicLong nextClaim;
        final NormalEquations total;
        /** The running total after chunk c, at {@code c % window}, until the observer has been told of it. */
        final NormalEquations[] totals;
        long merged;
        /** Chunks the observer has been told of, from {@code firstChunk}: {@code observed <= merged}. */
        long observed;
        boolean draining;
        boolean stop;
        NonFinite firstBad;
        Throwable failure;

        Merge(PassRequest req, int workers) {
            this.req = req;
            this.workers = workers;
            this.window = 4 * workers;
            this.end = req.source().chunkCount();
            int p = req.initial().dimension();
            this.slots = new NormalEquations[window];
            for (int i = 0; i < window; i++) {
                slots[i] = req.initial().emptyLike();
            }
            this.bad = new NonFinite[window];
            this.ready = new boolean[window];
            this.nextClaim = new AtomicLong(req.firstChunk());
            this.total = req.initial().copy();
            this.totals = new NormalEquations[window];
            for (int i = 0; i < window; i++) {
                totals[i] = req.initial().emptyLike();
            }
            this.merged = req.firstChunk();
            this.observed = req.firstChunk();
        }

        void work(ChunkEvaluator evaluator) {
            try (ChunkCursor cursor = req.source().open(req.columns(), req.firstChunk())) {
                while (true) {
                    long k = nextClaim.getAndIncrement();
                    if (k >= end || !awaitRoom(k)) {
                        return;
                    }
                    int s = (int) (k % window);
                    NormalEquations slot = slots[s];
                    slot.reset();
                    cursor.seek(k);
                    Chunk chunk = cursor.next();
                    if (chunk == null) {
                        throw new IOException(req.source().describe() + " ended at chunk " + k
                                + " but reported " + end + " chunks");
                    }
                    req.checkContent(chunk);
                    NonFinite nf = evaluator.evaluate(chunk, req.theta(), req.level(), slot);
                    publish(s, nf);
                }
            } catch (IOException e) {
                fail(new UncheckedIOException(e));
            } catch (RuntimeException | Error e) {
                fail(e);
            }
        }

        private synchronized boolean awaitRoom(long k) {
            while (!stop && k >= observed + window) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop = true;
                    notifyAll();
                    return false;
                }
            }
            return !stop;
        }

        private void publish(int s, NonFinite nf) {
            synchronized (this) {
                ready[s] = true;
                bad[s] = nf;
                while (!stop && merged < end && ready[(int) (merged % window)]) {
                    int slot = (int) (merged % window);
                    if (bad[slot] != null) {
                        firstBad = bad[slot];
                        stop = true;
                        break;
                    }
                    total.merge(slots[slot]);
                    totals[slot].copyFrom(total);
                    ready[slot] = false;
                    merged++;
                }
                notifyAll();
                if (draining || observed == merged) {
                    return; // another thread is telling the observer, or there is nothing to tell
                }
                draining = true;
            }
            tellObserver();
        }

        /** Tells the observer of every merged chunk it has not been told of, in order, outside the merge lock. */
        private void tellObserver() {
            while (true) {
                NormalEquations after;
                long next;
                synchronized (this) {
                    if (stop || observed == merged) {
                        draining = false;
                        notifyAll();
                        return;
                    }
                    after = totals[(int) (observed % window)];
                    next = observed + 1;
                }
                try {
                    req.observer().onChunkMerged(next, after.rows(), after);
                } catch (RuntimeException | Error e) {
                    synchronized (this) {
                        draining = false;
                    }
                    throw e;
                }
                synchronized (this) {
                    observed++;
                    notifyAll();
                }
            }
        }

        private synchronized void fail(Throwable t) {
            if (failure == null) {
                failure = t;
            }
            stop = true;
            notifyAll();
        }

        synchronized void abort() {
            stop = true;
            notifyAll();
        }
    }
}
