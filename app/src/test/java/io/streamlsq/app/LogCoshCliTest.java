package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.loss.Loss;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.DecayModel;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lsq fit --loss log_cosh [--f-scale C]} reaches the fit the API reaches with {@code Loss.parse("log_cosh", C)}
 * (which LossAgainstScipyTest compares with scipy), on decay rows with 5% gross outliers, and resists them.
 */
class LogCoshCliTest {
    @TempDir
    Path dir;

    @Test
    void theCommandLineFitsWithLogCoshAsTheApiDoes() throws IOException {
        int n = 2000;
        double[] x = new double[n];
        double[] y = new double[n];
        SplittableRandom rng = new SplittableRandom(16);
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < n; i++) {
            x[i] = 5.0 * i / n;
            y[i] = 2.5 * Math.exp(-1.3 * x[i]) + 0.5 + 0.05 * (rng.nextDouble() - 0.5) + (i % 20 == 7 ? 3.0 : 0.0);
            csv.append(String.format(Locale.ROOT, "%.17g,%.17g%n", x[i], y[i]));
        }
        Path data = dir.resolve("outliers.csv");
        Files.writeString(data, csv);
        for (double c : new double[] {1.0, 0.5}) {
            Path out = dir.resolve("log_cosh_" + c + ".json");
            Run r = Run.fitDecay(data.toString(), "--loss", "log_cosh", "--f-scale", Double.toString(c), "--out",
                    out.toString(), "--ftol", "1e-15", "--xtol", "1e-15", "--gtol", "1e-15");
            assertEquals(0, r.code(), r.err());
            JsonNode j = new ObjectMapper().readTree(out.toFile());
            Map<String, double[]> cols = new LinkedHashMap<>();
            cols.put("x", x);
            cols.put("y", y);
            FitProblem p = FitProblem.builder(new DecayModel(), new InMemoryDataSource(cols, 65_536))
                    .initial(new double[] {1, 0.5, 0}).loss(Loss.parse("log_cosh", c)).build();
            FitResult api = Fits.fit(p, FitOptions.builder().tolerances(1e-15).build(), io.streamlsq.exec.PassExecutor.sequential());
            assertEquals(api.cost(), j.get("cost").asDouble(), 1e-9 * api.cost(), "cost, f_scale " + c);
            String[] names = {"a", "b", "c"};
            for (int k = 0; k < 3; k++) {
                assertEquals(api.values()[k], j.get("params").get(names[k]).asDouble(), 1e-7, names[k] + ", f_scale " + c);
            }
            // the outliers (+3 on one row in 20) move the baseline c under least squares; log_cosh less than half as far
            FitResult ls = Fits.fit(p.toBuilder().loss(Loss.linear()).build());
            assertTrue(Math.abs(j.get("params").get("c").asDouble() - 0.5) < 0.5 * Math.abs(ls.value("c") - 0.5),
                    "c = " + j.get("params").get("c") + ", least squares " + ls.value("c"));
        }
    }
}
