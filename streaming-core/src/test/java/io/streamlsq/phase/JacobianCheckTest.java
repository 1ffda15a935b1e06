package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.JacobianCheck;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.RowModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The setup phase's comparison of a model's derivatives with differences (FitOptions.jacobianCheck): central, one-sided at a bound. */
class JacobianCheckTest {
    private static final int BAD_ROW = 23;

    /** Rows x = i / 100 of y = 2.5·exp(−1.3x) + 0.5 plus a small deterministic wiggle. */
    private static InMemoryDataSource data() {
        int n = 500;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i / 100.0;
            y[i] = 2.5 * Math.exp(-1.3 * x[i]) + 0.5 + 0.01 * Math.sin(i);
        }
        return InMemoryDataSource.ofXY(x, y, 100);
    }

    /** a·exp(−b·x) + c; with {@code wrongAtBadRow} the derivative for b is 10% off at x = BAD_ROW / 100 only. */
    private static RowModel decay(boolean wrongAtBadRow) {
        return new RowModel(List.of("a", "b", "c"), List.of("x"), "a*exp(-b*x)+c", (x, t, g) -> {
            double e = Math.exp(-t[1] * x[0]);
            if (g != null) {
                g[0] = e;
                g[1] = -t[0] * x[0] * e;
                g[2] = 1;
                if (wrongAtBadRow && x[0] == BAD_ROW / 100.0) {
                    g[1] *= 1.1;
                }
            }
            return t[0] * e + t[2];
        });
    }

    private static FitResult fit(RowModel model, JacobianCheck check, List<String> heard) {
        FitProblem problem = FitProblem.builder(model, data()).initial(1, 0.5, 0).build();
        FitOptions options = FitOptions.builder().jacobianCheck(check).build();
        return Fits.fit(problem, options, PassExecutor.sequential(), new FitListener() {
            @Override
            public void onWarning(String message) {
                heard.add(message);
            }
        });
    }

    @Test
    void failRefusesAWrongDerivativeNamingTheParameterAndTheRow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fit(decay(true), JacobianCheck.FAIL, new ArrayList<>()));
        assertTrue(e.getMessage().contains("respect to b at row " + BAD_ROW), e.getMessage());
        assertTrue(e.getMessage().contains("central differences"), e.getMessage());
    }

    @Test
    void warnReportsAWrongDerivativeAndFits() {
        List<String> heard = new ArrayList<>();
        FitResult r = fit(decay(true), JacobianCheck.WARN, heard);
        assertEquals(1, r.warnings().stream().filter(w -> w.startsWith("Jacobian check")).count(), "" + r.warnings());
        String w = r.warnings().stream().filter(s -> s.startsWith("Jacobian check")).findFirst().orElseThrow();
        assertTrue(w.contains("respect to b at row " + BAD_ROW), w);
        assertTrue(heard.contains(w), "listeners heard " + heard);
        assertEquals("converged", r.termination().status());
    }

    @Test
    void theDefaultIsWarn() {
        assertEquals(JacobianCheck.WARN, FitOptions.defaults().jacobianCheck());
    }

    @Test
    void offDoesNotLook() {
        List<String> heard = new ArrayList<>();
        FitResult r = fit(decay(true), JacobianCheck.OFF, heard);
        assertTrue(r.warnings().stream().noneMatch(w -> w.startsWith("Jacobian check")), "" + r.warnings());
        assertTrue(heard.isEmpty(), "" + heard);
    }

    /** The check's differences stay inside the box, as the fit's points do: here the model has no value below b = 0. */
    @Test
    void onABoundTheCheckDoesNotStepOutsideAndFindsNothingWrong() {
        AtomicReference<Double> smallestB = new AtomicReference<>(Double.POSITIVE_INFINITY);
        RowModel m = new RowModel(List.of("a", "b"), List.of("x"), "a*exp(-x)+b*x+b^2 (b >= 0)", (x, t, g) -> {
            smallestB.accumulateAndGet(t[1], Math::min);
            if (g != null) {
                g[0] = Math.exp(-x[0]);
                g[1] = x[0] + 2 * t[1];
            }
            return t[1] < 0 ? Double.NaN : t[0] * Math.exp(-x[0]) + t[1] * x[0] + t[1] * t[1];
        });
        FitProblem problem = FitProblem.builder(m, data()).initial(1, 0).bounds("b", 0, Double.POSITIVE_INFINITY).build();
        FitResult r = Fits.fit(problem, FitOptions.builder().jacobianCheck(JacobianCheck.FAIL).build(),
                PassExecutor.sequential());
        assertTrue(smallestB.get() >= 0, "the model was evaluated at b = " + smallestB.get());
        assertTrue(r.warnings().stream().noneMatch(w -> w.startsWith("Jacobian check")), "" + r.warnings());
    }

    /** A wrong derivative found with a one-sided difference (a start on a bound) is reported as one-sided. */
    @Test
    void onABoundAWrongDerivativeIsReportedAsFoundOneSided() {
        RowModel m = new RowModel(List.of("a", "b"), List.of("x"), "a*exp(-x)+b*x (b >= 0)", (x, t, g) -> {
            if (g != null) {
                g[0] = Math.exp(-x[0]);
                g[1] = 1.5 * x[0]; // should be x
            }
            return t[0] * Math.exp(-x[0]) + t[1] * x[0];
        });
        FitProblem problem = FitProblem.builder(m, data()).initial(1, 0).bounds("b", 0, Double.POSITIVE_INFINITY).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fits.fit(problem,
                FitOptions.builder().jacobianCheck(JacobianCheck.FAIL).build(), PassExecutor.sequential()));
        assertTrue(e.getMessage().contains("respect to b") && e.getMessage().contains("one-sided differences"),
                e.getMessage());
    }

    @Test
    void aCorrectDerivativeIsNotReported() {
        List<String> heard = new ArrayList<>();
        FitResult r = fit(decay(false), JacobianCheck.FAIL, heard);
        assertTrue(r.warnings().isEmpty(), "" + r.warnings());
        assertTrue(heard.isEmpty(), "" + heard);
        assertEquals(2.5, r.value("a"), 0.05);
    }
}
