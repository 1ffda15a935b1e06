package io.streamlsq.search.lib;

import java.util.Arrays;

import org.hipparchus.analysis.MultivariateFunction;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.SimpleValueChecker;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.hipparchus.optim.nonlinear.scalar.noderiv.CMAESOptimizer;
import org.hipparchus.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.hipparchus.optim.nonlinear.scalar.noderiv.PowellOptimizer;
import org.hipparchus.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.hipparchus.random.MersenneTwister;

/**
 * Hipparchus 4 derivative-free optimizers as {@link CallbackOptimizer}s over {@code [0, 1]^d}. Each run builds a fresh
 * library optimizer (they are stateful and not thread-safe) and passes the run's {@code maxEval} as Hipparchus'
 * {@link MaxEval}; a run that reaches it ends with the library's {@code MAX_COUNT_EXCEEDED} exception (CMA-ES catches
 * it and returns its best point instead).
 *
 * <p>Values: the library sees a non-finite value (a failed or abandoned trial) as the largest finite value the run has
 * seen so far ({@value #NO_FINITE_VALUE} before any), because BOBYQA's quadratic model, Powell's line search and
 * CMA-ES' penalty scaling turn ±∞ into NaN.
 *
 * <p>Bounds: CMA-ES and BOBYQA are given {@link SimpleBounds} {@code [0, 1]^d} and only evaluate inside; Nelder–Mead
 * and Powell refuse bounds in Hipparchus, so they run unbounded and the objective is evaluated at the point clamped to
 * the box; for a point outside, the library sees that value plus {@code (1 + |f|)·‖x − clamp(x)‖₁} (without it the
 * function is flat outside, and a Powell line search that overshoots the box ends on a wrong boundary point); the
 * returned point is clamped too.
 */
public final class HipparchusOptimizers {

    /** What the library sees for a non-finite value before the run has seen a finite one. */
    public static final double NO_FINITE_VALUE = 1e100;

    /** CMA-ES' iteration limit: effectively none, so that {@code maxEval} ends a run (it also enters CMA's damping). */
    private static final int CMAES_MAX_ITERATIONS = 1_000_000;

    private HipparchusOptimizers() {
    }

    /**
     * {@link CMAESOptimizer}: active CMA, full covariance, no feasibility resampling, a {@link MersenneTwister} seeded
     * with the run's seed, bounds {@code [0, 1]^d}, no convergence checker (CMA's own stop criteria: tolerance on x
     * {@code 1e-11·sigma}, on values {@code 1e-12}, condition number {@code 1e14}).
     *
     * @param populationSize λ ≥ 1 (Hansen's default is {@code 4 + floor(3 ln d)})
     * @param sigma the initial step in unit-box coordinates, in (0, 1]
     * @param maxEval evaluations per run ≥ 1
     */
    public static CallbackOptimizer cmaes(int populationSize, double sigma, int maxEval) {
        require(populationSize >= 1 && sigma > 0 && sigma <= 1 && maxEval >= 1, "cmaes: populationSize = "
                + populationSize + ", sigma = " + sigma + ", maxEval = " + maxEval
                + " violate populationSize >= 1, 0 < sigma <= 1, maxEval >= 1");
        return (objective, start, seed) -> {
            int d = start.length;
            double[] s = new double[d];
            Arrays.fill(s, sigma);
            CMAESOptimizer o = new CMAESOptimizer(CMAES_MAX_ITERATIONS, 0, true, 0, 0, new MersenneTwister(seed), false,
                    null);
            PointValuePair p = o.optimize(new MaxEval(maxEval), new ObjectiveFunction(finite(objective)),
                    GoalType.MINIMIZE, new InitialGuess(start.clone()), unitBox(d), new CMAESOptimizer.Sigma(s),
                    new CMAESOptimizer.PopulationSize(populationSize));
            return result(p);
        };
    }

    /** Hansen's default population {@code 4 + floor(3 ln d)}. */
    public static int cmaesPopulation(int dimensions) {
        return 4 + (int) Math.floor(3 * Math.log(dimensions));
    }

    /**
     * {@link BOBYQAOptimizer} with {@code 2d + 1} interpolation points and bounds {@code [0, 1]^d}. Needs d ≥ 2: in 1-D
     * the library throws {@code MathIllegalArgumentException} when the run starts (the inversion rethrows it from
     * {@code ask}).
     *
     * @param initialRadius the initial trust region radius, in (0, 0.5] (the library needs the box to be at least twice
     *     as wide)
     * @param stoppingRadius the final radius, in (0, initialRadius]
     * @param maxEval evaluations per run ≥ 1
     */
    public static CallbackOptimizer bobyqa(double initialRadius, double stoppingRadius, int maxEval) {
        require(initialRadius > 0 && initialRadius <= 0.5 && stoppingRadius > 0 && stoppingRadius <= initialRadius
                && maxEval >= 1, "bobyqa: initialRadius = " + initialRadius + ", stoppingRadius = " + stoppingRadius
                + ", maxEval = " + maxEval + " violate 0 < stoppingRadius <= initialRadius <= 0.5, maxEval >= 1");
        return (objective, start, seed) -> {
            int d = start.length;
            BOBYQAOptimizer o = new BOBYQAOptimizer(2 * d + 1, initialRadius, stoppingRadius);
            return result(o.optimize(new MaxEval(maxEval), new ObjectiveFunction(finite(objective)), GoalType.MINIMIZE,
                    new InitialGuess(start.clone()), unitBox(d)));
        };
    }

