package io.streamlsq.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.problems.BuiltinProblem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.MetadataVersion;
import org.junit.jupiter.api.Test;

/**
 * Damage that keeps a file's size: a stream cut exactly between batches (no end-of-stream marker), bit flips
 * in Arrow and Parquet footers, Feather V1, a named pipe. Each is read as written or refused with one line
 * that names the file and says what is wrong (never "truncated" for a file that is not).
 */
class DamagedFilesTest extends ArrowTestBase {

    private Path write(String name, int rows, int batchRows) throws IOException {
        SyntheticDataSource s = SyntheticDataSource.of(BuiltinProblem.DECAY, rows, 4_000, 2);
        Path f = dir.resolve(name);
        if (name.endsWith(".arrow")) {
            ArrowWriters.writeFile(s, List.of("x", "y"), f, batchRows, root);
        } else if (name.endsWith(".arrows")) {
            ArrowWriters.writeStream(s, List.of("x", "y"), f, batchRows, root);
        } else {
            ArrowWriters.writeParquet(s, List.of("x", "y"), f, batchRows, root);
        }
        return f;
    }

    private DataSource open(Path f) throws IOException {
        String n = f.getFileName().toString();
        if (n.endsWith(".arrow") || n.endsWith(".feather")) {
            return ArrowFileDataSource.open(f, root, InvalidRows.REFUSE);
        }
        if (n.endsWith(".arrows")) {
            return ArrowStreamDataSource.open(f, root, InvalidRows.REFUSE);
        }
        return ParquetDataSource.open(f, InvalidRows.REFUSE);
    }

    private double[][] readBoth(Path f) throws IOException {
        try (DataSource s = open(f)) {
            return new double[][] {ParquetTypesTest.read(s, "x"), ParquetTypesTest.read(s, "y")};
        }
    }

