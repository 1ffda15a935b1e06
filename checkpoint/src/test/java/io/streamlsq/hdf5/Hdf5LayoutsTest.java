package io.streamlsq.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Element types, layouts and filters of h5py-written files: every number is read exactly as h5py reads it
 * (unsigned as unsigned), types that are not numbers are refused by name, and a dataset with a chunk that
 * is not in the file (never written) or fails its Fletcher-32 checksum is refused naming the chunk.
 */
class Hdf5LayoutsTest {
    @TempDir
    static Path dir;
    static Path types;
    static Path layouts;
    static long fletcherChunk3;

    @BeforeAll
    static void writeFiles() throws Exception {
        H5py.run(dir, """
                f = h5py.File('types.h5', 'w')
                f['u8'] = np.array([0, 1, 200, 255, 7], dtype='u1')
                f['u16'] = np.array([0, 1, 40000, 65535, 7], dtype='u2')
                f['u32'] = np.array([0, 1, 2**31, 2**32 - 1, 7], dtype='u4')
                f['u64'] = np.array([0, 1, 2**63, 2**64 - 2048, 2**63 + 2048], dtype='u8')
                f['i8'] = np.array([0, -1, -128, 127, 7], dtype='i1')
                f['i16be'] = np.array([0, -1, -32768, 32767, 7], dtype='>i2')
                f['i64'] = np.array([0, -1, -2**63, 2**63 - 1, 7], dtype='i8')
                f['f2'] = np.array([0, -1.5, 65504, 1e-3, 7], dtype='f2')
                f['f4'] = np.array([0, -1.5, 3.4e38, 1e-3, 7], dtype='f4')
                f['f8be'] = np.array([0, -1.5, 1e300, 1e-3, 7], dtype='>f8')
                f.create_dataset('vstr', data=['a', 'b', 'c', 'd', 'e'], dtype=h5py.string_dtype())
                f['bytes'] = np.array([b'a', b'b', b'c', b'd', b'e'], dtype='S1')
                f['bool'] = np.array([True, False, True, True, False])
                f['cplx'] = np.array([1j, 2, 3, 4, 5])
                f['compound'] = np.zeros(5, dtype=[('a', 'f8'), ('b', 'i4')])
                f['enum'] = np.array([0, 1, 0, 1, 1], dtype=h5py.enum_dtype({'RED': 0, 'GREEN': 1}, basetype='i1'))
                f['two_d'] = np.zeros((5, 2))
                f['scalar'] = 3.0
                f.close()
                f = h5py.File('layouts.h5', 'w')
                x = np.arange(10000, dtype='f8') * 0.5
                f.create_dataset('contiguous', data=x)
                f.create_dataset('gzip_shuffle', data=x, chunks=(700,), compression='gzip', shuffle=True)
                f.create_dataset('fletcher', data=x, chunks=(1000,), fletcher32=True)
                f.create_dataset('fletcher_gzip', data=x, chunks=(1000,), fletcher32=True, compression='gzip', shuffle=True)
                f.create_dataset('lzf', data=x, chunks=(1000,), compression='lzf')
                dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
                dcpl.set_layout(h5py.h5d.COMPACT)
                ds = h5py.h5d.create(f.id, b'compact', h5py.h5t.IEEE_F64LE, h5py.h5s.create_simple((100,)), dcpl=dcpl)
                ds.write(h5py.h5s.ALL, h5py.h5s.ALL, x[:100])
                d = f.create_dataset('partly_written', shape=(10000,), dtype='f8', chunks=(1000,), compression='gzip')
                d[:3000] = x[:3000]
                d[5000:] = x[5000:]
                f.create_dataset('never_written', shape=(10000,), dtype='f8')
                f.create_dataset('resizable', data=x, chunks=(1000,), maxshape=(None,))
                f.close()
                """);
        types = dir.resolve("types.h5");
        layouts = dir.resolve("layouts.h5");
        String out = H5py.run(dir, "print(h5py.File('layouts.h5')['fletcher'].id.get_chunk_info(3).byte_offset)");
        fletcherChunk3 = Long.parseLong(out.trim());
    }

    private static double[] read(Path f, String dataset) throws Exception {
        return H5py.readAll(f, List.of(dataset), 3)[0];
    }

