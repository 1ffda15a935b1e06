package io.streamlsq.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.DecayModel;
import io.streamlsq.problems.GaussianPeaksModel;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.SharedFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Files written by pyarrow (../shared/data, see its README and expected.json) fit to their reference. */
class ExternalFilesTest extends ArrowTestBase {
    static final Path DATA = SharedFiles.root().resolve("data");
    // reference fits from expected.json (scipy least_squares, tol 1e-15)
    static final double[] DECAY_REF = {2.5000584904502356, 1.3003245567957804, 0.5004344297221552};

    private FitResult decay(DataSource s) {
        FitResult r = Fits.fit(FitProblem.builder(new DecayModel(), s).initial(1, 0.5, 0).build());
        assertTrue(r.termination().isConverged(), r.briefReport());
        return r;
    }

    private static void assertReference(FitResult r) {
        for (int k = 0; k < 3; k++) {
            assertEquals(DECAY_REF[k], r.values()[k], 1e-6 * DECAY_REF[k], "parameter " + k);
        }
        assertEquals(100_000, r.rows());
    }

    @Test
    void arrowIpcFileByPyarrow() throws Exception {
        ArrowFileDataSource s = ArrowFileDataSource.open(DATA.resolve("decay-pyarrow.arrow"), root, InvalidRows.REFUSE);
        assertEquals(4, s.chunkCount());
        assertEquals(100_000, s.rowCount());
        assertEquals(java.util.List.of("x", "y", "sigma"), s.columnNames());
        assertReference(decay(s));
    }

    @Test
    void lz4CompressedFeather() throws Exception {
        assertReference(decay(ArrowFileDataSource.open(DATA.resolve("decay-lz4.feather"), root, InvalidRows.REFUSE)));
    }

    @Test
    void arrowIpcStream() throws Exception {
        assertReference(decay(ArrowStreamDataSource.open(DATA.resolve("decay-pyarrow.arrows"), root, InvalidRows.REFUSE)));
    }

    @Test
    void parquetByPyarrow() throws Exception {
        assertReference(decay(ParquetDataSource.open(DATA.resolve("decay-pyarrow.parquet"), InvalidRows.REFUSE)));
    }

    @Test
    void parquetWithNullsIsRefusedOrSkippedAndCounted() throws Exception {
        Path f = DATA.resolve("decay-nulls.parquet");
        ParquetDataSource refuse = ParquetDataSource.open(f, InvalidRows.REFUSE);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> Fits.fit(FitProblem.builder(new DecayModel(), refuse).initial(1, 0.5, 0).build()));
        assertTrue(e.getMessage().contains("column 'y' is null at row"), e.getMessage());
        ParquetDataSource skip = ParquetDataSource.open(f, InvalidRows.SKIP);
        FitResult r = decay(skip);
        com.fasterxml.jackson.databind.JsonNode expected = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(DATA.resolve("expected.json").toFile()).get("decay-nulls.parquet");
        long nulls = expected.get("null_rows_in_y").asLong();
        assertEquals(nulls, skip.skippedRows());
        assertEquals(expected.get("rows").asLong() - nulls, r.rows());
        for (String p : new String[] {"a", "b", "c"}) {
            double ref = expected.get("reference_fit_skipping_nulls").get(p).asDouble();
            assertEquals(ref, r.value(p), 1e-6 * Math.abs(ref), p);
        }
    }

    @Test
    void float32ParquetPeaks() throws Exception {
        com.fasterxml.jackson.databind.JsonNode expected = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(DATA.resolve("expected.json").toFile()).get("peaks-f32.parquet");
        GaussianPeaksModel model = new GaussianPeaksModel();
        FitProblem.Builder b = FitProblem.builder(model, ParquetDataSource.open(DATA.resolve("peaks-f32.parquet"),
                InvalidRows.REFUSE));
        // the file's names are m1.. where ours are mu1..; the order is the same
        java.util.List<String> theirs = new java.util.ArrayList<>();
        expected.get("p0").fieldNames().forEachRemaining(theirs::add);
        for (int k = 0; k < theirs.size(); k++) {
            b.initial(model.parameterNames().get(k), expected.get("p0").get(theirs.get(k)).asDouble());
        }
        FitResult r = Fits.fit(b.build(), FitOptions.defaults(), PassExecutor.sequential());
        assertTrue(r.termination().isConverged(), r.briefReport());
        for (int k = 0; k < theirs.size(); k++) {
            double ref = expected.get("reference_fit").get(theirs.get(k)).asDouble();
            assertEquals(ref, r.values()[k], 1e-6 * Math.abs(ref), theirs.get(k));
        }
    }
}
