package io.streamlsq.spark;

import io.streamlsq.data.Chunk;
import java.io.Serializable;
import java.util.List;

/**
 * One chunk of a Dataset's rows, as Spark keeps it: chunk {@code ordinal} of partition {@code partition}, its
 * columns (doubles, in the source's column order), the partition's source row of its first row, the rows the SKIP
 * policy dropped while it was cut (through the end of the partition for its last chunk), and the
 * {@link io.streamlsq.data.ContentDigests#digest} it was built with.
 */
record ChunkBlock(int partition, int ordinal, long firstRow, int rows, double[][] columns, long skipped, long digest)
        implements Serializable {

    /** A chunk view of {@code wanted} columns (by name from {@code names}) as pass chunk {@code index}. */
    Chunk view(List<String> names, List<String> wanted, long index, long globalFirstRow) {
        Chunk c = new Chunk(wanted.size());
        for (int i = 0; i < wanted.size(); i++) {
            int j = names.indexOf(wanted.get(i));
            if (j < 0) {
                throw new IllegalArgumentException("column '" + wanted.get(i) + "' not found in the Dataset; available"
                        + " columns: " + String.join(", ", names));
            }
            c.setColumn(i, columns[j]);
        }
        return c.set(index, globalFirstRow, 0, rows);
    }
}