    @Test
    void integersAreReadAsTheirValuesUnsignedIncluded() throws Exception {
        assertArrayEquals(new double[] {0, 1, 200, 255, 7}, read(types, "u8"));
        assertArrayEquals(new double[] {0, 1, 40000, 65535, 7}, read(types, "u16"));
        assertArrayEquals(new double[] {0, 1, 2147483648.0, 4294967295.0, 7}, read(types, "u32"));
        double two63 = Math.scalb(1.0, 63);
        assertArrayEquals(new double[] {0, 1, two63, new BigDecimal(BigInteger.TWO.pow(64).subtract(BigInteger.valueOf(2048)))
                .doubleValue(), new BigDecimal(BigInteger.TWO.pow(63).add(BigInteger.valueOf(2048))).doubleValue()},
                read(types, "u64"), "uint64 >= 2^63 is positive");
        assertArrayEquals(new double[] {0, -1, -128, 127, 7}, read(types, "i8"));
        assertArrayEquals(new double[] {0, -1, -32768, 32767, 7}, read(types, "i16be"));
        assertArrayEquals(new double[] {0, -1, -two63, two63, 7}, read(types, "i64"));
    }

    @Test
    void floatsAreReadExactlyInEitherByteOrder() throws Exception {
        String h5pyF2 = H5py.run(dir, "print(*[repr(float(v)) for v in h5py.File('types.h5')['f2'][()]])").trim();
        assertArrayEquals(java.util.Arrays.stream(h5pyF2.split(" ")).mapToDouble(Double::parseDouble).toArray(),
                read(types, "f2"), "float16 as h5py reads it: " + h5pyF2);
        assertArrayEquals(new double[] {0, -1.5, (double) 3.4e38f, (double) 1e-3f, 7}, read(types, "f4"));
        assertArrayEquals(new double[] {0, -1.5, 1e300, 1e-3, 7}, read(types, "f8be"));
    }

    @Test
    void typesThatAreNotNumbersAreRefusedByName() {
        Map<String, String> expected = Map.of("vstr", "string", "bytes", "string", "bool", "enum",
                "enum", "enum", "cplx", "compound", "compound", "compound");
        expected.forEach((name, type) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Hdf5DataSource.open(types, List.of(name), 3, InvalidRows.REFUSE), name);
            assertTrue(e.getMessage().contains("'/" + name + "'") && e.getMessage().contains(type)
                    && e.getMessage().contains(types.toString()), name + ": " + e.getMessage());
        });
        IllegalArgumentException twoD = assertThrows(IllegalArgumentException.class,
                () -> Hdf5DataSource.open(types, List.of("two_d"), 3, InvalidRows.REFUSE));
        assertTrue(twoD.getMessage().contains("5 x 2"), twoD.getMessage());
        IllegalArgumentException scalar = assertThrows(IllegalArgumentException.class,
                () -> Hdf5DataSource.open(types, List.of("scalar"), 3, InvalidRows.REFUSE));
        assertTrue(scalar.getMessage().contains("scalar"), scalar.getMessage());
    }

    @Test
    void everyLayoutAndFilterReadsTheSameValues() throws Exception {
        double[] x = new double[10000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.5;
        }
        for (String d : List.of("contiguous", "gzip_shuffle", "fletcher", "fletcher_gzip", "lzf", "resizable")) {
            for (int rows : new int[] {333, 1000, 4096, 10000}) {
                assertArrayEquals(x, H5py.readAll(layouts, List.of(d), rows)[0], d + " in slices of " + rows);
            }
        }
        assertArrayEquals(java.util.Arrays.copyOf(x, 100), read(layouts, "compact"));
    }

    @Test
    void chunksNeverWrittenAreRefusedNamingTheRows() {
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> Hdf5DataSource.open(layouts, List.of("partly_written"), 3000, InvalidRows.REFUSE));
        assertTrue(e.getMessage().contains("'/partly_written'") && e.getMessage().contains("chunk 3")
                && e.getMessage().contains("rows 3000..3999") && e.getMessage().contains(layouts.toString()), e.getMessage());
        InvalidDataException none = assertThrows(InvalidDataException.class,
                () -> Hdf5DataSource.open(layouts, List.of("never_written"), 3000, InvalidRows.REFUSE));
        assertTrue(none.getMessage().contains("'/never_written'") && none.getMessage().contains("no data"), none.getMessage());
    }

    @Test
    void aFletcherChecksumMismatchIsRefusedNamingTheChunk() throws Exception {
        Path f = H5py.flip(layouts, dir.resolve("fletcher-flip.h5"), fletcherChunk3 + 100, 0x01);
        double[] sane = H5py.readAll(f, List.of("contiguous"), 10000)[0];
        assertEquals(10000, sane.length);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> H5py.readAll(f, List.of("fletcher"), 2500));
        assertTrue(e.getMessage().contains("'/fletcher'") && e.getMessage().contains("chunk 3")
                && e.getMessage().contains("rows 3000..3999") && e.getMessage().contains("Fletcher-32"), e.getMessage());
    }
}
