package io.streamlsq.spark;

import io.streamlsq.data.DataSource;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.Function1;

/** A source whose passes the {@link SparkPassExecutor} runs as Spark jobs. */
sealed interface DistributedSource extends DataSource permits SparkDataSource, DatasetSource {

    /**
     * The job of one pass over pass chunks {@code [first, end)}.
     *
     * @param chunkMap for a sample pass, the source chunk read for each pass chunk (increasing); else null
     * @param partitions partitions wanted (a hint: a Dataset's passes run on its own partitions)
     */
    PassJob job(JavaSparkContext jsc, PassSpec pass, long first, long end, long[] chunkMap, int partitions);

    /**
     * Told of each chunk outcome before it is merged, in chunk order: bookkeeping (rows skipped) and checks.
     *
     * @param sourceChunk the chunk of this source the outcome is of
     * @throws io.streamlsq.data.DataChangedException if the chunk is not what this source read before
     */
    void accept(long sourceChunk, ChunkOutcome outcome);

    /**
     * A Spark job: the RDD, the function each task applies to its partition, the partitions to run and, for each of
     * them in that order, the range {@code [from, to)} of pass chunks it returns.
     */
    @SuppressWarnings("rawtypes")
    record PassJob(RDD rdd, Function1 task, int[] partitions, List<long[]> ranges) {
    }
}
