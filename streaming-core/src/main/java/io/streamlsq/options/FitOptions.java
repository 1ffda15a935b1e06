package io.streamlsq.options;

import io.streamlsq.scale.ScalingStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to fit. Immutable; {@link Builder#build()} validates every field and reports all violations at
 * once.
 *
 * <p>Convergence follows MINPACK (scipy's {@code method='lm'}) meanings:
 * <ul>
 *   <li>{@code ftol}: both the actual and the predicted relative reduction of the cost in a step are at
 *       most ftol;</li>
 *   <li>{@code xtol}: the trust region radius is at most {@code xtol·‖D θ‖} (relative change of the
 *       parameters, D the Jacobian column norms);</li>
 *   <li>{@code gtol}: the largest cosine between the residual vector and a Jacobian column is at most
 *       gtol.</li>
 * </ul>
 *
 * @param scaling parameter normalization (default AUTO)
 * @param ftol relative cost reduction tolerance, &ge; 0 (default 1e-13: scipy's 1e-8 stops early, and 1e-12 left MGH09
 *     from start 1 at LRE 5.99 on the QR path; see
 *     docs/accuracy.md)
 * @param xtol relative parameter change tolerance, &ge; 0 (default 1e-12)
 * @param gtol gradient orthogonality tolerance, &ge; 0 (default 1e-12)
 * @param maxPasses full passes over the data the fit may spend, &ge; 1 (default 500)
 * @param maxTime wall time limit, or {@code null} for none
 * @param initialStepBound MINPACK's {@code factor}: first trust radius = factor·‖D θ₀‖, &gt; 0 (default 0.1;
 *     MINPACK's 100 lets the first step jump into far-away local minima, see docs/accuracy.md)
 * @param maxConsecutiveInvalidSteps trial points in a row with non-finite model output before the fit
 *     fails, &ge; 1 (default 30)
 * @param absoluteSigma scipy's {@code absolute_sigma}: when true the covariance is {@code (JᵀJ)⁻¹};
 *     when false it is scaled by the reduced chi-square (default false)
 * @param jacobianCheck check of the model's derivatives against differences in setup (default WARN)
 * @param blockRows rows per model call inside a chunk, &ge; 16 (default 512)
 * @param warmup phase 1, the L-BFGS warmup on a sample (default: off)
 * @param solver normal equations, QR, or AUTO: the normal equations until they lose the digits (default AUTO)
 * @param presolve fit growing samples of the data before the full-data Gauss-Newton phase, when the data has at
 *     least 16 chunks (default true; docs/algorithm.md)
 * @param global the global search in front of the fit, or null for none (default; docs/global-search.md)
 */
public record FitOptions(ScalingStrategy scaling, double ftol, double xtol, double gtol, int maxPasses,
        Duration maxTime, double initialStepBound, int maxConsecutiveInvalidSteps, boolean absoluteSigma,
        JacobianCheck jacobianCheck, int blockRows, WarmupOptions warmup, Solver solver, boolean presolve,
        GlobalOptions global) {

    public FitOptions {
        List<String> v = new ArrayList<>();
        if (scaling == null) {
            v.add("scaling = null; must be one of NONE, P0, BOUNDS, AUTO");
        }
        nonNegative(v, "ftol", ftol);
        nonNegative(v, "xtol", xtol);
        nonNegative(v, "gtol", gtol);
        if (maxPasses < 1) {
            v.add("maxPasses = " + maxPasses + " violates maxPasses >= 1");
        }
        if (maxTime != null && (maxTime.isNegative() || maxTime.isZero())) {
            v.add("maxTime = " + maxTime + " violates maxTime > 0");
        }
        if (!(initialStepBound > 0) || Double.isInfinite(initialStepBound)) {
            v.add("initialStepBound = " + initialStepBound + " violates 0 < initialStepBound < inf");
        }
        if (maxConsecutiveInvalidSteps < 1) {
            v.add("maxConsecutiveInvalidSteps = " + maxConsecutiveInvalidSteps + " violates maxConsecutiveInvalidSteps >= 1");
        }
        if (jacobianCheck == null) {
            v.add("jacobianCheck = null; must be one of OFF, WARN, FAIL");
        }
        if (blockRows < 16) {
            v.add("blockRows = " + blockRows + " violates blockRows >= 16");
        }
        if (warmup == null) {
            v.add("warmup = null; use WarmupOptions.defaults()");
        }
        if (solver == null) {
            v.add("solver = null; must be one of AUTO, NORMAL, QR");
        }
        if (!v.isEmpty()) {
            throw new InvalidOptionsException(v);
        }
    }

    private static void nonNegative(List<String> v, String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            v.add(name + " = " + value + " violates 0 <= " + name + " < inf");
        }
    }

    /** The defaults. */
    public static FitOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialized from these options. */
    public Builder toBuilder() {
        return new Builder().scaling(scaling).ftol(ftol).xtol(xtol).gtol(gtol).maxPasses(maxPasses)
                .maxTime(maxTime).initialStepBound(initialStepBound)
                .maxConsecutiveInvalidSteps(maxConsecutiveInvalidSteps).absoluteSigma(absoluteSigma)
                .jacobianCheck(jacobianCheck).blockRows(blockRows).warmup(warmup).solver(solver).presolve(presolve).global(global);
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private ScalingStrategy scaling = ScalingStrategy.AUTO;
        private double ftol = 1e-13;
        private double xtol = 1e-12;
        private double gtol = 1e-12;
        private int maxPasses = 500;
        private Duration maxTime;
        private double initialStepBound = 0.1;
        private int maxConsecutiveInvalidSteps = 30;
        private boolean absoluteSigma;
        private JacobianCheck jacobianCheck = JacobianCheck.WARN;
        private int blockRows = 512;
        private WarmupOptions warmup = WarmupOptions.defaults();
        private Solver solver = Solver.AUTO;
        private boolean presolve = true;
        private GlobalOptions global;

        /** The global search in front of the fit, or null for none. */
        public Builder global(GlobalOptions v) {
            global = v;
            return this;
        }

        public Builder presolve(boolean v) {
            presolve = v;
            return this;
        }

        public Builder solver(Solver v) {
            solver = v;
            return this;
        }

        public Builder warmup(WarmupOptions v) {
            warmup = v;
            return this;
        }

        public Builder scaling(ScalingStrategy v) {
            scaling = v;
            return this;
        }

        public Builder ftol(double v) {
            ftol = v;
            return this;
        }

        public Builder xtol(double v) {
            xtol = v;
            return this;
        }

        public Builder gtol(double v) {
            gtol = v;
            return this;
        }

        /** Sets ftol, xtol and gtol at once. */
        public Builder tolerances(double v) {
            return ftol(v).xtol(v).gtol(v);
        }

        public Builder maxPasses(int v) {
            maxPasses = v;
            return this;
        }

        public Builder maxTime(Duration v) {
            maxTime = v;
            return this;
        }

        public Builder initialStepBound(double v) {
            initialStepBound = v;
            return this;
        }

        public Builder maxConsecutiveInvalidSteps(int v) {
            maxConsecutiveInvalidSteps = v;
            return this;
        }

        public Builder absoluteSigma(boolean v) {
            absoluteSigma = v;
            return this;
        }

        public Builder jacobianCheck(JacobianCheck v) {
            jacobianCheck = v;
            return this;
        }

        public Builder blockRows(int v) {
            blockRows = v;
            return this;
        }

        public FitOptions build() {
            return new FitOptions(scaling, ftol, xtol, gtol, maxPasses, maxTime, initialStepBound,
                    maxConsecutiveInvalidSteps, absoluteSigma, jacobianCheck, blockRows, warmup, solver, presolve, global);
        }
    }
}
