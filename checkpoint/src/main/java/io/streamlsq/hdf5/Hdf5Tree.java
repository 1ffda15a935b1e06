package io.streamlsq.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;

/** A walk over a whole HDF5 file that reads every piece of metadata jhdf can reach, looking for a failure. */
final class Hdf5Tree {
    private static final long SMALL_BYTES = 1 << 24;

    private Hdf5Tree() {
    }

    /**
     * Reads every group, attribute and dataset header of {@code file}, the chunk index of every chunked dataset, and
     * the data of small chunked datasets; checks that contiguous data lie within {@code size} bytes.
     *
     * @return what failed first (one line), or {@code null} if everything reads
     */
    static String firstFailure(HdfFile file, long size) {
        try {
            walk(file, size);
            return null;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return Hdf5Errors.brief(e);
        }
    }

    private static void walk(Group g, long size) {
        attributes(g);
        for (Node n : g.getChildren().values()) {
            if (n instanceof Group child) {
                walk(child, size);
            } else if (n instanceof Dataset d) {
                attributes(d);
                d.getDataType();
                d.getDimensionsAsLong();
                if (d instanceof ContiguousDataset c && !c.isEmpty()
                        && c.getDataAddress() + d.getSizeInBytes() > size) {
                    throw new IllegalStateException("dataset '" + d.getPath() + "' ends at byte "
                            + (c.getDataAddress() + d.getSizeInBytes()) + ", beyond the end of the file");
                }
                if (d instanceof ChunkedDataset) {
                    d.getStorageInBytes();
                    if (d.getSizeInBytes() <= SMALL_BYTES) {
                        d.getData();
                    }
                }
            }
        }
    }

    private static void attributes(Node n) {
        for (Attribute a : n.getAttributes().values()) {
            a.getData();
        }
    }
}
