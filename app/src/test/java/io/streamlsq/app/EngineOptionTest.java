package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --engine} without Spark on the class path (this module's tests never have it): the refusals, and the
 * result JSON's {@code "engine": "local"}. The Spark runs are in the spark module's {@code SparkCliTest}.
 */
class EngineOptionTest {
    @TempDir
    static Path dir;
    static Path csv;

    @BeforeAll
    static void files() throws IOException {
        csv = dir.resolve("decay.csv");
        assertEquals(0, Run.of("gen", "decay", "--rows", "2000", "--out", csv.toString()).code());
    }

    private static void refused(Run r, String... fragments) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.errorLines(), "one line on stderr: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr should mention '" + f + "': " + r.err());
        }
    }

    @Test
    void anUnknownEngineIsRefusedWithTheAllowedValues() {
        refused(Run.fitDecay(csv.toString(), "--engine", "bogus"), "--engine 'bogus'", "local, spark");
    }

    @Test
    void sparkRefusesFilesOtherThanParquetNamingTheFileAndTheRule() {
        refused(Run.fitDecay(csv.toString(), "--engine", "spark"), "--data " + csv, "a CSV file",
                "--engine spark reads Parquet files only");
        refused(Run.fitDecay(dir.resolve("d.arrow").toString(), "--engine", "spark"), "an Arrow IPC file", "Parquet files only");
        refused(Run.fitDecay(dir.resolve("d.h5").toString(), "--engine", "spark"), "an HDF5 file", "Parquet files only");
        refused(Run.fitDecay("synthetic:decay:1000", "--engine", "spark"), "synthetic data", "Parquet files only");
    }

    @Test
    void sparkOptionsNeedTheSparkEngine() {
        refused(Run.fitDecay(csv.toString(), "--spark-master", "local[2]"), "--spark-master needs --engine spark");
        refused(Run.fitDecay(csv.toString(), "--spark-partitions", "3"), "--spark-partitions needs --engine spark");
        refused(Run.fitDecay(dir.resolve("d.parquet").toString(), "--engine", "spark", "--spark-partitions", "-1"),
                "--spark-partitions = -1 must be >= 0");
    }

    @Test
    void withoutSparkOnTheClassPathTheSparkEngineSaysSo() throws IOException {
        Path parquet = dir.resolve("decay.parquet");
        assertEquals(0, Run.of("gen", "decay", "--rows", "2000", "--out", parquet.toString()).code());
        refused(Run.fitDecay(parquet.toString(), "--engine", "spark"), "Spark's jars are not on the class path",
                "io.streamlsq.spark.SparkEngine", "lib/spark/");
    }

    @Test
    void theResultJsonSaysTheLocalEngineRan() throws IOException {
        Path out = dir.resolve("r.json");
        Run r = Run.fitDecay(csv.toString(), "--engine", "local", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out).contains("\"engine\" : \"local\""), Files.readString(out));
        Path plain = dir.resolve("plain.json");
        assertEquals(0, Run.fitDecay(csv.toString(), "--out", plain.toString()).code());
        assertTrue(Files.readString(plain).contains("\"engine\" : \"local\""), Files.readString(plain));
        assertFalse(Files.readString(plain).contains("\"spark\""), Files.readString(plain));
    }
}
