package io.streamlsq.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mapped fast path reads a value buffer larger than its window in window-sized pieces (one mapping holds
 * at most 2 GiB, so a batch with a larger column used to fail): small windows here, every type, odd offsets.
 */
class MappedWindowTest {
    @TempDir
    Path dir;

    @Test
    void buffersLargerThanTheWindowAreReadInPiecesToTheSameValues() throws IOException {
        int n = 10_000;
        SplittableRandom rnd = new SplittableRandom(5);
        double[] d = new double[n];
        float[] f = new float[n];
        int[] i32 = new int[n];
        long[] i64 = new long[n];
        ByteBuffer b = ByteBuffer.allocate(3 + n * (8 + 4 + 4 + 8)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(3); // an odd offset
        for (int k = 0; k < n; k++) {
            d[k] = rnd.nextGaussian();
            b.putDouble(d[k]);
        }
        for (int k = 0; k < n; k++) {
            f[k] = (float) rnd.nextGaussian();
            b.putFloat(f[k]);
        }
        for (int k = 0; k < n; k++) {
            i32[k] = rnd.nextInt();
            b.putInt(i32[k]);
        }
        for (int k = 0; k < n; k++) {
            i64[k] = rnd.nextLong();
            b.putLong(i64[k]);
        }
        Path file = dir.resolve("raw.bin");
        Files.write(file, b.array());
        double[] want64 = d;
        double[] wantF = new double[n];
        double[] wantI = new double[n];
        double[] wantL = new double[n];
        for (int k = 0; k < n; k++) {
            wantF[k] = f[k];
            wantI[k] = i32[k];
            wantL[k] = i64[k];
        }
        for (long window : new long[] {8, 100, 1_000, 4_096, 80_000, 1 << 20}) {
            try (FileChannel ch = FileChannel.open(file)) {
                MappedBatches.Window w = new MappedBatches.Window(ch, window);
                readsEveryType(w, n, "window " + window, want64, wantF, wantI, wantL);
                w.close();
            }
        }
        // the default: the whole file mapped once in segments shared by all cursors; values that straddle a segment
        // boundary (odd offsets) are read from the segment they start in, whose overlap holds their end
        for (long segment : new long[] {8, 96, 1_000, 4_096, 80_000, 1 << 20}) {
            try (FileChannel ch = FileChannel.open(file);
                    MappedBatches.SharedMapping shared = new MappedBatches.SharedMapping(ch, segment)) {
                for (int cursor = 0; cursor < 2; cursor++) {
                    MappedBatches.Window w = new MappedBatches.Window(ch, shared);
                    readsEveryType(w, n, "segment " + segment, want64, wantF, wantI, wantL);
                    w.close(); // a cursor's close leaves the shared mapping to its owner
                }
            }
        }
    }

    /** The four value buffers written at offset 3 (float64, float32, int32, int64) read back; past the end refused. */
    private static void readsEveryType(MappedBatches.Window w, int n, String what, double[] want64, double[] wantF,
            double[] wantI, double[] wantL) throws IOException {
        double[] out = new double[n];
        w.read(3, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), out, n);
        assertArrayEquals(want64, out, "float64, " + what);
        w.read(3 + 8L * n, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), out, n);
        assertArrayEquals(wantF, out, "float32, " + what);
        w.read(3 + 12L * n, new ArrowType.Int(32, true), out, n);
        assertArrayEquals(wantI, out, "int32, " + what);
        w.read(3 + 16L * n, new ArrowType.Int(64, true), out, n);
        assertArrayEquals(wantL, out, "int64, " + what);
        assertThrows(IOException.class, () -> w.read(3 + 16L * n + 8, new ArrowType.Int(64, true), new double[n], n));
    }
}
