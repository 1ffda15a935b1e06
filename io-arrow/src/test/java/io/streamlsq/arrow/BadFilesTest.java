package io.streamlsq.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.problems.DecayModel;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.junit.jupiter.api.Test;

/** Truncated, corrupt, empty and mistyped files are refused with a message saying so, and nothing leaks. */
class BadFilesTest extends ArrowTestBase {

    private Path write(String name, int rows) throws IOException {
        SyntheticDataSource s = SyntheticDataSource.of(BuiltinProblem.DECAY, rows, 4_000, 2);
        Path f = dir.resolve(name);
        List<String> cols = List.of("x", "y");
        if (name.endsWith(".arrow")) {
            ArrowWriters.writeFile(s, cols, f, 2_500, root);
        } else if (name.endsWith(".arrows")) {
            ArrowWriters.writeStream(s, cols, f, 2_500, root);
        } else {
            ArrowWriters.writeParquet(s, cols, f, 2_500, root);
        }
        return f;
    }

    private DataSource open(Path f) throws IOException {
        String n = f.getFileName().toString();
        if (n.endsWith(".arrow")) {
            return ArrowFileDataSource.open(f, root, InvalidRows.REFUSE);
        }
        if (n.endsWith(".arrows")) {
            return ArrowStreamDataSource.open(f, root, InvalidRows.REFUSE);
        }
        return ParquetDataSource.open(f, InvalidRows.REFUSE);
    }

    private FitResult fit(DataSource s) {
        return Fits.fit(FitProblem.builder(new DecayModel(), s).initial(1, 0.5, 0).build());
    }

    @Test
    void writtenFilesReadBackAndFitTheSame() throws IOException {
        FitResult ref = fit(Fits.materialize(SyntheticDataSource.of(BuiltinProblem.DECAY, 10_000, 4_000, 2), 2_500));
        for (String name : List.of("d.arrow", "d.arrows", "d.parquet")) {
            DataSource s = open(write(name, 10_000));
            FitResult r = fit(s);
            assertArrayEquals(ref.values(), r.values(), name + " changes the rows");
            s.close();
        }
    }

    @Test
    void twoThreadsOnAnArrowFileGiveTheBitsOfOne() throws IOException {
        DataSource s = open(write("t.arrow", 50_000));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            FitProblem p = FitProblem.builder(new DecayModel(), s).initial(1, 0.5, 0).build();
            FitResult one = Fits.fit(p, FitOptions.defaults(), PassExecutor.sequential());
            FitResult two = Fits.fit(p, FitOptions.defaults(), PassExecutor.parallel(pool, 2));
            assertArrayEquals(one.values(), two.values());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void truncatedFilesAreRefusedAtEveryOffset() throws IOException {
        for (String name : List.of("c.arrow", "c.arrows", "c.parquet")) {
            Path full = write(name, 10_000);
            long size = Files.size(full);
            for (long cut : new long[] {0, 5, 100, size / 3, size / 2, size - 100, size - 1}) {
                Path t = dir.resolve("cut-" + cut + "-" + name);
                Files.copy(full, t);
                try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE)) {
                    ch.truncate(cut);
                }
                InvalidDataException e = assertThrows(InvalidDataException.class, () -> {
                    try (DataSource s = open(t)) {
                        fit(s);
                    }
                }, name + " cut at " + cut + " of " + size);
                String m = e.getMessage();
                assertTrue(m.contains(t.toString()) && (m.contains("truncated") || m.contains("empty")),
                        name + " cut at " + cut + ": " + m);
            }
        }
    }

    /**
     * Four bytes overwritten in the middle of an Arrow file: the file is refused with a message naming it, or
     * read to exactly the values written — never to other values (a converged fit on other values would pass
     * unnoticed). Parquet pages: ParquetPagesTest (Arrow IPC and CRC-less Parquet files have no checksum over
     * the values, so only damage to their structure can be noticed).
     */
    @Test
    void aCorruptBatchIsRefused() throws IOException {
        for (String name : List.of("x.arrow")) {
            Path f = write(name, 10_000);
            double[][] want;
            try (DataSource s = open(f)) {
                want = new double[][] {ParquetTypesTest.read(s, "x"), ParquetTypesTest.read(s, "y")};
            }
            long size = Files.size(f);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f}), size / 2);
            }
            try (DataSource s = open(f)) {
                assertArrayEquals(want[0], ParquetTypesTest.read(s, "x"), name + ": x read as other values");
                assertArrayEquals(want[1], ParquetTypesTest.read(s, "y"), name + ": y read as other values");
            } catch (InvalidDataException e) {
                assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
            }
        }
    }

    @Test
    void aTextColumnIsRefusedByNameAndType() throws IOException {
        Path f = dir.resolve("text.arrow");
        try (BufferAllocator a = root.newChildAllocator("w", 0, Long.MAX_VALUE);
                VarCharVector v = new VarCharVector("y", a)) {
            v.allocateNew(2);
            v.setSafe(0, "a".getBytes());
            v.setSafe(1, "b".getBytes());
            v.setValueCount(2);
            try (VectorSchemaRoot r = VectorSchemaRoot.of(v);
                    FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    ArrowFileWriter w = new ArrowFileWriter(r, null, ch)) {
                w.start();
                w.writeBatch();
                w.end();
            }
        }
        try (DataSource s = open(f)) {
            InvalidDataException e = assertThrows(InvalidDataException.class, () -> s.open(List.of("y"), 0));
            assertTrue(e.getMessage().contains("column 'y' has type Utf8"), e.getMessage());
        }
    }

    @Test
    void fingerprintsDifferWhenTheContentDiffers() throws IOException {
        Path a = write("f1.arrow", 5_000);
        String fa = open(a).fingerprint();
        assertEquals(fa, open(a).fingerprint());
        SyntheticDataSource other = SyntheticDataSource.of(BuiltinProblem.DECAY, 5_000, 4_000, 3);
        Path b = dir.resolve("f2.arrow");
        ArrowWriters.writeFile(other, List.of("x", "y"), b, 2_500, root);
        assertTrue(!fa.equals(open(b).fingerprint()));
    }
}
