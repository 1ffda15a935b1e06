package io.streamlsq.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.options.FitOptions;
import io.streamlsq.resume.CheckpointPolicy;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.resume.CorruptCheckpointException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 19: one store per checkpoint directory. A second store, in this JVM or another process, is refused
 * naming the holder, and does not touch the holder's temporary file; closing (or the holder's death) frees it.
 */
class DirectoryLockTest {
    @TempDir
    Path tmp;

    private static void fit(Hdf5CheckpointStore store) throws IOException {
        Hdf5CheckpointStoreTest.orchestrator(FitOptions.defaults()).fit(Hdf5CheckpointStoreTest.problem(20_000,
                Hdf5CheckpointStoreTest.OSC), Checkpointing.to(store, new CheckpointPolicy(Duration.ofDays(1), 2, true)));
    }

    @Test
    void aSecondStoreInThisJvmIsRefusedNamingTheHolderUntilTheFirstCloses() throws IOException {
        Path dir = tmp.resolve("ck");
        Hdf5CheckpointStore first = Hdf5CheckpointStore.open(dir);
        fit(first);
        for (Path same : List.of(dir, tmp.resolve("x/../ck"), dir.toAbsolutePath())) {
            Files.createDirectories(tmp.resolve("x"));
            CheckpointDirectoryInUseException e = assertThrows(CheckpointDirectoryInUseException.class,
                    () -> Hdf5CheckpointStore.open(same), same.toString());
            assertTrue(e.getMessage().startsWith("checkpoint directory " + same + " is in use by process "
                    + ProcessHandle.current().pid() + " on host "), e.getMessage());
            assertTrue(e.getMessage().matches(".* since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ .*"), e.getMessage());
            assertThrows(CheckpointDirectoryInUseException.class, () -> Hdf5CheckpointStore.existing(same), "resume");
        }
        Files.writeString(dir.resolve(".ckpt-77.h5.tmp"), "being written by the holder");
        assertThrows(CheckpointDirectoryInUseException.class, () -> Hdf5CheckpointStore.open(dir));
        assertTrue(Files.exists(dir.resolve(".ckpt-77.h5.tmp")), "a refused store leaves the holder's temporary file alone");
        first.close();
        first.close();
        assertThrows(IllegalStateException.class, () -> first.save(Hdf5CheckpointStore.read(first.files().get(0))));
        try (Hdf5CheckpointStore second = Hdf5CheckpointStore.existing(dir)) {
            assertTrue(Files.notExists(dir.resolve(".ckpt-77.h5.tmp")), "the lock holder removes a leftover");
            assertEquals(2, second.files().size());
        }
    }

    @Test
    void theLockFileIsNotACheckpoint() throws IOException {
        Path dir = tmp.resolve("empty");
        Hdf5CheckpointStore.open(dir).close();
        assertTrue(Files.exists(dir.resolve(".lock")));
        assertEquals(List.of(), Hdf5CheckpointStore.checkpointFiles(dir));
        var e = assertThrows(CorruptCheckpointException.class, () -> Hdf5CheckpointStore.existing(dir));
        assertTrue(e.getMessage().contains("holds no checkpoint"), e.getMessage());
        try (Hdf5CheckpointStore again = Hdf5CheckpointStore.open(dir)) {
            assertEquals(List.of(), again.files());
        }
    }

    private static Process holder(Path dir) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    @Test
    void anotherProcessHoldingTheDirectoryIsNamedAndItsEndFreesIt() throws Exception {
        Path dir = tmp.resolve("shared");
        Files.createDirectories(dir);
        Process child = holder(dir);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        try {
            assertEquals("locked " + child.pid(), out.readLine());
            Files.writeString(dir.resolve(".ckpt-1.h5.tmp"), "the child's write in progress");
            CheckpointDirectoryInUseException e = assertThrows(CheckpointDirectoryInUseException.class,
                    () -> Hdf5CheckpointStore.open(dir));
            String host = InetAddress.getLocalHost().getHostName();
            assertTrue(e.getMessage().startsWith("checkpoint directory " + dir + " is in use by process " + child.pid()
                    + " on host " + host + " since "), e.getMessage());
            assertTrue(Files.exists(dir.resolve(".ckpt-1.h5.tmp")), "not removed while the other process holds the lock");
            child.getOutputStream().close();
            assertEquals("released", out.readLine());
            assertEquals(0, child.waitFor());
        } finally {
            child.destroyForcibly();
        }
        Hdf5CheckpointStore.open(dir).close();
        assertTrue(Files.notExists(dir.resolve(".ckpt-1.h5.tmp")));
    }

    @Test
    void aKilledHolderLeavesNoLockBehind() throws Exception {
        Path dir = tmp.resolve("killed");
        Files.createDirectories(dir);
        Process child = holder(dir);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked " + child.pid(), out.readLine());
        assertThrows(CheckpointDirectoryInUseException.class, () -> Hdf5CheckpointStore.open(dir));
        child.destroyForcibly().waitFor();
        assertTrue(Files.size(dir.resolve(".lock")) > 0, "the killed holder's record is still there");
        try (Hdf5CheckpointStore s = Hdf5CheckpointStore.open(dir)) {
            assertTrue(Files.readString(dir.resolve(".lock")).contains("pid=" + ProcessHandle.current().pid()));
        }
    }
}
