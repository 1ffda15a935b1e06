package io.streamlsq.hdf5;

import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.dataset.DatasetBase;
import io.jhdf.exceptions.HdfException;
import io.jhdf.filter.BitShuffleFilter;
import io.jhdf.filter.ByteShuffleFilter;
import io.jhdf.filter.DeflatePipelineFilter;
import io.jhdf.filter.Filter;
import io.jhdf.filter.Lz4Filter;
import io.jhdf.filter.LzfFilter;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.message.DataLayout;
import io.jhdf.storage.HdfBackingStorage;
import io.streamlsq.data.InvalidDataException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One 1-D numeric dataset of an open HDF5 file, read by rows into float64. jhdf is used to find the bytes;
 * everything that decides which values come out is checked here, because jhdf (like the HDF5 library)
 * silently returns the fill value for a chunk its index does not list and does not verify Fletcher-32:
 *
 * <ul>
 *   <li>chunked: every chunk the rows need must be in the chunk index and inside the file ({@link #verify}
 *       checks all of them when the source is opened), its filters are applied here in reverse pipeline
 *       order (Fletcher-32 verified and stripped), and it must decode to exactly chunk-size × element-size bytes;
 *   <li>contiguous: the data must have been written (an address) and lie inside the file;
 *   <li>compact: the bytes held in the object header.
 * </ul>
 *
 * A failure is an {@link InvalidDataException} naming the file, the dataset and the chunk and rows. Not
 * thread-safe: one per cursor (it caches the last decoded chunk).
 */
final class Hdf5Column {
    private static final int FLETCHER32 = 3;
    private static final Map<Integer, Filter> FILTERS = Map.of(
            DeflatePipelineFilter.ID, new DeflatePipelineFilter(),
            2, new ByteShuffleFilter(),
            32000, new LzfFilter(),
            32008, new BitShuffleFilter(),
            32004, new Lz4Filter());

    private final Path file;
    private final String name;
    private final Dataset dataset;
    private final ElementType type;
    private final long rows;
    private final long fileSize;
    private final int chunkLength;
    private long cachedChunk = -1;
    private ByteBuffer cached;

    private Hdf5Column(Path file, String name, Dataset dataset, ElementType type, long rows, long fileSize) {
        this.file = file;
        this.name = name;
        this.dataset = dataset;
        this.type = type;
        this.rows = rows;
        this.fileSize = fileSize;
        this.chunkLength = dataset instanceof ChunkedDataset c ? c.getChunkDimensions()[0] : 0;
    }

    /**
     * @param fileSize the file's size in bytes
     * @throws IllegalArgumentException if the dataset is not 1-D or its element type cannot be fitted (named)
     * @throws InvalidDataException if its layout is damaged
     */
    static Hdf5Column of(Path file, String name, Dataset d, long fileSize) {
        if (d.isScalar()) {
            throw new Hdf5Errors.NotFittable(file + ": dataset '" + name + "' is a scalar; a fit needs a 1-D dataset");
        }
        long[] dims = d.getDimensionsAsLong();
        if (dims.length != 1) {
            throw new Hdf5Errors.NotFittable(file + ": dataset '" + name + "' has shape " + shape(dims)
                    + "; a fit needs 1-D datasets");
        }
        ElementType t = ElementType.of(d.getDataType());
        if (t == null) {
            throw new Hdf5Errors.NotFittable(file + ": dataset '" + name + "' has HDF5 type " + ElementType.describe(d.getDataType())
                    + "; only float and integer datasets can be fitted");
        }
        if (t.size() != d.getDataType().getSize()) {
            throw new InvalidDataException(file + ": HDF5 metadata is damaged: dataset '" + name + "' has elements of "
                    + d.getDataType().getSize() + " bytes for a " + t.size() + "-byte type");
        }
        if (d.getDataLayout() == DataLayout.CHUNKED) {
            if (!(d instanceof ChunkedDataset c) || c.getChunkDimensions().length != 1 || c.getChunkDimensions()[0] <= 0) {
                throw new InvalidDataException(file + ": HDF5 metadata is damaged: dataset '" + name + "' has no valid 1-D chunk shape");
            }
            if (dims[0] > Integer.MAX_VALUE) {
                throw new Hdf5Errors.NotFittable(file + ": dataset '" + name + "' has " + dims[0] + " rows; chunked HDF5 "
                        + "datasets are read up to 2^31-1 rows (jhdf addresses chunks with 32-bit offsets)");
            }
        } else if (!(d instanceof ContiguousDataset) && d.getDataLayout() != DataLayout.COMPACT) {
            throw new Hdf5Errors.NotFittable(file + ": dataset '" + name + "' has layout " + d.getDataLayout()
                    + ", which this reader does not read");
        }
        return new Hdf5Column(file, name, d, t, dims[0], fileSize);
    }

    static String shape(long[] dims) {
        StringBuilder b = new StringBuilder();
        for (long n : dims) {
            b.append(b.length() == 0 ? "" : " x ").append(n);
        }
        return b.toString();
    }

    long rows() {
        return rows;
    }

    /** Checks that every chunk is in the chunk index and inside the file, or that contiguous data are. */
    void verify() {
        if (dataset instanceof ChunkedDataset c) {
            long chunks = (rows + chunkLength - 1) / chunkLength;
            for (long k = 0; k < chunks; k++) {
                raw(c, k);
            }
        } else if (dataset instanceof ContiguousDataset c) {
            long address = c.getDataAddress();
            long bytes = rows * type.size();
            if (rows > 0 && (c.isEmpty() || address < 0)) {
                throw new InvalidDataException(file + ": dataset '" + name + "' has no data in the file (it was created "
                        + "but never written)");
            }
            if (address + bytes > fileSize || address + bytes < 0) {
                throw new InvalidDataException(file + ": dataset '" + name + "' (rows 0.." + (rows - 1) + ") lies at bytes "
                        + address + ".." + (address + bytes - 1) + ", beyond the end of the file (" + fileSize
                        + " bytes): truncated, or its HDF5 metadata is damaged");
            }
        }
    }

    /**
     * Reads rows {@code start … start+n-1} into {@code out[0…n-1]}.
     *
     * @throws InvalidDataException naming the file, dataset, chunk and rows if they cannot be read exactly
     */
    void read(long start, int n, double[] out) {
        if (dataset instanceof ChunkedDataset c) {
            int done = 0;
            while (done < n) {
                long row = start + done;
                long k = row / chunkLength;
                ByteBuffer chunk = chunk(c, k);
                int inChunk = (int) (row - k * chunkLength);
                int take = Math.min(n - done, chunkLength - inChunk);
                type.decode(chunk, inChunk * type.size(), out, done, take);
                done += take;
            }
        } else {
            ByteBuffer b;
            try {
                if (dataset.getDataLayout() == DataLayout.COMPACT) {
                    b = ((DatasetBase) dataset).getDataBuffer().duplicate();
                    if (b.remaining() < rows * type.size()) {
                        throw new InvalidDataException(file + ": HDF5 metadata is damaged: compact dataset '" + name + "' holds "
                                + b.remaining() + " bytes for " + rows + " rows");
                    }
                    b.position(b.position() + (int) start * type.size()).limit(b.position() + n * type.size());
                } else {
                    b = ((DatasetBase) dataset).getSliceDataBuffer(new long[] {start}, new int[] {n});
                }
            } catch (RuntimeException e) {
                throw new InvalidDataException(file + ": dataset '" + name + "' rows " + start + ".." + (start + n - 1)
                        + " are unreadable: " + Hdf5Errors.brief(e));
            }
            if (b.remaining() != n * type.size()) {
                throw new InvalidDataException(file + ": dataset '" + name + "' rows " + start + ".." + (start + n - 1)
                        + " read as " + b.remaining() + " bytes, expected " + (long) n * type.size());
            }
            type.decode(b, b.position(), out, 0, n);
        }
    }

    private ByteBuffer chunk(ChunkedDataset c, long k) {
        if (k != cachedChunk) {
            cached = ByteBuffer.wrap(decode(c, k));
            cachedChunk = k;
        }
        return cached;
    }

    private String where(long k) {
        long first = k * chunkLength;
        return file + ": dataset '" + name + "' chunk " + k + " (rows " + first + ".." + (Math.min(rows, first + chunkLength) - 1) + ")";
    }

    private ByteBuffer raw(ChunkedDataset c, long k) {
        try {
            return c.getRawChunkBuffer(new int[] {(int) (k * chunkLength)});
        } catch (HdfException e) {
            if (String.valueOf(e.getMessage()).startsWith("No chunk")) {
                throw new InvalidDataException(where(k) + " is missing from the file: never written, or its chunk index "
                        + "is damaged (HDF5 would read it as the fill value)");
            }
            throw new InvalidDataException(where(k) + " is not inside the file (truncated, or its chunk index is damaged): "
                    + Hdf5Errors.brief(e));
        }
    }

    private byte[] decode(ChunkedDataset c, long k) {
        ByteBuffer raw = raw(c, k);
        byte[] b = new byte[raw.remaining()];
        raw.get(b);
        List<PipelineFilterWithData> filters = c.getFilters();
        for (int i = filters.size() - 1; i >= 0; i--) {
            PipelineFilterWithData f = filters.get(i);
            if (f.getId() == FLETCHER32) {
                b = Fletcher32.verifyAndStrip(b, () -> where(k));
                continue;
            }
            Filter filter = FILTERS.get(f.getId());
            if (filter == null) {
                throw new InvalidDataException(file + ": dataset '" + name + "' uses HDF5 filter " + f.getName() + " (id "
                        + f.getId() + "), which this reader does not decode");
            }
            try {
                b = filter.decode(b, f.getFilterData());
            } catch (RuntimeException e) {
                throw new InvalidDataException(where(k) + " cannot be decoded (" + f.getName() + "): " + Hdf5Errors.brief(e));
            }
        }
        long expected = (long) chunkLength * type.size();
        if (b.length != expected) {
            throw new InvalidDataException(where(k) + " decodes to " + b.length + " bytes, expected " + expected
                    + ": its data or chunk index is damaged");
        }
        return b;
    }
}
