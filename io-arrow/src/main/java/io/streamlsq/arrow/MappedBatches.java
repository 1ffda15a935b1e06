package io.streamlsq.arrow;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The fast path of {@link ArrowFileDataSource}: where a record batch is uncompressed and a column has no
 * nulls, its values are read straight from a memory mapping of the file into the chunk's buffers — one
 * copy, instead of the stock reader's copy into Arrow buffers followed by ours. The layout of every batch
 * (where each column's value buffer starts, its null count) comes from the batch metadata, read once.
 * By default the whole file is mapped once per source, in segments of at most 1 GiB, and the mappings are kept
 * for the life of the source: every pass reads through the same page tables, as a C program that maps its file
 * once does (re-mapping moving windows made every pass pay for building them again: system time was 45 % of a
 * 10⁸-row fit). The mapped pages are the kernel's page cache, shared and reclaimable, not process memory
 * (docs/data.md says how memory is counted). With {@code -Dstreamlsq.arrow.window.mib=N} each cursor maps a
 * moving window of N MiB instead and unmaps it when it moves, so the mapped part of the resident set stays at a
 * window per worker.
 */
final class MappedBatches {
    /** A moving window per cursor (MiB), or null: the whole file mapped once per source. */
    private static final Long WINDOW_MIB = Long.getLong("streamlsq.arrow.window.mib");
    private static final long WINDOW = (WINDOW_MIB == null ? 128 : WINDOW_MIB) << 20;

    /** Whether cursors share one mapping of the whole file (the default). */
    static boolean sharedByDefault() {
        return WINDOW_MIB == null;
    }

    /** The whole file mapped read-only in segments of at most {@link #SEGMENT} bytes, shared by all cursors. */
    static final class SharedMapping implements AutoCloseable {
        static final long SEGMENT = 1L << 30;
        static final long OVERLAP = 64;
        private final MappedByteBuffer[] segments;
        private final long size;
        private final long segmentBytes;

        SharedMapping(FileChannel channel) throws IOException {
            this(channel, SEGMENT);
        }

        /** With segments of {@code segmentBytes} (a multiple of 8; tests use small ones to cross their boundaries). */
        SharedMapping(FileChannel channel, long segmentBytes) throws IOException {
            this.size = channel.size();
            this.segmentBytes = segmentBytes;
            long seg = segmentBytes;
            int n = (int) ((size + seg - 1) / seg);
            this.segments = new MappedByteBuffer[n];
            try {
                for (int i = 0; i < n; i++) {
                    long start = i * seg;
                    // each segment runs 64 bytes into the next: a value that starts in it ends in it, aligned or not
                    segments[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(seg + OVERLAP, size - start));
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        long size() {
            return size;
        }

        /** The segment holding byte {@code at}, and the bytes from there to the segment's end. */
        MappedByteBuffer segment(long at) {
            return segments[(int) (at / segmentBytes)];
        }

        long segmentBytes() {
            return segmentBytes;
        }

        @Override
        public void close() {
            for (int i = 0; i < segments.length; i++) {
                unmap(segments[i]);
                segments[i] = null;
            }
        }
    }
    /** sun.misc.Unsafe (module jdk.unsupported) to unmap a window at once rather than at some later GC. */
    private static final Object UNSAFE;
    private static final java.lang.reflect.Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        java.lang.reflect.Method cleaner = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            cleaner = c.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null; // mappings are then released by the GC
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = cleaner;
    }

    /** Unmaps {@code map} now; no view of it may be used afterwards. */
    static void unmap(MappedByteBuffer map) {
        if (map != null && INVOKE_CLEANER != null) {
            try {
                INVOKE_CLEANER.invoke(UNSAFE, map);
            } catch (ReflectiveOperationException e) {
                // left to the GC
            }
        }
    }

    /** Per batch: absolute file offset of each field's value buffer (-1: no fast path), and its null count. */
    record Layout(long[] valueOffset, long[] nullCount, boolean compressed) {
    }

    private MappedBatches() {
    }

    /** How many IPC buffers a field of this type has, or -1 when the fast path does not handle the schema. */
    static int bufferCount(Field f) {
        if (!f.getChildren().isEmpty()) {
            return -1;
        }
        ArrowType t = f.getType();
        if (t instanceof ArrowType.Utf8 || t instanceof ArrowType.Binary || t instanceof ArrowType.LargeUtf8
                || t instanceof ArrowType.LargeBinary) {
            return 3;
        }
        if (t instanceof ArrowType.Null) {
            return 0;
        }
        if (t instanceof ArrowType.Int || t instanceof ArrowType.FloatingPoint || t instanceof ArrowType.Bool
                || t instanceof ArrowType.Date || t instanceof ArrowType.Time || t instanceof ArrowType.Timestamp
                || t instanceof ArrowType.Decimal || t instanceof ArrowType.Duration || t instanceof ArrowType.Interval
                || t instanceof ArrowType.FixedSizeBinary) {
            return 2;
        }
        return -1;
    }

    /** Whether {@link Window#read} handles the field: plain integers, float32 and float64. */
    static boolean fast(Field f) {
        ArrowType t = f.getType();
        return f.getDictionary() == null && (t instanceof ArrowType.Int
                || (t instanceof ArrowType.FloatingPoint fp && fp.getPrecision() != FloatingPointPrecision.HALF));
    }

    /** The layout of one batch from its metadata, or null when the schema is not flat. */
    static Layout layout(Schema schema, RecordBatch rb, long bodyStart) {
        List<Field> fields = schema.getFields();
        long[] offsets = new long[fields.size()];
        long[] nulls = new long[fields.size()];
        int buffer = 0;
        if (rb.nodesLength() != fields.size()) {
            return null;
        }
        for (int f = 0; f < fields.size(); f++) {
            int count = bufferCount(fields.get(f));
            if (count < 0) {
                return null;
            }
            nulls[f] = rb.nodes(f).nullCount();
            offsets[f] = count == 2 && fast(fields.get(f)) ? bodyStart + rb.buffers(buffer + 1).offset() : -1;
            buffer += count;
        }
        if (buffer != rb.buffersLength()) {
            return null;
        }
        return new Layout(offsets, nulls, rb.compression() != null);
    }

    /**
     * Reads values from the file: through the source's {@link SharedMapping}, or through a moving read-only window
     * of its own. Not thread-safe: one per cursor (the shared mapping itself is only read).
     */
    static final class Window {
        private final FileChannel channel;
        private final long size;
        private final long window;
        private final SharedMapping shared;
        private MappedByteBuffer map;
        private long start = -1;
        private long end = -1;

        Window(FileChannel channel) throws IOException {
            this(channel, WINDOW);
        }

        /** Reads through {@code shared}, which the caller keeps open for as long as this window is used. */
        Window(FileChannel channel, SharedMapping shared) throws IOException {
            this.channel = channel;
            this.size = shared.size();
            this.window = shared.segmentBytes();
            this.shared = shared;
        }

        /** With a window of {@code windowBytes} (tests use small ones to exercise reads in pieces). */
        Window(FileChannel channel, long windowBytes) throws IOException {
            this.channel = channel;
            this.size = channel.size();
            this.window = Math.min(windowBytes, Integer.MAX_VALUE - 8); // one mapping holds at most 2 GiB
            this.shared = null;
        }

        /**
         * Copies {@code n} values of the given type at file offset {@code at} into {@code out}, widened to double.
         * A buffer larger than the window (a mapping holds at most 2 GiB) is read in window-sized pieces.
         */
        void read(long at, ArrowType type, double[] out, int n) throws IOException {
            int width = width(type);
            if (at < 0 || at + (long) n * width > size) {
                throw new IOException("a value buffer ends past the end of the file (truncated?)");
            }
            int piece = (int) Math.max(1, Math.min(window, Integer.MAX_VALUE - 8) / width);
            for (int done = 0; done < n; ) {
                int count = Math.min(piece, n - done);
                if (shared != null) {
                    // a piece holds the values that start in one segment (the segment's overlap holds the last one's end)
                    long pos = at + (long) done * width;
                    long room = (window - pos % window + width - 1) / width;
                    count = (int) Math.max(1, Math.min(count, room));
                }
                readPiece(at + (long) done * width, type, width, out, done, count);
                done += count;
            }
        }

        private void readPiece(long at, ArrowType type, int width, double[] out, int off, int n) throws IOException {
            long len = (long) n * width;
            if (at < 0 || at + len > size) {
                throw new IOException("a value buffer ends past the end of the file (truncated?)");
            }
            if (shared != null) {
                map = shared.segment(at);
                start = at - at % window;
                end = start + map.capacity();
            } else if (map == null || at < start || at + len > end) {
                unmap(map); // the old window's pages leave the resident set now, not at some later GC
                map = null;
                start = at;
                end = Math.min(size, at + Math.max(len, window));
                map = channel.map(FileChannel.MapMode.READ_ONLY, start, end - start);
                map.order(ByteOrder.LITTLE_ENDIAN);
            }
            int pos = (int) (at - start);
            if (type instanceof ArrowType.FloatingPoint fp) {
                if (fp.getPrecision() == FloatingPointPrecision.DOUBLE) {
                    map.slice(pos, (int) len).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out, off, n);
                } else {
                    var fb = map.slice(pos, (int) len).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                    for (int i = 0; i < n; i++) {
                        out[off + i] = fb.get(i);
                    }
                }
                return;
            }
            ArrowType.Int it = (ArrowType.Int) type;
            var b = map.slice(pos, (int) len).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[off + i] = switch (it.getBitWidth()) {
                    case 8 -> it.getIsSigned() ? b.get(i) : b.get(i) & 0xff;
                    case 16 -> it.getIsSigned() ? b.getShort(2 * i) : b.getShort(2 * i) & 0xffff;
                    case 32 -> it.getIsSigned() ? b.getInt(4 * i) : b.getInt(4 * i) & 0xffffffffL;
                    default -> it.getIsSigned() ? b.getLong(8 * i) : unsignedLong(b.getLong(8 * i));
                };
            }
        }

        /** Unmaps the current window (a shared mapping stays: its source closes it). */
        void close() {
            if (shared == null) {
                unmap(map);
            }
            map = null;
        }

        private static double unsignedLong(long v) {
            return ParquetNumeric.unsigned(v);
        }

        static int width(ArrowType type) {
            if (type instanceof ArrowType.FloatingPoint fp) {
                return fp.getPrecision() == FloatingPointPrecision.DOUBLE ? 8 : 4;
            }
            return ((ArrowType.Int) type).getBitWidth() / 8;
        }
    }
}
