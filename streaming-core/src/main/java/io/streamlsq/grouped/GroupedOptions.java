package io.streamlsq.grouped;

import io.streamlsq.options.InvalidOptionsException;
import java.util.ArrayList;
import java.util.List;

/**
 * How each group is fitted. The tests are MINPACK's, as in the streaming fit ({@code FitOptions}), on the group's
 * rows held in memory.
 *
 * @param ftol relative cost reduction tolerance, &ge; 0 (default 1e-13, the streaming fit's)
 * @param xtol relative parameter change tolerance, &ge; 0 (default 1e-12)
 * @param gtol gradient orthogonality tolerance, &ge; 0 (default 1e-12)
 * @param maxEvaluations evaluations of the model (with its Jacobian) one group may spend, &ge; 1 (default 500): a
 *     group's "pass"
 * @param initialStepBound first trust radius = factor·‖D θ₀‖, &gt; 0 (default 0.1)
 * @param maxConsecutiveInvalidSteps trial points in a row with non-finite model output before the group fails,
 *     &ge; 1 (default 30)
 * @param absoluteSigma when false the covariance is scaled by the group's reduced chi-square (default false)
 * @param warmupSteps warmup steps (Adam) or iterations (L-BFGS) on the group's cost before Levenberg-Marquardt, &ge; 0
 *     (default 0: none)
 * @param warmupLearningRate Adam's learning rate, relative to max(|θ₀|, 1) per parameter, &gt; 0 (default 1e-2)
 * @param warmupMethod the warmup's optimizer (default ADAM)
 * @param groupsPerTask groups a worker fits in a row before the results are handed on in input order, &ge; 1
 *     (default 64); memory holds {@code threads × groupsPerTask} groups
 */
public record GroupedOptions(double ftol, double xtol, double gtol, int maxEvaluations, double initialStepBound,
        int maxConsecutiveInvalidSteps, boolean absoluteSigma, int warmupSteps, double warmupLearningRate,
        int groupsPerTask, WarmupMethod warmupMethod) {

    /** sheap's two optimizers: Adam with a fixed number of steps, L-BFGS (memory 10, backtracking Armijo search). */
    public enum WarmupMethod { ADAM, LBFGS }

    public GroupedOptions {
        List<String> v = new ArrayList<>();
        nonNegative(v, "ftol", ftol);
        nonNegative(v, "xtol", xtol);
        nonNegative(v, "gtol", gtol);
        if (maxEvaluations < 1) {
            v.add("maxEvaluations = " + maxEvaluations + " violates maxEvaluations >= 1");
        }
        if (!(initialStepBound > 0) || Double.isInfinite(initialStepBound)) {
            v.add("initialStepBound = " + initialStepBound + " violates 0 < initialStepBound < inf");
        }
        if (maxConsecutiveInvalidSteps < 1) {
            v.add("maxConsecutiveInvalidSteps = " + maxConsecutiveInvalidSteps + " violates maxConsecutiveInvalidSteps >= 1");
        }
        if (warmupSteps < 0) {
            v.add("warmupSteps = " + warmupSteps + " violates warmupSteps >= 0");
        }
        if (!(warmupLearningRate > 0) || Double.isInfinite(warmupLearningRate)) {
            v.add("warmupLearningRate = " + warmupLearningRate + " violates 0 < warmupLearningRate < inf");
        }
        if (warmupMethod == null) {
            v.add("warmupMethod = null; must be ADAM or LBFGS");
        }
        if (groupsPerTask < 1) {
            v.add("groupsPerTask = " + groupsPerTask + " violates groupsPerTask >= 1");
        }
        if (!v.isEmpty()) {
            throw new InvalidOptionsException(v);
        }
    }

    private static void nonNegative(List<String> v, String name, double x) {
        if (!(x >= 0) || Double.isInfinite(x)) {
            v.add(name + " = " + x + " violates 0 <= " + name + " < inf");
        }
    }

    /** The defaults. */
    public static GroupedOptions defaults() {
        return new GroupedOptions(1e-13, 1e-12, 1e-12, 500, 0.1, 30, false, 0, 1e-2, 64, WarmupMethod.ADAM);
    }

    public GroupedOptions withTolerances(double f, double x, double g) {
        return new GroupedOptions(f, x, g, maxEvaluations, initialStepBound, maxConsecutiveInvalidSteps, absoluteSigma,
                warmupSteps, warmupLearningRate, groupsPerTask, warmupMethod);
    }

    public GroupedOptions withMaxEvaluations(int n) {
        return new GroupedOptions(ftol, xtol, gtol, n, initialStepBound, maxConsecutiveInvalidSteps, absoluteSigma,
                warmupSteps, warmupLearningRate, groupsPerTask, warmupMethod);
    }

    public GroupedOptions withAbsoluteSigma(boolean a) {
        return new GroupedOptions(ftol, xtol, gtol, maxEvaluations, initialStepBound, maxConsecutiveInvalidSteps, a,
                warmupSteps, warmupLearningRate, groupsPerTask, warmupMethod);
    }

    public GroupedOptions withWarmup(int steps, double learningRate) {
        return new GroupedOptions(ftol, xtol, gtol, maxEvaluations, initialStepBound, maxConsecutiveInvalidSteps,
                absoluteSigma, steps, learningRate, groupsPerTask, warmupMethod);
    }

    /** The warmup with {@code method}: {@code steps} Adam steps or L-BFGS iterations. */
    public GroupedOptions withWarmup(WarmupMethod method, int steps, double learningRate) {
        return new GroupedOptions(ftol, xtol, gtol, maxEvaluations, initialStepBound, maxConsecutiveInvalidSteps,
                absoluteSigma, steps, learningRate, groupsPerTask, method);
    }

    public GroupedOptions withGroupsPerTask(int n) {
        return new GroupedOptions(ftol, xtol, gtol, maxEvaluations, initialStepBound, maxConsecutiveInvalidSteps,
                absoluteSigma, warmupSteps, warmupLearningRate, n, warmupMethod);
    }
}
