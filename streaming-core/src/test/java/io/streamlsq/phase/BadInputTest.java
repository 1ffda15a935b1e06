package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problem.InvalidProblemException;
import io.streamlsq.problems.DecayModel;
import io.streamlsq.result.FitResult;
import io.streamlsq.result.Termination;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.RowModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input ends in a clear exception or a Termination with a reason: never a hang or a silent NaN. */
class BadInputTest {

    private static InMemoryDataSource decay(int n) {
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i * 0.01;
            y[i] = 2.5 * Math.exp(-1.3 * x[i]) + 0.5 + 0.01 * Math.sin(i);
        }
        return InMemoryDataSource.ofXY(x, y, 64);
    }

    private static FitProblem.Builder decayProblem(InMemoryDataSource s) {
        return FitProblem.builder(new DecayModel(), s).initial(1, 0.5, 0);
    }

    @Test
    void nanInTheDataNamesTheRowAndTheColumn() throws Exception {
        InMemoryDataSource s = decay(1000);
        s.open(List.of("y"), 0).next().column(0)[777] = Double.NaN;
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> Fits.fit(decayProblem(s).build()));
        assertEquals(777, e.row());
        assertEquals("y", e.column());
        assertTrue(e.getMessage().contains("row 777") && e.getMessage().contains("'y'"), e.getMessage());
    }

    @Test
    void infinityInAVariableIsRefusedToo() throws Exception {
        InMemoryDataSource s = decay(1000);
        s.open(List.of("x"), 0).next().column(0)[5] = Double.POSITIVE_INFINITY;
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> Fits.fit(decayProblem(s).build()));
        assertTrue(e.getMessage().contains("row 5") && e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void aNonPositiveSigmaIsRefused() throws Exception {
        Map<String, double[]> cols = new LinkedHashMap<>();
        InMemoryDataSource base = decay(500);
        cols.put("x", base.open(List.of("x"), 0).next().column(0));
        cols.put("y", base.open(List.of("y"), 0).next().column(0));
        double[] sigma = new double[500];
        java.util.Arrays.fill(sigma, 0.1);
        sigma[321] = 0;
        cols.put("sigma", sigma);
        InMemoryDataSource s = new InMemoryDataSource(cols, 100);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> Fits.fit(decayProblem(s).sigma("sigma").build()));
        assertTrue(e.getMessage().contains("row 321") && e.getMessage().contains("sigma"), e.getMessage());
    }

    @Test
    void modelNanAtTheStartIsAFailedTerminationNamingRowAndParameter() {
        Model bad = new RowModel(List.of("a", "b"), List.of("x"), "a*log(x-b)", (x, b, g) -> {
            double v = b[0] * Math.log(x[0] - b[1]);
            if (g != null) {
                g[0] = Math.log(x[0] - b[1]);
                g[1] = -b[0] / (x[0] - b[1]);
            }
            return v;
        });
        FitResult r = Fits.fit(FitProblem.builder(bad, decay(300)).initial(1, 0.5).build());
        Termination.Failed f = assertInstanceOf(Termination.Failed.class, r.termination());
        assertTrue(f.reason().contains("row 0") && f.reason().contains("starting point"), f.reason());
    }

    @Test
    void zeroRowsIsRefused() {
        InMemoryDataSource s = InMemoryDataSource.ofXY(new double[0], new double[0], 10);
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () -> decayProblem(s).build());
        assertTrue(e.getMessage().contains("no rows"), e.getMessage());
    }

    @Test
    void fewerRowsThanParametersIsRefused() {
        InMemoryDataSource s = InMemoryDataSource.ofXY(new double[] {1, 2}, new double[] {1, 2}, 10);
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () -> decayProblem(s).build());
        assertTrue(e.getMessage().contains("2 rows but 3 free parameters"), e.getMessage());
    }

    @Test
    void startOutsideTheBoundsAndLowerAboveUpperAreAllReportedAtOnce() {
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> decayProblem(decay(100)).bounds("a", 2, 3).bounds("b", 5, 1).build());
        assertEquals(2, e.violations().size(), e.getMessage());
        assertTrue(e.getMessage().contains("initial value of 'a' = 1.0 lies outside its bounds [2.0, 3.0]"), e.getMessage());
        assertTrue(e.getMessage().contains("bounds of 'b' = [5.0, 1.0]"), e.getMessage());
    }

    @Test
    void duplicateParameterNamesAreRefused() {
        Model dup = new RowModel(List.of("a", "a"), List.of("x"), "a*x+a", (x, b, g) -> b[0] * x[0] + b[1]);
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> FitProblem.builder(dup, decay(100)).initial(1, 2).build());
        assertTrue(e.getMessage().contains("'a' appears twice"), e.getMessage());
    }

    @Test
    void unknownNamesAndMissingStartsAreNamed() {
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () -> FitProblem
                .builder(new DecayModel(), decay(100)).initial("a", 1).initial("b", 1).initial("zeta", 3)
                .bounds("omega", 0, 1).build());
        String m = e.getMessage();
        assertTrue(m.contains("'zeta'") && m.contains("'omega'") && m.contains("'c' has no initial value"), m);
    }

    @Test
    void aMissingColumnIsRefusedWithTheAvailableOnes() {
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> decayProblem(decay(100)).y("response").build());
        assertTrue(e.getMessage().contains("'response'") && e.getMessage().contains("available columns: x, y"),
                e.getMessage());
    }

    @Test
    void twoParametersThatOnlyAppearAsAProductGiveASingularCovarianceWarning() {
        Model product = new RowModel(List.of("a", "b", "c"), List.of("x"), "a*b*exp(-c*x)", (x, p, g) -> {
            double e = Math.exp(-p[2] * x[0]);
            if (g != null) {
                g[0] = p[1] * e;
                g[1] = p[0] * e;
                g[2] = -p[0] * p[1] * x[0] * e;
            }
            return p[0] * p[1] * e;
        });
        double[] x = new double[400];
        double[] y = new double[400];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.01;
            y[i] = 6 * Math.exp(-0.7 * x[i]) + 0.01 * Math.cos(7 * i);
        }
        FitResult r = Fits.fit(FitProblem.builder(product, InMemoryDataSource.ofXY(x, y, 50)).initial(1, 2, 1).build());
        assertTrue(r.termination().isConverged() || r.termination() instanceof Termination.LimitReached,
                r.briefReport());
        assertEquals(6, r.values()[0] * r.values()[1], 1e-2);
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("singular") && w.contains("a") && w.contains("b")),
                r.warnings().toString());
        assertTrue(Double.isNaN(r.stderr()[0]) && Double.isNaN(r.stderr()[1]), "stderr of a and b must be NaN");
        assertTrue(Double.isFinite(r.stderr()[2]), "c is identified");
    }

    @Test
    void aModelThatWritesNoDerivativesIsToldSo() {
        Model lazy = new Model() {
            public List<String> parameterNames() {
                return List.of("a", "b", "c");
            }

            public List<String> variableNames() {
                return List.of("x");
            }

            public void evaluate(Chunk chunk, double[] t, EvalLevel level, double[] values, double[][] jac) {
                for (int i = 0; i < chunk.rows(); i++) {
                    values[i] = t[0] * Math.exp(-t[1] * chunk.get(0, i)) + t[2];
                }
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Fits.fit(FitProblem.builder(lazy, decay(100)).initial(1, 0.5, 0).build()));
        assertTrue(e.getMessage().contains("NumericJacobianModel"), e.getMessage());
    }
}
