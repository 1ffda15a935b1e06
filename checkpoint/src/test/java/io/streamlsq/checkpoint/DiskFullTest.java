package io.streamlsq.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.exceptions.HdfWritingException;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointPolicy;
import io.streamlsq.resume.Checkpointing;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 17: a full disk while writing a checkpoint is {@link CheckpointDiskFullException} ("no space left on
 * device while writing checkpoint FILE"), leaves no temporary file, and the checkpoints before stay good.
 */
class DiskFullTest {
    @TempDir
    Path tmp;
    List<Checkpoint> checkpoints;

    @BeforeEach
    void someCheckpoints() throws IOException {
        try (Hdf5CheckpointStore s = Hdf5CheckpointStore.open(tmp.resolve("source"), 1000)) {
            Hdf5CheckpointStoreTest.orchestrator(io.streamlsq.options.FitOptions.defaults()).fit(
                    Hdf5CheckpointStoreTest.problem(20_000, Hdf5CheckpointStoreTest.OSC),
                    Checkpointing.to(s, new CheckpointPolicy(Duration.ofDays(1), 2, true)));
            checkpoints = s.files().stream().limit(3).map(f -> {
                try {
                    return Hdf5CheckpointStore.read(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** jhdf's writer on a full disk: part of the file, then HdfWritingException("Exception writing", ENOSPC). */
    private static Hdf5CheckpointStore.TreeWriter fullAfter(int good, RuntimeException failure) {
        int[] calls = {0};
        return (tree, file) -> {
            if (calls[0]++ < good) {
                tree.write(file);
                return;
            }
            try (OutputStream o = Files.newOutputStream(file)) {
                o.write(new byte[4096]);
            }
            throw failure;
        };
    }

    @Test
    void simulatedNoSpaceIsNamedLeavesNoTemporaryFileAndKeepsTheCheckpointsBefore() throws IOException {
        Path dir = tmp.resolve("full");
        HdfWritingException enospc = new HdfWritingException("Exception writing", new IOException("No space left on device"));
        try (Hdf5CheckpointStore store = Hdf5CheckpointStore.open(dir, 2, fullAfter(2, enospc))) {
            store.save(checkpoints.get(0));
            store.save(checkpoints.get(1));
            CheckpointDiskFullException e = assertThrows(CheckpointDiskFullException.class, () -> store.save(checkpoints.get(2)));
            assertEquals("no space left on device while writing checkpoint " + dir.resolve("ckpt-00000003.h5"), e.getMessage());
            assertEquals(dir.resolve("ckpt-00000003.h5"), e.file());
            assertEquals(List.of(".lock", "ckpt-00000001.h5", "ckpt-00000002.h5"), names(dir));
            assertEquals(checkpoints.get(1).where(), store.latest().orElseThrow().where());
            assertTrue(store.warnings().isEmpty());
        }
    }

    @Test
    void noSpaceIsFoundAnywhereInTheCauseChainAndOtherFailuresAreNotCalledNoSpace() throws IOException {
        Path dir = tmp.resolve("chain");
        RuntimeException deep = new RuntimeException("close failed", new HdfWritingException("Exception writing at position: 7",
                new IOException("No space left on device")));
        try (Hdf5CheckpointStore store = Hdf5CheckpointStore.open(dir, 2, fullAfter(0, deep))) {
            assertThrows(CheckpointDiskFullException.class, () -> store.save(checkpoints.get(0)));
        }
        Path other = tmp.resolve("other");
        try (Hdf5CheckpointStore store = Hdf5CheckpointStore.open(other, 2, fullAfter(0,
                new HdfWritingException("Exception writing", new IOException("Input/output error"))))) {
            IOException e = assertThrows(IOException.class, () -> store.save(checkpoints.get(0)));
            assertFalse(e instanceof CheckpointDiskFullException, e.toString());
            assertTrue(e.getMessage().startsWith("cannot write checkpoint " + other.resolve("ckpt-00000001.h5")), e.getMessage());
            assertEquals(List.of(".lock"), names(other));
        }
    }

    /**
     * A real full file system: a tmpfs mounted for the test (root only; skipped otherwise). Unmounted lazily:
     * jhdf's memory mappings of files read keep the mount busy until they are collected.
     */
    @Test
    void aRealFullTmpfs() throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        String out = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(m.waitFor() == 0, "mounting a tmpfs needs root: " + out.trim());
        try {
            Path dir = Files.createDirectories(mnt.resolve("ck"));
            long one = Files.size(checkpointFile());
            Path filler = mnt.resolve("filler");
            try (Hdf5CheckpointStore store = Hdf5CheckpointStore.open(dir)) {
                store.save(checkpoints.get(0));
                Files.write(filler, new byte[(int) (Files.getFileStore(mnt).getUsableSpace() - one / 2)]);
                long free = Files.getFileStore(mnt).getUsableSpace();
                CheckpointDiskFullException e = assertThrows(CheckpointDiskFullException.class, () -> store.save(checkpoints.get(1)));
                assertEquals(free, Files.getFileStore(mnt).getUsableSpace(), "the partial file's space is given back");
                assertEquals("no space left on device while writing checkpoint " + dir.resolve("ckpt-00000002.h5"), e.getMessage());
                assertEquals(List.of(".lock", "ckpt-00000001.h5"), names(dir));
                assertArrayEquals(checkpoints.get(0).fit().theta(), store.latest().orElseThrow().fit().theta());
                Files.delete(filler);
                store.save(checkpoints.get(1));
                assertEquals(checkpoints.get(1).where(), store.latest().orElseThrow().where());
            }
        } finally {
            new ProcessBuilder("umount", "-l", mnt.toString()).start().waitFor();
        }
    }

    private Path checkpointFile() throws IOException {
        return Hdf5CheckpointStore.checkpointFiles(tmp.resolve("source")).get(0);
    }
}