    /** Where each message of a stream ends (after its body), and whether it is a record batch. */
    private static List<long[]> messageEnds(Path f) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        List<long[]> ends = new ArrayList<>();
        int pos = 0;
        while (pos < b.limit()) {
            int len = b.getInt(pos);
            int prefix = 4;
            if (len == -1) {
                len = b.getInt(pos + 4);
                prefix = 8;
            }
            if (len == 0) {
                break;
            }
            Message m = Message.getRootAsMessage(b.slice(pos + prefix, len).order(ByteOrder.LITTLE_ENDIAN));
            pos += prefix + len + (int) m.bodyLength();
            ends.add(new long[] {pos, m.headerType() == MessageHeader.RecordBatch ? 1 : 0});
        }
        return ends;
    }

    private Path cut(Path full, long at, String name) throws IOException {
        Path t = dir.resolve(name);
        Files.copy(full, t);
        try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE)) {
            ch.truncate(at);
        }
        return t;
    }

    @Test
    void aStreamCutBetweenBatchesIsRefused() throws IOException {
        for (int batchRows : new int[] {1_000, 3_000, 10_000}) {
            Path full = write("s" + batchRows + ".arrows", 10_000, batchRows);
            assertEquals(10_000, readBoth(full)[0].length);
            List<long[]> ends = messageEnds(full);
            assertTrue(ends.size() >= 2, "schema and batches");
            for (long[] end : ends) { // after the schema only, and after each batch, the last one included
                Path t = cut(full, end[0], "cut" + batchRows + "-" + end[0] + ".arrows");
                InvalidDataException e = assertThrows(InvalidDataException.class, () -> readBoth(t), t.toString());
                assertTrue(e.getMessage().contains(t.toString()) && e.getMessage().contains("end-of-stream marker"),
                        e.getMessage());
            }
        }
    }

    @Test
    void aLegacyStreamWithItsFourByteEndMarkerIsComplete() throws IOException {
        Path f = dir.resolve("legacy.arrows");
        try (BufferAllocator a = root.newChildAllocator("legacy", 0, Long.MAX_VALUE);
                Float8Vector x = new Float8Vector("x", a);
                Float8Vector y = new Float8Vector("y", a)) {
            x.allocateNew(100);
            y.allocateNew(100);
            for (int i = 0; i < 100; i++) {
                x.set(i, i);
                y.set(i, 2 * i);
            }
            x.setValueCount(100);
            y.setValueCount(100);
            try (VectorSchemaRoot r = new VectorSchemaRoot(List.of(x, y));
                    var os = Files.newOutputStream(f);
                    ArrowStreamWriter w = new ArrowStreamWriter(r, null, Channels.newChannel(os),
                            new IpcOption(true, MetadataVersion.V5))) {
                r.setRowCount(100);
                w.start();
                w.writeBatch();
                w.writeBatch();
                w.end();
            }
        }
        assertEquals(200, readBoth(f)[1].length);
        long size = Files.size(f);
        Path t = cut(f, size - 4, "legacy-cut.arrows");
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> readBoth(t));
        assertTrue(e.getMessage().contains("end-of-stream marker"), e.getMessage());
    }

    /** Flips bits in the footer (by its stored length); each result must be the original values or a clear refusal. */
    private void flipFooter(String name, int flips) throws IOException {
        Path full = write(name, 20_000, 2_000);
        double[][] want = readBoth(full);
        long size = Files.size(full);
        ByteBuffer trailer = ByteBuffer.wrap(Files.readAllBytes(full)).order(ByteOrder.LITTLE_ENDIAN);
        int lengthAt = name.endsWith(".parquet") ? (int) size - 8 : (int) size - 10;
        int tail = trailer.getInt(lengthAt) + (int) size - lengthAt;
        SplittableRandom rnd = new SplittableRandom(42);
        int refused = 0;
        for (int k = 0; k < flips; k++) {
            long at = size - 1 - rnd.nextInt(Math.min(tail, (int) size));
            int mask = 1 << rnd.nextInt(8);
            Path t = dir.resolve("flip-" + k + "-" + name);
            Files.copy(full, t);
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                ch.read(one, at);
                one.put(0, (byte) (one.get(0) ^ mask));
                one.rewind();
                ch.write(one, at);
            }
            try {
                double[][] got = readBoth(t);
                assertArrayEquals(want[0], got[0], "x from " + t + " (byte " + at + " ^ " + mask + ")");
                assertArrayEquals(want[1], got[1], "y from " + t + " (byte " + at + " ^ " + mask + ")");
            } catch (InvalidDataException e) {
                refused++;
                String m = e.getMessage();
                assertTrue(m.startsWith(t.toString()), m);
                assertFalse(m.contains("truncated"), "byte " + at + " ^ " + mask + " (the size is intact): " + m);
                assertFalse(m.contains("LocalInputFile@") || m.endsWith(": null") || m.contains("\n"), m);
            }
            Files.delete(t);
        }
        assertTrue(refused > 0, "no flip was noticed in " + name);
    }

    @Test
    void arrowFooterFlipsAreReadCorrectlyOrRefused() throws IOException {
        flipFooter("ff.arrow", 150);
    }

    @Test
    void parquetFooterFlipsAreReadCorrectlyOrRefused() throws IOException {
        flipFooter("pf.parquet", 150);
    }

    @Test
    void featherV1IsRefusedByName() throws IOException {
        Path f = dir.resolve("old.feather");
        byte[] b = new byte[256];
        System.arraycopy("FEA1".getBytes(), 0, b, 0, 4);
        System.arraycopy("FEA1".getBytes(), 0, b, 252, 4);
        Files.write(f, b);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> open(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("Feather V1 is not supported"),
                e.getMessage());
    }

    @Test
    void aNamedPipeIsRefusedAsAPipeNotAsEmpty() throws Exception {
        for (String name : List.of("pipe.arrows", "pipe.arrow", "pipe.parquet")) {
            Path p = dir.resolve(name);
            Process mk = new ProcessBuilder("mkfifo", p.toString()).start();
            assertEquals(0, mk.waitFor());
            InvalidDataException e = assertThrows(InvalidDataException.class, () -> open(p));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("pipe")
                    && !e.getMessage().contains("empty"), e.getMessage());
        }
    }
}