    /**
     * {@link SimplexOptimizer} with a {@link NelderMeadSimplex} (standard coefficients), unbounded, evaluated at the
     * clamped point (with the outside penalty above); converged when every vertex's value changes by less than {@code rel·|f| } or {@code abs}
     * ({@link SimpleValueChecker}).
     *
     * @param sideLength the initial simplex' side in unit-box coordinates, in (0, 1]
     * @param rel relative value tolerance &gt; 0
     * @param abs absolute value tolerance &gt; 0
     * @param maxEval evaluations per run ≥ 1
     */
    public static CallbackOptimizer nelderMead(double sideLength, double rel, double abs, int maxEval) {
        require(sideLength > 0 && sideLength <= 1 && rel > 0 && abs > 0 && maxEval >= 1, "nelder-mead: sideLength = "
                + sideLength + ", rel = " + rel + ", abs = " + abs + ", maxEval = " + maxEval
                + " violate 0 < sideLength <= 1, rel > 0, abs > 0, maxEval >= 1");
        return (objective, start, seed) -> {
            int d = start.length;
            SimplexOptimizer o = new SimplexOptimizer(new SimpleValueChecker(rel, abs));
            PointValuePair p = o.optimize(new MaxEval(maxEval), new ObjectiveFunction(clamped(finite(objective))),
                    GoalType.MINIMIZE, new InitialGuess(start.clone()), new NelderMeadSimplex(d, sideLength));
            return clampedResult(p);
        };
    }

    /**
     * {@link PowellOptimizer} (conjugate directions, Brent line searches with bracketing range 1), unbounded, evaluated
     * at the clamped point (with the outside penalty above).
     *
     * @param rel relative tolerance ≥ {@code 2·ulp(1)} (line searches use its square root)
     * @param abs absolute tolerance &gt; 0 (line searches use its square root)
     * @param maxEval evaluations per run ≥ 1
     */
    public static CallbackOptimizer powell(double rel, double abs, int maxEval) {
        require(rel >= 2 * Math.ulp(1d) && abs > 0 && maxEval >= 1, "powell: rel = " + rel + ", abs = " + abs
                + ", maxEval = " + maxEval + " violate rel >= 2 ulp(1), abs > 0, maxEval >= 1");
        return (objective, start, seed) -> {
            PowellOptimizer o = new PowellOptimizer(rel, abs);
            PointValuePair p = o.optimize(new MaxEval(maxEval), new ObjectiveFunction(clamped(finite(objective))),
                    GoalType.MINIMIZE, new InitialGuess(start.clone()));
            return clampedResult(p);
        };
    }

    /** The point clamped to {@code [0, 1]}; a NaN coordinate is an {@link IllegalStateException} (a library fault). */
    static double[] clamp(double[] x) {
        double[] u = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            if (Double.isNaN(x[j])) {
                throw new IllegalStateException("the optimizer asked for a point with NaN coordinate " + j + ": "
                        + Arrays.toString(x));
            }
            u[j] = Math.min(1.0, Math.max(0.0, x[j]));
        }
        return u;
    }

    /**
     * The objective at the clamped point; outside the box plus {@code (1 + |f|)·‖x − clamp(x)‖₁}, so that values rise
     * away from the box (a flat continuation strands Powell's line searches and Nelder–Mead's simplex outside).
     */
    private static MultivariateFunction clamped(MultivariateFunction f) {
        return x -> {
            double[] c = clamp(x);
            double v = f.value(c);
            double distance = 0;
            for (int j = 0; j < x.length; j++) {
                distance += Math.abs(x[j] - c[j]);
            }
            return distance == 0 ? v : v + (1 + Math.abs(v)) * distance;
        };
    }

    /** Replaces non-finite values by the largest finite one seen so far (one instance per run). */
    private static MultivariateFunction finite(MultivariateFunction f) {
        return new MultivariateFunction() {
            private double worst = Double.NaN;

            @Override
            public double value(double[] x) {
                double v = f.value(x);
                if (Double.isFinite(v)) {
                    worst = Double.isNaN(worst) ? v : Math.max(worst, v);
                    return v;
                }
                return Double.isNaN(worst) ? NO_FINITE_VALUE : worst;
            }
        };
    }

    private static SimpleBounds unitBox(int d) {
        double[] lo = new double[d];
        double[] hi = new double[d];
        Arrays.fill(hi, 1.0);
        return new SimpleBounds(lo, hi);
    }

    private static CallbackOptimizer.RunResult result(PointValuePair p) {
        return new CallbackOptimizer.RunResult(p.getPoint(), p.getValue());
    }

    private static CallbackOptimizer.RunResult clampedResult(PointValuePair p) {
        return new CallbackOptimizer.RunResult(clamp(p.getPoint()), p.getValue());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
