package io.streamlsq.spark;

import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A data source the {@link SparkPassExecutor} can hand to executors: the driver's own copy (opened from the spec,
 * for the chunk layout, the fingerprint and the chunks a resume re-reads on the driver) plus the {@link SourceSpec}
 * each executor opens. A pass of the Spark executor over any other source runs on the driver.
 */
public final class SparkDataSource implements DataSource {
    private final SourceSpec spec;
    private final DataSource local;
    /** Rows the SKIP policy dropped, by chunk, as reported by the executors that read them. */
    private final ConcurrentHashMap<Long, Long> skippedOnExecutors = new ConcurrentHashMap<>();

    private SparkDataSource(SourceSpec spec, DataSource local) {
        this.spec = spec;
        this.local = local;
    }

    /** Opens {@code spec} on the driver. */
    public static SparkDataSource open(SourceSpec spec) throws IOException {
        DataSource local = spec.open();
        if (!local.isRandomAccess() || local.chunkCount() < 0) {
            local.close();
            throw new IllegalArgumentException(spec.describe() + " is not random access with a known chunk count;"
                    + " the Spark executor needs both");
        }
        return new SparkDataSource(spec, local);
    }

    public SourceSpec spec() {
        return spec;
    }

    void recordSkipped(long chunk, long rows) {
        if (rows > 0) {
            skippedOnExecutors.put(chunk, rows);
        } else {
            skippedOnExecutors.remove(chunk);
        }
    }

    @Override
    public List<String> columnNames() {
        return local.columnNames();
    }

    @Override
    public long chunkCount() {
        return local.chunkCount();
    }

    @Override
    public long rowCount() {
        return local.rowCount();
    }

    @Override
    public int maxChunkRows() {
        return local.maxChunkRows();
    }

    @Override
    public boolean isRandomAccess() {
        return true;
    }

    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
        return local.open(columns, firstChunk);
    }

    @Override
    public String fingerprint() throws IOException {
        return local.fingerprint();
    }

    /**
     * Rows dropped by the SKIP policy over the distinct chunks read so far, on the executors or on the driver (after
     * a full pass on the executors: the whole file's count).
     */
    @Override
    public long skippedRows() {
        long onExecutors = skippedOnExecutors.values().stream().mapToLong(Long::longValue).sum();
        return Math.max(onExecutors, local.skippedRows());
    }

    @Override
    public String describe() {
        return local.describe();
    }

    @Override
    public void close() throws IOException {
        local.close();
    }
}
