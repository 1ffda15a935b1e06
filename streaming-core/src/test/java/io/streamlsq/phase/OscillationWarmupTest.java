package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.RowModel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Issue 5: a damped oscillation whose frequency starts 15 % off. */
// The presolve is off here: these tests measure what the warmup alone saves.
class OscillationWarmupTest {
    static final double[] TRUTH = {2.0, 0.3, 3.0, 0.5};

    static final RowModel OSC = new RowModel(List.of("A", "k", "w", "c"), List.of("x"), "A*exp(-k*x)*cos(w*x)+c",
            (x, p, g) -> {
                double e = Math.exp(-p[1] * x[0]);
                double cs = Math.cos(p[2] * x[0]);
                if (g != null) {
                    g[0] = e * cs;
                    g[1] = -p[0] * x[0] * e * cs;
                    g[2] = -p[0] * e * x[0] * Math.sin(p[2] * x[0]);
                    g[3] = 1;
                }
                return p[0] * e * cs + p[3];
            });

    static FitResult fit(double[] start, WarmupOptions w) {
        int n = 400_000;
        double[] x = new double[n];
        double[] y = new double[n];
        SplittableRandom rng = new SplittableRandom(11);
        for (int i = 0; i < n; i++) {
            x[i] = 10.0 * i / (n - 1);
            y[i] = TRUTH[0] * Math.exp(-TRUTH[1] * x[i]) * Math.cos(TRUTH[2] * x[i]) + TRUTH[3] + 0.05 * rng.nextGaussian();
        }
        FitProblem p = FitProblem.builder(OSC, InMemoryDataSource.ofXY(x, y, 16_384)).initial(start).build();
        return Fits.fit(p, FitOptions.builder().presolve(false).warmup(w).maxPasses(500).build(), PassExecutor.sequential());
    }

    @Test
    void withAFrequency15PercentOffTheWarmupReachesTheTruthInFewerPasses() {
        double[] start = {1.0, 0.5, 3.45, 0.0};
        FitResult alone = fit(start, WarmupOptions.defaults());
        FitResult warm = fit(start, WarmupOptions.on());
        assertTrue(warm.termination().isConverged() && alone.termination().isConverged(), warm.briefReport());
        for (int k = 0; k < 4; k++) {
            assertEquals(TRUTH[k], warm.values()[k], 5 * warm.stderr()[k], "parameter " + k);
            assertEquals(alone.values()[k], warm.values()[k], 1e-9 * Math.abs(alone.values()[k]), "same minimum, parameter " + k);
        }
        assertTrue(warm.passes() < alone.passes(), "full passes with warmup " + warm.passes() + ", without " + alone.passes());
    }

    @Test
    void adamFromTheSameStart() {
        double[] start = {1.0, 0.5, 3.45, 0.0};
        FitResult alone = fit(start, WarmupOptions.defaults());
        FitResult adam = fit(start, WarmupOptions.on().withMethod(WarmupOptions.Method.ADAM));
        assertTrue(adam.termination().isConverged(), adam.briefReport());
        for (int k = 0; k < 4; k++) {
            assertEquals(alone.values()[k], adam.values()[k], 1e-9 * Math.abs(alone.values()[k]), "same minimum, parameter " + k);
        }
    }
}
