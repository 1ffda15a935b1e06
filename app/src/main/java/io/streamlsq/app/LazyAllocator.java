package io.streamlsq.app;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The Arrow allocator of one fit, made on first use: only Arrow IPC sources take buffers from it, so a CSV,
 * Parquet, HDF5 or synthetic fit never loads Arrow's memory classes and their SLF4J set-up (about 100
 * classes at start-up; issue 13, docs/benchmarks.md "Start-up").
 */
final class LazyAllocator implements AutoCloseable {
    private final long limitBytes;
    private BufferAllocator allocator;

    LazyAllocator(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /** The allocator, made with the limit given at construction the first time it is asked for. */
    BufferAllocator get() {
        if (allocator == null) {
            allocator = new RootAllocator(limitBytes);
        }
        return allocator;
    }

    /** Closes the allocator if one was made (it reports buffers still held, as a RootAllocator does). */
    @Override
    public void close() {
        if (allocator != null) {
            allocator.close();
        }
    }
}
