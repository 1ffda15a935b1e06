package io.streamlsq.data;

import java.io.IOException;
import java.util.List;

/**
 * A source that hands every call to another (closing it too); wrappers override the calls they change (sigma
 * masking, prediction columns, tests' counting sources).
 */
public class ForwardingDataSource implements DataSource {
    protected final DataSource inner;

    public ForwardingDataSource(DataSource inner) {
        this.inner = inner;
    }

    @Override
    public List<String> columnNames() {
        return inner.columnNames();
    }

    @Override
    public long chunkCount() {
        return inner.chunkCount();
    }

    @Override
    public long rowCount() {
        return inner.rowCount();
    }

    @Override
    public int maxChunkRows() {
        return inner.maxChunkRows();
    }

    @Override
    public boolean isRandomAccess() {
        return inner.isRandomAccess();
    }

    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
        return inner.open(columns, firstChunk);
    }

    @Override
    public String fingerprint() throws IOException {
        return inner.fingerprint();
    }

    @Override
    public long skippedRows() {
        return inner.skippedRows();
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
