package io.streamlsq.spark;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataChangedException;
import io.streamlsq.data.InvalidRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * A {@code Dataset<Row>} as a data source: the named columns, cast to double, cut into chunks of at most
 * {@code chunkRows} rows partition by partition (chunk order = partition order, then row order within a partition),
 * kept by Spark ({@code MEMORY_AND_DISK}, and reliably checkpointed when the context has a checkpoint directory).
 * Passes run as Spark jobs on the Dataset's own partitions; the driver merges in chunk order.
 *
 * <p>Determinism: the chunks, hence the bits, are fixed by the Dataset's partitioning and the order of rows within
 * each partition. Opening is one Spark job that cuts the chunks and records each chunk's digest; a chunk Spark
 * rebuilds later (a lost executor, evicted blocks) is compared with that digest when it is merged, so a Dataset
 * whose recomputation gives other rows (a non-deterministic lineage: {@code rand()}, an unordered shuffle) stops the
 * fit with a {@link DataChangedException} instead of changing the answer. Set a checkpoint directory
 * ({@code SparkContext.setCheckpointDir}) to make the chunks survive lost executors without recomputation.
 *
 * <p>The driver can read chunks too (a resumed fit checks the chunks behind a checkpoint's partial sums): one Spark
 * job per partition it reads.
 */
public final class DatasetSource implements DistributedSource {
    private final JavaRDD<ChunkBlock> blocks;
    private final List<String> names;
    private final int chunkRows;
    /** First chunk of each partition; {@code chunkStart[partitions]} = chunk count. */
    private final long[] chunkStart;
    /** First source row of each partition (rows the SKIP policy dropped included). */
    private final long[] rowStart;
    private final long[] digests;
    private final long rows;
    private final long skipped;
    private final int maxRows;
    private final String describe;

    private DatasetSource(JavaRDD<ChunkBlock> blocks, List<String> names, int chunkRows, List<long[]> stats,
            int partitions, String describe) {
        this.blocks = blocks;
        this.names = List.copyOf(names);
        this.chunkRows = chunkRows;
        this.describe = describe;
        // stats: partition, ordinal, rows, skipped, digest, firstRow — sorted into chunk order
        stats.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        this.chunkStart = new long[partitions + 1];
        this.rowStart = new long[partitions + 1];
        long[] sourceRows = new long[partitions];
        this.digests = new long[stats.size()];
        long n = 0;
        long dropped = 0;
        int max = 0;
        for (int k = 0; k < stats.size(); k++) {
            long[] s = stats.get(k);
            int q = (int) s[0];
            chunkStart[q + 1]++;
            sourceRows[q] = Math.max(sourceRows[q], s[5] + s[2] + s[3]);
            digests[k] = s[4];
            n += s[2];
            dropped += s[3];
            max = (int) Math.max(max, s[2]);
        }
        for (int q = 0; q < partitions; q++) {
            chunkStart[q + 1] += chunkStart[q];
            rowStart[q + 1] = rowStart[q] + sourceRows[q];
        }
        this.rows = n;
        this.skipped = dropped;
        this.maxRows = Math.max(1, max);
    }

    /**
     * Cuts {@code rows}' columns {@code columns} (by name; any numeric type, cast to double) into chunks, and keeps
     * them in Spark. Runs one Spark job.
     *
     * @param policy what a null or non-finite value does: REFUSE (the pass stops at it, naming the row and column) or
     *     SKIP (the row is dropped and counted)
     * @throws IllegalArgumentException if a column does not exist
     */
    public static DatasetSource of(Dataset<Row> rows, List<String> columns, InvalidRows policy, int chunkRows) {
        Objects.requireNonNull(policy, "policy");
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows = " + chunkRows + " must be >= 1");
        }
        List<String> available = Arrays.asList(rows.columns());
        for (String c : columns) {
            if (!available.contains(c)) {
                throw new IllegalArgumentException("column '" + c + "' not found in the Dataset; available columns: "
                        + String.join(", ", available));
            }
        }
        Column[] select = columns.stream().map(c -> functions.col(c).cast("double").alias(c)).toArray(Column[]::new);
        JavaRDD<ChunkBlock> blocks = rows.select(select).javaRDD()
                .mapPartitionsWithIndex(new BlockBuilder(columns.size(), chunkRows, policy), true);
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        if (blocks.context().getCheckpointDir().isDefined()) {
            blocks.checkpoint();
        }
        blocks.setName("streamlsq chunks of " + columns);
        List<long[]> stats = new ArrayList<>(blocks.map(b -> new long[] {b.partition(), b.ordinal(), b.rows(),
            b.skipped(), b.digest(), b.firstRow()}).collect());
        int partitions = blocks.getNumPartitions();
        return new DatasetSource(blocks, columns, chunkRows, stats, partitions,
                "Dataset" + columns + " (" + partitions + " partitions, chunks of " + chunkRows + " rows)");
    }

    /** The partitions' jobs: each task evaluates its partition's chunks that fall in the pass. */
    @Override
    public PassJob job(JavaSparkContext jsc, PassSpec pass, long first, long end, long[] chunkMap, int partitions) {
        List<Integer> ids = new ArrayList<>();
        List<long[]> ranges = new ArrayList<>();
        for (int q = 0; q + 1 < chunkStart.length; q++) {
            long lo = passIndex(chunkMap, chunkStart[q]);
            long hi = passIndex(chunkMap, chunkStart[q + 1]);
            lo = Math.max(lo, first);
            hi = Math.min(hi, end);
            if (lo < hi) {
                ids.add(q);
                ranges.add(new long[] {lo, hi});
            }
        }
        return new PassJob(blocks.rdd(), new DatasetPassTask(pass, names, chunkStart, rowStart, chunkMap, first, end),
                ids.stream().mapToInt(Integer::intValue).toArray(), ranges);
    }

    /** The first pass chunk whose source chunk is {@code >= sourceChunk}. */
    private static long passIndex(long[] chunkMap, long sourceChunk) {
        if (chunkMap == null) {
            return sourceChunk;
        }
        int i = Arrays.binarySearch(chunkMap, sourceChunk);
        return i >= 0 ? i : -i - 1;
    }

    @Override
    public void accept(long sourceChunk, ChunkOutcome outcome) {
        if (outcome.blockDigest() != digests[(int) sourceChunk]) {
            throw new DataChangedException(describe + ": chunk " + sourceChunk + " was rebuilt by Spark with other rows"
                    + " than when the fit started (the Dataset's lineage is not deterministic: checkpoint it, or set a"
                    + " checkpoint directory, before fitting)", -1);
        }
    }

    @Override
    public List<String> columnNames() {
        return names;
    }

    @Override
    public long chunkCount() {
        return digests.length;
    }

    @Override
    public long rowCount() {
        return rows;
    }

    @Override
    public int maxChunkRows() {
        return maxRows;
    }

    @Override
    public boolean isRandomAccess() {
        return true;
    }

    /** Rows the SKIP policy dropped (known for the whole Dataset once it is opened). */
    @Override
    public long skippedRows() {
        return skipped;
    }

    /** Reads chunks on the driver, one Spark job per partition read. */
    @Override
    public ChunkCursor open(List<String> columns, long firstChunk) {
        for (String c : columns) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException("column '" + c + "' not found in " + describe
                        + "; available columns: " + String.join(", ", names));
            }
        }
        return new ChunkCursor() {
            private long next = firstChunk;
            private int cachedPartition = -1;
            private List<ChunkBlock> cached;

            @Override
            public Chunk next() {
                if (next >= digests.length) {
                    return null;
                }
                int q = partitionOf(next);
                if (q != cachedPartition) {
                    cached = blocks.collectPartitions(new int[] {q})[0];
                    cachedPartition = q;
                }
                ChunkBlock b = cached.get((int) (next - chunkStart[q]));
                Chunk c = b.view(names, columns, next, rowStart[q] + b.firstRow());
                next++;
                return c;
            }

            @Override
            public void seek(long chunkIndex) {
                next = chunkIndex;
            }

            @Override
            public void close() {
                cached = null;
            }
        };
    }

    private int partitionOf(long chunk) {
        int i = Arrays.binarySearch(chunkStart, chunk);
        if (i >= 0) {
            while (i + 1 < chunkStart.length && chunkStart[i + 1] == chunk) {
                i++; // empty partitions share their start with the next
            }
            return i;
        }
        return -i - 2;
    }

    /** The columns, the chunk layout and the digest of every chunk in order. */
    @Override
    public String fingerprint() {
        long h = 0xcbf29ce484222325L;
        for (long d : digests) {
            h = (h ^ d) * 0x100000001b3L;
        }
        return "dataset:columns=" + names + ":rows=" + rows + ":chunks=" + digests.length + ":chunk=" + chunkRows
                + ":partitions=" + (chunkStart.length - 1) + ":digest=" + Long.toHexString(h);
    }

    @Override
    public String describe() {
        return describe;
    }

    /** Lets Spark drop the chunks. */
    @Override
    public void close() {
        blocks.unpersist(false);
    }
}
