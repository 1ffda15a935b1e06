package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.testkit.Fits;
import org.junit.jupiter.api.Test;

/**
 * A warmup sample too short for the curvature and smoothness terms (one row) is refused naming the sample and what
 * to change; the message used to say that the data file itself had 1 row.
 */
class SeriesTermsSampleTest {

    @Test
    void aOneRowWarmupSampleIsNamedAsTheSampleNotTheData() {
        int n = 200;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 5.0 * i / n;
            y[i] = 2.5 * Math.exp(-1.3 * x[i]) + 0.5;
        }
        FitProblem p = FitProblem.builder(BuiltinProblem.DECAY.model(), InMemoryDataSource.ofXY(x, y, 1))
                .initial(1, 0.5, 0).seriesTerms(10, 1).build();
        FitOptions o = FitOptions.builder().warmup(WarmupOptions.on().withSampleRows(1)).build();
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> Fits.fit(p, o, PassExecutor.sequential()));
        assertTrue(e.getMessage().contains("the warmup's sample of") && e.getMessage().contains("has 1 rows")
                && e.getMessage().contains("give a larger warmup sample"), e.getMessage());
    }
}
