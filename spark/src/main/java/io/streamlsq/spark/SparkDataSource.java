package io.streamlsq.spark;

import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A data source the {@link SparkPassExecutor} can hand to executors: the driver's own copy (opened from the spec,
 * for the chunk layout, the fingerprint and the chunks a resume re-reads on the driver) plus the {@link SourceSpec}
 * each executor opens. A pass of the Spark executor over any other source runs on the driver.
 */
public final class SparkDataSource implements DistributedSource {
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

    /** Contiguous ranges of pass chunks, one per partition, each task opening the source from its spec. */
    @Override
    public PassJob job(JavaSparkContext jsc, PassSpec pass, long first, long end, long[] chunkMap, int partitions) {
        int n = (int) Math.min(Integer.MAX_VALUE, end - first);
        int parts = Math.max(1, Math.min(n, partitions > 0 ? partitions : jsc.defaultParallelism()));
        List<long[]> ranges = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            ranges.add(new long[] {first + (long) i * n / parts, first + (long) (i + 1) * n / parts});
        }
        return new PassJob(jsc.parallelize(ranges, parts).rdd(), new PassTask(spec, pass, chunkMap),
                IntStream.range(0, parts).toArray(), ranges);
    }

    @Override
    public void accept(long sourceChunk, ChunkOutcome outcome) {
        if (outcome.skipped() > 0) {
            skippedOnExecutors.put(sourceChunk, outcome.skipped());
        } else {
            skippedOnExecutors.remove(sourceChunk);
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
