package io.streamlsq.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import scala.runtime.AbstractFunction1;

/**
 * One Spark task of a pass over a {@link DatasetSource}: evaluates the chunks of its partition that the pass covers
 * (a sample pass: those in the sample), in order, each into an empty contribution as a local worker does.
 */
final class DatasetPassTask extends AbstractFunction1<scala.collection.Iterator<ChunkBlock>, ArrayList<ChunkOutcome>>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PassSpec pass;
    private final List<String> names;
    private final long[] chunkStart;
    private final long[] rowStart;
    private final long[] chunkMap;
    private final long first;
    private final long end;

    DatasetPassTask(PassSpec pass, List<String> names, long[] chunkStart, long[] rowStart, long[] chunkMap, long first,
            long end) {
        this.pass = pass;
        this.names = List.copyOf(names);
        this.chunkStart = chunkStart.clone();
        this.rowStart = rowStart.clone();
        this.chunkMap = chunkMap;
        this.first = first;
        this.end = end;
    }

    @Override
    public ArrayList<ChunkOutcome> apply(scala.collection.Iterator<ChunkBlock> blocks) {
        ArrayList<ChunkOutcome> out = new ArrayList<>();
        PassSpec.Evaluation eval = null;
        while (blocks.hasNext()) {
            ChunkBlock b = blocks.next();
            long source = chunkStart[b.partition()] + b.ordinal();
            long k = chunkMap == null ? source : Arrays.binarySearch(chunkMap, source);
            if (k < first || k >= end) {
                continue;
            }
            if (eval == null) {
                eval = pass.start();
            }
            ChunkOutcome o = eval.evaluate(k, b.view(names, pass.columns(), k, rowStart[b.partition()] + b.firstRow()),
                    b.skipped(), b.digest());
            out.add(o);
            if (o.sums() == null) {
                break; // the driver stops at the first non-finite chunk in order
            }
        }
        return out;
    }
}
