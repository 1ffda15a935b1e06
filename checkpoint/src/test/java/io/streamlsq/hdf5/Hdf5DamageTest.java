package io.streamlsq.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamlsq.data.InvalidDataException;
import io.streamlsq.testkit.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings 7 and 12: a damaged HDF5 file is refused with one line naming the file (exit 2 in the CLI), or read
 * with the very same values (damage in bytes nothing reads); never another exception, never other values.
 */
class Hdf5DamageTest {
    static final Path FILE = SharedFiles.root().resolve("data/decay-h5py.h5");
    static final List<String> XY = List.of("/data/x", "/data/y");
    /** Where decay-h5py.h5 keeps its chunks (h5py get_chunk_info): x from 4528, y from 769504 to 1520467. */
    static final long FIRST_CHUNK = 4528;
    static final long X_END = 690840 + 76296;
    static final long Y_START = 769504;
    static final long Y_END = 1445359 + 75108;

    static double[][] original;

    @TempDir
    Path dir;

    @BeforeAll
    static void readOriginal() throws IOException {
        original = H5py.readAll(FILE, XY, 100_000);
    }

    /** Refused naming the file, or the same bits; the message of a refusal, else null. */
    private static String refusedOrSame(Path damaged, String what) {
        double[][] got;
        try {
            got = H5py.readAll(damaged, XY, 100_000);
        } catch (InvalidDataException | IllegalArgumentException e) {
            // IllegalArgumentException: a damaged name, so the dataset asked for is not there (exit 2 as well)
            assertTrue(e.getMessage().contains(damaged.toString()), what + ": the message names the file: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), what + ": one line: " + e.getMessage());
            return e.getMessage();
        } catch (IOException | RuntimeException e) {
            fail(what + ": " + e, e);
            return null;
        }
        for (int k = 0; k < XY.size(); k++) {
            if (!java.util.Arrays.equals(original[k], got[k]) && reinterpreted(original[k], got[k])) {
                return REINTERPRETED;
            }
            assertArrayEquals(original[k], got[k], what + ": read without complaint, so the values must be the same");
        }
        return null;
    }

    /**
     * The flips nothing can catch in a file without metadata checksums (superblock v0, h5py's default): the
     * byte-order bit of a dataset's datatype message, and the class bit that turns float64 into int64 (same size,
     * offset and precision). The bytes are then read big-endian, or as integers; the HDF5 library reads the same.
     */
    static final String REINTERPRETED = "datatype";

    private static boolean reinterpreted(double[] original, double[] got) {
        boolean swapped = true;
        boolean integer = true;
        for (int i = 0; i < original.length; i++) {
            long bits = Double.doubleToRawLongBits(original[i]);
            swapped &= Double.doubleToRawLongBits(got[i]) == Long.reverseBytes(bits);
            integer &= got[i] == (double) bits;
        }
        return swapped || integer;
    }

    @Test
    void aChunkIndexFlipThatHidesTheFirstChunkIsRefusedNamingTheChunk() throws IOException {
        // finding 7: jhdf and h5py read the 10000 x values of chunk 0 as the fill value 0
        Path f = H5py.flip(FILE, dir.resolve("d2.h5"), 2468, 0xff);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> H5py.readAll(f, XY, 30_000));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("/data/x")
                && e.getMessage().contains("chunk 0") && e.getMessage().contains("rows 0..9999"), e.getMessage());
    }

    @Test
    void theMissingChunkIsRefusedWhenTheSourceIsOpenedNotInTheMiddleOfAFit() throws IOException {
        Path f = H5py.flip(FILE, dir.resolve("d2.h5"), 2468, 0xff);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> Hdf5DataSource.open(f, XY, 30_000, io.streamlsq.data.InvalidRows.REFUSE));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void metadataFlipsFromTheFindingsAreDamageNotInternalErrors() throws IOException {
        for (int bit = 0; bit < 8; bit++) {
            Path f = H5py.flip(FILE, dir.resolve("b74-" + bit + ".h5"), 74, 1 << bit);
            String m = refusedOrSame(f, "byte 74 bit " + bit);
            assertTrue(m != null && m.contains("HDF5 metadata is damaged"), "byte 74 bit " + bit + ": " + m);
        }
        Path f37 = H5py.flip(FILE, dir.resolve("b37.h5"), 37, 1 << 1);
        String m37 = refusedOrSame(f37, "byte 37 bit 1");
        assertTrue(m37 == null || m37.contains("damaged"), m37);
    }

    @Test
    void aDamagedEndOfFileAddressIsNotCalledTruncation() throws IOException {
        for (int bit = 0; bit < 8; bit++) {
            Path f = H5py.flip(FILE, dir.resolve("b43-" + bit + ".h5"), 43, 1 << bit);
            String m = refusedOrSame(f, "byte 43 bit " + bit);
            assertTrue(m != null && m.contains("superblock is damaged") && !m.contains("truncated"), "bit " + bit + ": " + m);
        }
    }

    @Test
    void aFileCutShortIsStillCalledTruncated() throws IOException {
        long size = Files.size(FILE);
        for (long cut : new long[] {3000, FIRST_CHUNK + 10, size / 2, size - 1}) {
            Path t = dir.resolve("cut" + cut + ".h5");
            Files.write(t, java.util.Arrays.copyOf(Files.readAllBytes(FILE), (int) cut));
            String m = refusedOrSame(t, "cut at " + cut);
            assertTrue(m != null && m.contains("truncated"), "cut at " + cut + ": " + m);
        }
    }

    /**
     * Every 13th byte (so the bit flipped turns through all 8) of the metadata before the first chunk, between x and
     * y and after y, and random data bytes; {@code -Dstreamlsq.hdf5.everyByte=true} flips every byte (about 13 000
     * files, 5 minutes).
     */
    @Test
    void metadataByteFlipsAreRefusedOrChangeNothing() throws IOException {
        long size = Files.size(FILE);
        int stride = Boolean.getBoolean("streamlsq.hdf5.everyByte") ? 1 : 13;
        List<Long> offsets = new ArrayList<>();
        for (long o = 0; o < FIRST_CHUNK; o += stride) {
            offsets.add(o);
        }
        for (long o = X_END; o < Y_START; o += stride) {
            offsets.add(o);
        }
        for (long o = Y_END; o < size; o += stride) {
            offsets.add(o);
        }
        SplittableRandom rng = new SplittableRandom(12);
        for (int i = 0; i < 40; i++) {
            offsets.add(FIRST_CHUNK + rng.nextLong(Y_END - FIRST_CHUNK));
        }
        int refused = 0;
        List<String> wrong = new ArrayList<>();
        List<Long> datatype = new ArrayList<>();
        Path f = dir.resolve("flip.h5");
        for (int i = 0; i < offsets.size(); i++) {
            long o = offsets.get(i);
            int mask = 1 << (int) (o % 8);
            H5py.flip(FILE, f, o, mask);
            try {
                String m = refusedOrSame(f, "byte " + o + " mask " + mask);
                if (REINTERPRETED.equals(m)) {
                    datatype.add(o);
                } else if (m != null) {
                    refused++;
                }
            } catch (AssertionError e) {
                wrong.add(e.getMessage());
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + offsets.size() + " flips went wrong:\n"
                + String.join("\n", wrong.subList(0, Math.min(40, wrong.size()))));
        assertTrue(datatype.size() <= 4, "only the byte-order and float/integer bits of the two datatypes: " + datatype);
        assertTrue(refused > offsets.size() / 20, "refused " + refused + " of " + offsets.size());
        System.err.printf("Hdf5DamageTest: %d flips of %s: %d refused, %d read the same values, %d reinterpret a "
                + "datatype (bytes %s)%n", offsets.size(), FILE.getFileName(), refused,
                offsets.size() - refused - datatype.size(), datatype.size(), datatype);
    }
}
