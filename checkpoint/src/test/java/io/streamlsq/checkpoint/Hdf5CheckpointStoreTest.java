package io.streamlsq.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.PhaseSchedule;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointMismatchException;
import io.streamlsq.resume.CheckpointPolicy;
import io.streamlsq.resume.CheckpointStore;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.resume.CorruptCheckpointException;
import io.streamlsq.testkit.RowModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 6: the HDF5 store — round trips that resume exactly, atomic rotation, and every refusal. */
class Hdf5CheckpointStoreTest {
    static final RowModel.Row ROW = (x, p, g) -> {
                double e = Math.exp(-p[1] * x[0]);
                double cs = Math.cos(p[2] * x[0]);
                if (g != null) {
                    g[0] = e * cs;
                    g[1] = -p[0] * x[0] * e * cs;
                    g[2] = -p[0] * e * x[0] * Math.sin(p[2] * x[0]);
                    g[3] = 1;
                }
                return p[0] * e * cs + p[3];
            };
    static final RowModel OSC = new RowModel(List.of("A", "k", "w", "c"), List.of("x"), "A*exp(-k*x)*cos(w*x)+c", ROW);
    static final CheckpointPolicy EVERY_4_CHUNKS = new CheckpointPolicy(Duration.ofDays(1), 4, true);
    static final FitOptions WARM = FitOptions.builder().warmup(WarmupOptions.on().withSampleRows(8_000)).build();

    @TempDir
    Path tmp;

