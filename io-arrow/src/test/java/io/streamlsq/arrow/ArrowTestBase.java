package io.streamlsq.arrow;

import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A temporary directory and a root allocator per test, closed after it: closing throws if any buffer of any
 * source or cursor is still open, so every test is also a leak check (Arrow Java's own practice).
 */
abstract class ArrowTestBase {
    @TempDir
    Path dir;
    BufferAllocator root;

    @BeforeEach
    void allocator() {
        root = new RootAllocator(512L << 20);
    }

    @AfterEach
    void noLeaks() {
        root.close();
    }
}
