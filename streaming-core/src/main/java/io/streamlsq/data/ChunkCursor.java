package io.streamlsq.data;

import java.io.IOException;

/**
 * Reads the chunks of one {@link DataSource} in order. Not thread-safe: each thread opens its own.
 */
public interface ChunkCursor extends AutoCloseable {

    /**
     * Advances to the next chunk.
     *
     * @return the next chunk, valid until the next call to {@code next}, {@code seek} or {@code close};
     *     {@code null} after the last chunk
     * @throws IOException if the source cannot be read; the message names the source and the place
     */
    Chunk next() throws IOException;

    /**
     * Positions the cursor so that the next call to {@link #next()} returns chunk {@code chunkIndex}.
     * Only sources with {@link DataSource#isRandomAccess()} support this.
     *
     * @throws UnsupportedOperationException if the source is sequential
     */
    default void seek(long chunkIndex) throws IOException {
        throw new UnsupportedOperationException("this source is sequential; it cannot seek to chunk " + chunkIndex);
    }

    @Override
    void close() throws IOException;
}