    static FitProblem problem(int rows, RowModel model) {
        double[] x = new double[rows];
        double[] y = new double[rows];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < rows; i++) {
            x[i] = 10.0 * i / (rows - 1);
            y[i] = 2 * Math.exp(-0.3 * x[i]) * Math.cos(3 * x[i]) + 0.5 + 0.05 * rng.nextGaussian();
        }
        return FitProblem.builder(model, InMemoryDataSource.ofXY(x, y, 4096)).initial(1.0, 0.5, 3.3, 0.0).build();
    }

    static PhaseOrchestrator orchestrator(FitOptions o) {
        return new PhaseOrchestrator(o, PassExecutor.sequential(), Ticker.system(), List.of());
    }

    /** A store that always returns one file's checkpoint. */
    record FileStore(Path file) implements CheckpointStore {
        @Override
        public void save(Checkpoint c) {
        }

        @Override
        public Optional<Checkpoint> latest() throws IOException {
            return Optional.of(Hdf5CheckpointStore.read(file));
        }

        @Override
        public List<String> warnings() {
            return List.of();
        }

        @Override
        public String describe() {
            return file.toString();
        }
    }

    @Test
    void everyCheckpointFileResumesToTheSameBits() throws IOException {
        everyFileResumesToTheSameBits(WARM, "all");
    }

    /** The QR path's factor R (current sums and a pass's partial factor) through HDF5 and back, bit for bit. */
    @Test
    void everyCheckpointFileOfTheQrPathResumesToTheSameBits() throws IOException {
        everyFileResumesToTheSameBits(WARM.toBuilder().solver(io.streamlsq.options.Solver.QR).build(), "qr");
        io.streamlsq.resume.Checkpoint last = Hdf5CheckpointStore.newest(tmp.resolve("qr")).checkpoint();
        assertEquals("qr", last.fit().solver());
    }

    /**
     * Curvature and smoothness terms: a pass's partial sums carry the residual series' halo
     * ({@code pass_cursor/series_halo}); every file, mid-pass ones included, resumes to the same bits.
     */
    @Test
    void everyCheckpointFileWithSeriesTermsResumesToTheSameBits() throws IOException {
        everyFileResumesToTheSameBits(WARM, "series", 5.0, 0.5);
        boolean haloSeen = false;
        List<Path> files;
        try (var list = java.nio.file.Files.list(tmp.resolve("series"))) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".h5")).toList();
        }
        assertTrue(files.size() > 8, "files: " + files);
        for (Path f : files) {
            io.streamlsq.resume.Checkpoint c = Hdf5CheckpointStore.read(f);
            haloSeen |= c.fit() != null && c.fit().pending() != null && c.fit().pending().series() != null;
        }
        assertTrue(haloSeen, "no checkpoint caught a pass in progress with its halo");
    }

    private void everyFileResumesToTheSameBits(FitOptions o, String dir) throws IOException {
        everyFileResumesToTheSameBits(o, dir, 0, 0);
    }

    private void everyFileResumesToTheSameBits(FitOptions o, String dir, double curvature, double smoothness)
            throws IOException {
        FitProblem p = problem(30_000, OSC).toBuilder().seriesTerms(curvature, smoothness).build();
        FitResult plain = orchestrator(o).fit(p);
        Hdf5CheckpointStore store = Hdf5CheckpointStore.open(tmp.resolve(dir), 1000);
        FitResult written = orchestrator(o).fit(p, Checkpointing.to(store, EVERY_4_CHUNKS));
        assertArrayEquals(plain.values(), written.values());
        List<Path> files = store.files();
        assertTrue(files.size() > 8, "files: " + files.size());
        for (Path f : files) {
            FitResult r = orchestrator(o).resume(p, Checkpointing.to(new FileStore(f), EVERY_4_CHUNKS));
            assertArrayEquals(plain.values(), r.values(), f.getFileName().toString());
            assertArrayEquals(plain.stderr(), r.stderr(), f.getFileName().toString());
            assertEquals(plain.passes(), r.passes(), f.getFileName().toString());
            assertEquals(plain.rowsEvaluated(), r.rowsEvaluated(), f.getFileName().toString());
        }
    }

    @Test
    void rotationKeepsTheNewestTwoAndNoTemporaryFile() throws IOException {
        Path dir = tmp.resolve("rot");
        List<Path> files;
        try (Hdf5CheckpointStore store = Hdf5CheckpointStore.open(dir)) {
            orchestrator(FitOptions.defaults()).fit(problem(30_000, OSC), Checkpointing.to(store, EVERY_4_CHUNKS));
            files = store.files();
        }
        assertEquals(2, files.size(), files.toString());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(".lock"), s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("ckpt-")).toList(),
                    "no temporary files left, only the lock file");
        }
        long a = Long.parseLong(files.get(0).getFileName().toString().replaceAll("ckpt-(\\d+)\\.h5", "$1"));
        long b = Long.parseLong(files.get(1).getFileName().toString().replaceAll("ckpt-(\\d+)\\.h5", "$1"));
        assertEquals(a + 1, b);
        Files.writeString(dir.resolve(".ckpt-99.h5.tmp"), "torn write");
        Hdf5CheckpointStore.open(dir).close();
        assertTrue(Files.notExists(dir.resolve(".ckpt-99.h5.tmp")), "a torn temporary file is removed on open");
    }

    private Path twoCheckpoints() throws IOException {
        Path dir = tmp.resolve("two");
        try (Hdf5CheckpointStore store = Hdf5CheckpointStore.open(dir)) {
            orchestrator(FitOptions.defaults()).fit(problem(30_000, OSC), Checkpointing.to(store, EVERY_4_CHUNKS));
        }
        return dir;
    }

    @Test
    void aTruncatedFileIsRefusedAtEveryOffsetAndTheStoreFallsBackToThePreviousOne() throws IOException {
        Path dir = twoCheckpoints();
        List<Path> files = Hdf5CheckpointStore.checkpointFiles(dir);
        Checkpoint previous = Hdf5CheckpointStore.read(files.get(0));
        byte[] whole = Files.readAllBytes(files.get(1));
        for (long cut : new long[] {0, 7, 40, 100, whole.length / 3, whole.length / 2, whole.length - 100, whole.length - 1}) {
            Files.write(files.get(1), java.util.Arrays.copyOf(whole, (int) cut));
            var e = assertThrows(CorruptCheckpointException.class, () -> Hdf5CheckpointStore.read(files.get(1)), "cut " + cut);
            assertTrue(e.getMessage().contains(files.get(1).toString()), e.getMessage());
            try (Hdf5CheckpointStore fresh = Hdf5CheckpointStore.open(dir)) {
                Checkpoint c = fresh.latest().orElseThrow();
                assertEquals(previous.where(), c.where(), "fell back at cut " + cut);
                assertEquals(1, fresh.warnings().size());
                assertTrue(fresh.warnings().get(0).contains("using the previous checkpoint " + files.get(0).getFileName()),
                        fresh.warnings().get(0));
            }
        }
        Files.write(files.get(0), java.util.Arrays.copyOf(whole, 500));
        var e = assertThrows(CorruptCheckpointException.class, () -> {
            try (Hdf5CheckpointStore s = Hdf5CheckpointStore.open(dir)) {
                s.latest();
            }
        });
        assertTrue(e.getMessage().startsWith("no readable checkpoint in " + dir), e.getMessage());
    }

    @Test
    void newestIsWhatAResumeUsesWithTheSkippedFilesAndNeedsNoLock() throws IOException {
        // finding 40: lsq inspect DIR shows the checkpoint lsq resume DIR would use
        Path dir = twoCheckpoints();
        List<Path> files = Hdf5CheckpointStore.checkpointFiles(dir);
        Hdf5CheckpointStore.Newest whole = Hdf5CheckpointStore.newest(dir);
        assertEquals(files.get(1), whole.file());
        assertEquals(List.of(), whole.warnings());
        byte[] b = Files.readAllBytes(files.get(1));
        Files.write(files.get(1), java.util.Arrays.copyOf(b, b.length / 2));
        try (Hdf5CheckpointStore writer = Hdf5CheckpointStore.open(dir)) {
            Hdf5CheckpointStore.Newest n = Hdf5CheckpointStore.newest(dir);
            assertEquals(files.get(0), n.file(), "while a fit holds the directory");
            assertEquals(Hdf5CheckpointStore.read(files.get(0)).where(), n.checkpoint().where());
            assertEquals(1, n.warnings().size());
            assertTrue(n.warnings().get(0).contains(files.get(1).toString())
                    && n.warnings().get(0).endsWith("using the previous checkpoint " + files.get(0).getFileName()), n.warnings().get(0));
            assertEquals(n.checkpoint().where(), writer.latest().orElseThrow().where(), "the same one as resume");
            assertEquals(n.warnings(), writer.warnings());
        }
        Files.write(files.get(0), new byte[10]);
        var e = assertThrows(CorruptCheckpointException.class, () -> Hdf5CheckpointStore.newest(dir));
        assertTrue(e.getMessage().startsWith("no readable checkpoint in " + dir), e.getMessage());
        var none = assertThrows(CorruptCheckpointException.class, () -> Hdf5CheckpointStore.newest(tmp));
        assertTrue(none.getMessage().contains("holds no checkpoint"), none.getMessage());
    }

    @Test
    void aFlippedByteAnywhereIsCaughtByTheDigestOrTheStructureChecks() throws IOException {
        Path dir = twoCheckpoints();
        Path f = Hdf5CheckpointStore.checkpointFiles(dir).get(1);
        byte[] whole = Files.readAllBytes(f);
        String original = CheckpointCodec.encode(Hdf5CheckpointStore.read(f), 1, "2026-01-01T00:00:00Z").digest();
        SplittableRandom rng = new SplittableRandom(3);
        int caught = 0;
        for (int trial = 0; trial < 40; trial++) {
            byte[] b = whole.clone();
            int at = 48 + rng.nextInt(b.length - 48);
            b[at] ^= (byte) (1 + rng.nextInt(255));
            Files.write(f, b);
            Checkpoint read;
            try {
                read = Hdf5CheckpointStore.read(f);
            } catch (CorruptCheckpointException | CheckpointMismatchException e) {
                caught++;
                continue;
            }
            // not caught: then it must be the same checkpoint, value for value
            assertEquals(original, CheckpointCodec.encode(read, 1, "2026-01-01T00:00:00Z").digest(),
                    "a flip at byte " + at + " was read as another checkpoint");
        }
        // a flipped bit in unused padding changes nothing that is read; everything read is sealed
        assertTrue(caught >= 30, "caught " + caught + " of 40");
    }

    @Test
    void anUnknownMajorVersionOrAnotherFormatIsRefusedSayingWhich() throws IOException {
        Path dir = twoCheckpoints();
        Checkpoint c = Hdf5CheckpointStore.read(Hdf5CheckpointStore.checkpointFiles(dir).get(1));
        H5Tree t = CheckpointCodec.encode(c, 1, "2026-01-01T00:00:00Z");
        t.attr("/", "version", "4.0");
        Path v4 = tmp.resolve("v4.h5");
        t.write(v4);
        var e = assertThrows(CheckpointMismatchException.class, () -> Hdf5CheckpointStore.read(v4));
        assertTrue(e.getMessage().contains("version 4.0") && e.getMessage().contains("major version 3"), e.getMessage());
        H5Tree other = CheckpointCodec.encode(c, 1, "2026-01-01T00:00:00Z");
        other.attr("/", "format", "something-else");
        Path o = tmp.resolve("other.h5");
        other.write(o);
        e = assertThrows(CheckpointMismatchException.class, () -> Hdf5CheckpointStore.read(o));
        assertTrue(e.getMessage().contains("not a StreamLSQ checkpoint"), e.getMessage());
    }

    @Test
    void anotherModelOtherNamesOrOtherDataAreRefusedSayingWhich() throws IOException {
        Path dir = twoCheckpoints();
        Checkpointing ck = Checkpointing.to(Hdf5CheckpointStore.existing(dir), EVERY_4_CHUNKS);
        RowModel renamed = new RowModel(List.of("A", "k", "omega", "c"), List.of("x"), "A*exp(-k*x)*cos(omega*x)+c", ROW);
        var e = assertThrows(CheckpointMismatchException.class,
                () -> orchestrator(FitOptions.defaults()).resume(problem(30_000, renamed), ck));
        assertTrue(e.getMessage().contains("parameters [A, k, w, c]") && e.getMessage().contains("[A, k, omega, c]"), e.getMessage());
        RowModel otherText = new RowModel(List.of("A", "k", "w", "c"), List.of("x"), "A*exp(-k*x)*sin(w*x)+c", ROW);
        e = assertThrows(CheckpointMismatchException.class,
                () -> orchestrator(FitOptions.defaults()).resume(problem(30_000, otherText), ck));
        assertTrue(e.getMessage().contains("model 'A*exp(-k*x)*cos(w*x)+c'"), e.getMessage());
        e = assertThrows(CheckpointMismatchException.class,
                () -> orchestrator(FitOptions.defaults()).resume(problem(29_000, OSC), ck));
        assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
    }

    @Test
    void scheduleT17RunTwoPhasesDropTheScheduleReopenAndFinishWithTheSameBits() throws IOException {
        FitProblem p = problem(30_000, OSC);
        List<PhaseSchedule.PhaseSpec> specs = List.of(
                PhaseSchedule.PhaseSpec.warmup("explore", WARM).freeze("c", true),
                PhaseSchedule.PhaseSpec.gaussNewton("shape", FitOptions.defaults()).freeze("c", true),
                PhaseSchedule.PhaseSpec.gaussNewton("offset", FitOptions.defaults()).freeze("A", true).freeze("k", true),
                PhaseSchedule.PhaseSpec.gaussNewton("all", FitOptions.defaults()));
        PhaseSchedule uninterrupted = new PhaseSchedule(p, specs, PassExecutor.sequential(), Ticker.system(), List.of());
        while (uninterrupted.runNext()) {
            // all phases
        }
        Path dir = tmp.resolve("schedule");
        try (Hdf5CheckpointStore firstStore = Hdf5CheckpointStore.open(dir)) {
            PhaseSchedule first = new PhaseSchedule(p, specs, PassExecutor.sequential(), Ticker.system(), List.of())
                    .checkpointing(Checkpointing.to(firstStore, EVERY_4_CHUNKS));
            first.runNext();
            first.runNext();
        } // dropped: the process that ran it ended
        PhaseSchedule reopened = new PhaseSchedule(p, specs, PassExecutor.sequential(), Ticker.system(), List.of());
        reopened.restore(Hdf5CheckpointStore.existing(dir));
        assertEquals(List.of(PhaseSchedule.State.COMPLETED, PhaseSchedule.State.COMPLETED, PhaseSchedule.State.PENDING,
                PhaseSchedule.State.PENDING), reopened.status().states());
        assertArrayEquals(uninterrupted.result(1).values(), reopened.result(1).values());
        assertEquals(uninterrupted.stopReason(0), reopened.stopReason(0));
        assertEquals(uninterrupted.lossHistory(1), reopened.lossHistory(1));
        while (reopened.runNext()) {
            // the rest
        }
        assertArrayEquals(uninterrupted.parameters(), reopened.parameters());
        assertArrayEquals(uninterrupted.lastResult().stderr(), reopened.lastResult().stderr());
        assertEquals(uninterrupted.bestPhase(), reopened.bestPhase());
    }

    @Test
    void aScheduleKilledInsideAPhaseResumesThatPhaseFromItsCheckpoint() throws IOException {
        FitProblem p = problem(30_000, OSC);
        List<PhaseSchedule.PhaseSpec> specs = List.of(
                PhaseSchedule.PhaseSpec.warmup("explore", WARM).freeze("c", true),
                PhaseSchedule.PhaseSpec.gaussNewton("all", FitOptions.defaults()));
        PhaseSchedule uninterrupted = new PhaseSchedule(p, specs, PassExecutor.sequential(), Ticker.system(), List.of());
        while (uninterrupted.runNext()) {
            // all phases
        }
        Hdf5CheckpointStore store = Hdf5CheckpointStore.open(tmp.resolve("inside"), 1000);
        PhaseSchedule s = new PhaseSchedule(p, specs, PassExecutor.sequential(), Ticker.system(), List.of())
                .checkpointing(Checkpointing.to(store, EVERY_4_CHUNKS));
        while (s.runNext()) {
            // all phases, with checkpoints
        }
        int inside = 0;
        for (Path f : store.files()) {
            Checkpoint c = Hdf5CheckpointStore.read(f);
            if (c.fit() == null) {
                continue;
            }
            inside++;
            PhaseSchedule r = new PhaseSchedule(p, specs, PassExecutor.sequential(), Ticker.system(), List.of());
            r.restore(new FileStore(f));
            while (r.runNext()) {
                // the rest
            }
            assertArrayEquals(uninterrupted.parameters(), r.parameters(), f.getFileName() + " " + c.where());
            assertEquals(uninterrupted.lossHistory(1), r.lossHistory(1), f.getFileName() + " " + c.where());
        }
        assertTrue(inside > 5, "checkpoints inside phases: " + inside);
    }

    @Test
    void theCallersAttributesComeBackVerbatim() throws IOException {
        Path dir = tmp.resolve("attrs");
        Hdf5CheckpointStore store = Hdf5CheckpointStore.open(dir);
        Checkpointing ck = new Checkpointing(store, EVERY_4_CHUNKS, Map.of("invocation", "{\"model\":\"é\"}", "tool", "test"),
                "{\"ftol\":1e-12}", null);
        orchestrator(FitOptions.defaults()).fit(problem(30_000, OSC), ck);
        Checkpoint c = store.latest().orElseThrow();
        assertEquals(Map.of("invocation", "{\"model\":\"é\"}", "tool", "test"), c.attributes());
        assertEquals("{\"ftol\":1e-12}", c.problem().options());
        assertEquals("finalize", c.fit().phase());
        assertTrue(c.fit().termination() != null);
    }
}
