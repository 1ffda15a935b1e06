package io.streamlsq.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.DecayModel;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.RowModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Central differences inside the box, one-sided where a step would leave it. */
class NumericJacobianModelTest {
    private static final int ROWS = 50;

    private static Chunk xs() {
        double[] x = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            x[i] = 0.1 + i * 0.1;
        }
        Chunk c = new Chunk(1);
        c.setColumn(0, x);
        return c.set(0, 0, 0, ROWS);
    }

    /**
     * {@code a·exp(−x) + √b·x}, undefined for b &lt; 0; it remembers the smallest b it was asked about. Values
     * only: it fails the test if asked for derivatives.
     */
    private static RowModel sqrtModel(AtomicReference<Double> smallestB) {
        return new RowModel(List.of("a", "b"), List.of("x"), "a*exp(-x)+sqrt(b)*x", (x, t, g) -> {
            assertTrue(g == null, "the numeric wrapper asks for values only");
            smallestB.accumulateAndGet(t[1], Math::min);
            return t[0] * Math.exp(-x[0]) + Math.sqrt(t[1]) * x[0];
        });
    }

    private static double[][] jacobian(Model m, double[] theta) {
        double[][] jac = new double[theta.length][ROWS];
        m.evaluate(xs(), theta, EvalLevel.NORMAL, new double[ROWS], jac);
        return jac;
    }

    @Test
    void withoutBoundsItIsTheCentralDifference() {
        double[] theta = {2.5, 1.3, 0.5};
        double[][] numeric = jacobian(new NumericJacobianModel(new DecayModel()), theta);
        double[][] analytic = jacobian(new DecayModel(), theta);
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < ROWS; i++) {
                assertEquals(analytic[k][i], numeric[k][i], 1e-9, "parameter " + k + ", row " + i);
            }
        }
    }

    @Test
    void boundsFarAwayChangeNothing() {
        double[] theta = {2.5, 1.3, 0.5};
        NumericJacobianModel free = new NumericJacobianModel(new DecayModel());
        Model boxed = free.withBounds(new double[] {0, 0, -1}, new double[] {10, 10, 1});
        double[][] a = jacobian(free, theta);
        double[][] b = jacobian(boxed, theta);
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < ROWS; i++) {
                assertEquals(a[k][i], b[k][i], 0.0, "parameter " + k + ", row " + i);
            }
        }
    }

    @Test
    void onABoundTheDifferenceIsOneSidedAccurateAndCostsOneEvaluation() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        DecayModel decay = new DecayModel();
        Model counted = new Model() {
            @Override
            public List<String> parameterNames() {
                return decay.parameterNames();
            }

            @Override
            public List<String> variableNames() {
                return decay.variableNames();
            }

            @Override
            public void evaluate(Chunk chunk, double[] theta, EvalLevel level, double[] values, double[][] jacobian) {
                calls.incrementAndGet();
                decay.evaluate(chunk, theta, level, values, jacobian);
            }
        };
        double[] theta = {2.5, 1.3, 0.5};
        Model m = new NumericJacobianModel(counted).withBounds(new double[] {0, 1.3, -1}, new double[] {10, 10, 0.5});
        double[][] numeric = jacobian(m, theta);
        assertEquals(1 + 2 + 1 + 1, calls.get(), "values, a central, b and c one-sided");
        double[][] analytic = jacobian(decay, theta);
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < ROWS; i++) {
                // forward differences: error ~ h·|f″|/2 with h ≈ 6e-6·max(|θ|, 1)
                assertEquals(analytic[k][i], numeric[k][i], 1e-4 * Math.max(1, Math.abs(analytic[k][i])),
                        "parameter " + k + ", row " + i);
            }
        }
    }

    @ParameterizedTest(name = "b = {0}")
    @ValueSource(doubles = {0.0, 1e-12, 1e-7, 0.25})
    void stepsStayInsideTheBoundsAndGiveTheDerivativeThere(double b) {
        AtomicReference<Double> smallest = new AtomicReference<>(Double.POSITIVE_INFINITY);
        Model m = new NumericJacobianModel(sqrtModel(smallest))
                .withBounds(new double[] {Double.NEGATIVE_INFINITY, 0}, new double[] {Double.POSITIVE_INFINITY, 1});
        double[][] jac = jacobian(m, new double[] {2, b});
        assertTrue(smallest.get() >= 0, "the model was evaluated at b = " + smallest.get());
        for (int i = 0; i < ROWS; i++) {
            double x = 0.1 + i * 0.1;
            assertTrue(Double.isFinite(jac[1][i]), "row " + i + ": " + jac[1][i]);
            assertEquals(Math.exp(-x), jac[0][i], 1e-9, "∂/∂a, row " + i);
        }
        if (b == 0.25) { // away from the bound: central, ∂/∂b = x / (2√b) = x
            for (int i = 0; i < ROWS; i++) {
                assertEquals(0.1 + i * 0.1, jac[1][i], 1e-8, "∂/∂b, row " + i);
            }
        }
    }

    @Test
    void aStepBeyondTheUpperBoundIsNotTakenEither() {
        AtomicReference<Double> smallest = new AtomicReference<>(Double.POSITIVE_INFINITY);
        // b ≤ 0 here, reflected: the model sees −b
        RowModel mirrored = new RowModel(List.of("a", "b"), List.of("x"), "a*exp(-x)+sqrt(-b)*x", (x, t, g) -> {
            smallest.accumulateAndGet(-t[1], Math::min);
            return t[0] * Math.exp(-x[0]) + Math.sqrt(-t[1]) * x[0];
        });
        Model m = new NumericJacobianModel(mirrored)
                .withBounds(new double[] {Double.NEGATIVE_INFINITY, -1}, new double[] {Double.POSITIVE_INFINITY, 0});
        double[][] jac = jacobian(m, new double[] {2, 0});
        assertTrue(smallest.get() >= 0, "the model was evaluated at b = " + -smallest.get());
        for (int i = 0; i < ROWS; i++) {
            assertTrue(Double.isFinite(jac[1][i]), "row " + i + ": " + jac[1][i]);
        }
    }

    /** The bounds of the problem reach the wrapper: a fit that starts on (or next to) b's lower bound. */
    @ParameterizedTest(name = "start b = {0}")
    @ValueSource(doubles = {0.0, 1e-9})
    void aFitStartingAtTheBoundOfAModelUndefinedBeyondItConverges(double b0) {
        int n = 400;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.1 + 5.0 * i / n;
            y[i] = 2 * Math.exp(-x[i]) + 0.5 * x[i] + 0.01 * Math.sin(7 * i); // truth a = 2, b = 0.25
        }
        AtomicReference<Double> smallest = new AtomicReference<>(Double.POSITIVE_INFINITY);
        FitProblem problem = FitProblem.builder(new NumericJacobianModel(sqrtModel(smallest)), InMemoryDataSource.ofXY(x, y, 64))
                .initial(1, b0).bounds("b", 0, Double.POSITIVE_INFINITY).build();
        FitResult r = Fits.fit(problem);
        assertTrue(r.termination().isConverged(), r.briefReport());
        assertTrue(smallest.get() >= 0, "the model was evaluated at b = " + smallest.get());
        assertEquals(2, r.value("a"), 0.01, r.briefReport());
        assertEquals(0.25, r.value("b"), 0.01, r.briefReport());
    }
}
