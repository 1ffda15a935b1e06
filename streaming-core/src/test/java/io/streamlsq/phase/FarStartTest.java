package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.RowModel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, finding 21: a level y ≈ 10¹² + N(0, 1) fitted from m = 0 reported "converged" at m = 0.003 ± 3·10¹⁰
 * (scipy fails the same way). Two causes: a trust radius of 0.1 for a start at zero, and a cost-reduction test
 * that took a step cut short by the radius for convergence. Now a far start reaches the answer, and a
 * radius-limited step never ends the fit as converged.
 */
class FarStartTest {
    static final RowModel LEVEL = new RowModel(List.of("m"), List.of("x"), "m + 0*x", (x, p, g) -> {
        if (g != null) {
            g[0] = 1;
        }
        return p[0];
    });
    static final RowModel LINE = new RowModel(List.of("m", "s"), List.of("x"), "m + s*x", (x, p, g) -> {
        if (g != null) {
            g[0] = 1;
            g[1] = x[0];
        }
        return p[0] + p[1] * x[0];
    });

    static double[][] rows(double level, double slope) {
        int n = 1000;
        double[] x = new double[n];
        double[] y = new double[n];
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = level + slope * i + rnd.nextGaussian();
        }
        return new double[][] {x, y};
    }

    static InMemoryDataSource data(double level, double slope) {
        double[][] r = rows(level, slope);
        return InMemoryDataSource.ofXY(r[0], r[1], 256);
    }

    @Test
    void aLevelFarFromItsStartIsFoundNotDeclaredConvergedOnTheWay() {
        for (double level : new double[] {1e6, 1e9, 1e12, 1e15}) {
            for (double start : new double[] {0, 1, -3}) {
                double[][] d = rows(level, 0);
                FitResult r = Fits.fit(FitProblem.builder(LEVEL, InMemoryDataSource.ofXY(d[0], d[1], 256))
                        .initial(start).build());
                String what = "level " + level + " from " + start + ": " + r.briefReport();
                assertTrue(r.termination().isConverged(), what);
                double mean = 0;
                for (int i = 0; i < 1000; i++) {
                    mean += d[1][i];
                }
                mean /= 1000;
                assertEquals(mean, r.values()[0], Math.max(1e-9 * Math.abs(mean), 1e-6), what);
                assertTrue(r.stderr()[0] < 0.1, what); // σ/√n ≈ 0.03
                assertTrue(r.passes() < 80, what);
            }
        }
    }

    @Test
    void aLineWithAFarOffsetAndSlopeIsFound() {
        for (double level : new double[] {1e9, 1e12}) {
            FitResult r = Fits.fit(FitProblem.builder(LINE, data(level, 3)).initial(0, 0).build());
            assertTrue(r.termination().isConverged(), r.briefReport());
            assertEquals(level, r.values()[0], 1e-9 * level, r.briefReport());
            assertEquals(3, r.values()[1], 1e-3, r.briefReport());
        }
    }
}
