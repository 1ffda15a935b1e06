package io.streamlsq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.app.Lsq;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lsq fit --engine spark} through the command (in this JVM, on the tests' shared local[2] session, which the
 * engine joins and leaves running): the result JSON says which engine ran and has the local engine's bits for the
 * same file and {@code --chunk-rows}.
 */
class SparkCliTest {
    @TempDir
    static Path dir;
    static Path parquet;

    @BeforeAll
    static void data() throws IOException {
        SparkTestKit.session("local[2]");
        parquet = SparkTestKit.decayParquet(dir, 60_000, 11);
    }

    record Run(int code, String out, String err) {
    }

    static Run lsq(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Lsq.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static Run fit(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("fit", "--data", parquet.toString(), "--model", "a*exp(-b*x)+c",
                "--p0", "a=1,b=0.5,c=0", "--sigma", "sigma", "--chunk-rows", "4096", "--quiet", "--out", out.toString()));
        a.addAll(List.of(more));
        return lsq(a.toArray(String[]::new));
    }

    @Test
    void sparkFitHasTheLocalEnginesBitsAndSaysSo() throws IOException {
        Path local = dir.resolve("local.json");
        Path spark = dir.resolve("spark.json");
        Run l = fit(local, "--engine", "local", "--threads", "2");
        assertEquals(0, l.code(), l.out() + l.err());
        Run s = fit(spark, "--engine", "spark", "--spark-master", "local[2]", "--spark-partitions", "3");
        assertEquals(0, s.code(), s.out() + s.err());
        JsonNode lj = new ObjectMapper().readTree(local.toFile());
        JsonNode sj = new ObjectMapper().readTree(spark.toFile());
        assertEquals("local", lj.get("engine").asText());
        assertEquals("spark", sj.get("engine").asText());
        assertTrue(lj.get("spark") == null, "a local fit has no spark object");
        for (String k : List.of("params", "stderr", "covariance", "cost", "passes", "rows_evaluated", "rows", "status")) {
            assertEquals(lj.get(k), sj.get(k), k); // JSON doubles are the shortest exact text: equal text = equal bits
        }
        // the bits themselves, not only the JSON text
        for (String p : List.of("a", "b", "c")) {
            assertEquals(Double.doubleToRawLongBits(lj.get("params").get(p).asDouble()),
                    Double.doubleToRawLongBits(sj.get("params").get(p).asDouble()), p);
        }
        JsonNode info = sj.get("spark");
        assertEquals("local[2]", info.get("master").asText());
        assertEquals(3, info.get("partitions").asInt());
        assertEquals(0, info.get("passes_on_driver").asLong(), info.toString());
        assertTrue(info.get("passes_on_spark").asLong() >= sj.get("passes").asLong(), info.toString());
        assertTrue(s.out().contains("converged"), s.out());
        assertTrue(!SparkTestKit.session("local[2]").sparkContext().isStopped(), "a joined session is left running");
    }

    @Test
    void anotherMasterThanTheRunningSessionsIsRefused() {
        Run r = fit(dir.resolve("x.json"), "--engine", "spark", "--spark-master", "local[3]");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--spark-master local[3]: this JVM already runs a Spark session on local[2]"), r.err());
    }

    @Test
    void aCsvFileIsRefusedBeforeSparkIsTouched() throws IOException {
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "x,y\n0,1\n1,2\n");
        Run r = lsq("fit", "--data", csv.toString(), "--model", "a*x+b", "--p0", "a=1,b=0", "--engine", "spark");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--data " + csv + " is a CSV file, and --engine spark reads Parquet files only"), r.err());
    }

    /**
     * A directory of Parquet part files (as Spark writes them; HDFS and S3 URLs take the same path) is read by Spark as
     * a Dataset of the fit's columns: the same bits as the Java API's SparkFit over that Dataset.
     */
    @Test
    void aParquetDirectoryIsReadBySparkWithTheJavaApisBits() throws IOException {
        Path partDir = dir.resolve("parts");
        Files.createDirectories(partDir);
        Files.copy(parquet, partDir.resolve("part-00000.parquet"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path out = dir.resolve("dir.json");
        Run r = lsq("fit", "--data", partDir.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0",
                "--sigma", "sigma", "--chunk-rows", "4096", "--quiet", "--out", out.toString(), "--engine", "spark",
                "--spark-master", "local[2]");
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertEquals("spark", j.get("engine").asText());
        var session = SparkTestKit.session("local[2]");
        io.streamlsq.result.FitResult api;
        try (DatasetSource rows = SparkFit.on(session).dataset(session.read().parquet(partDir.toString()),
                List.of("x", "y", "sigma"), io.streamlsq.data.InvalidRows.REFUSE, 4096)) {
            api = SparkFit.on(session).fit(io.streamlsq.problem.FitProblem.builder(
                    io.streamlsq.expr.ExpressionCompiler.compile("a*exp(-b*x)+c", List.of("a", "b", "c"), List.of("x")), rows)
                    .bind("x", "x").y("y").sigma("sigma").initial(1, 0.5, 0).build());
        }
        for (int k = 0; k < 3; k++) {
            String p = List.of("a", "b", "c").get(k);
            assertEquals(Double.doubleToRawLongBits(api.values()[k]), Double.doubleToRawLongBits(j.get("params").get(p).asDouble()),
                    p + ": " + api.values()[k] + " vs " + j.get("params").get(p));
        }
        assertEquals(api.passes(), j.get("passes").asLong());
    }
}
