package io.streamlsq.options;

import java.util.ArrayList;
import java.util.List;

/**
 * Phase 1: an L-BFGS warmup on a sample of the data, on the mean weighted squared residual, before the
 * Gauss-Newton passes. Its cost does not grow with the dataset. The four divergence guards (after NLSQ's
 * "4-layer defense", with its defaults):
 * <ol>
 *   <li>warm start: skip the warmup when loss / var(y) &lt; {@code warmStartThreshold} (0.01);</li>
 *   <li>adaptive initial step from that ratio: &lt; 0.1 → {@code refinementStep} (1.0), &lt; 1 →
 *       {@code carefulStep} (0.5), else {@code explorationStep} (0.1); {@code fixedStep} (0.1) when off;</li>
 *   <li>cost increase: a trial point whose loss exceeds (1 + {@code costIncreaseTolerance}) × the best loss
 *       (0.05) ends the warmup at the best point seen;</li>
 *   <li>step clipping: no update longer than {@code maxStepNorm} (0.1) in scaled units.</li>
 * </ol>
 * It ends on a plateau (relative loss change &lt; {@code plateauThreshold}, 1e-4), a small gradient
 * (‖∇loss‖ in scaled units &lt; {@code gradientThreshold}, 1e-3; the loss is a mean, so this does not grow with
 * rows), or {@code maxIterations} (100).
 *
 * @param enabled whether the warmup runs (default false in this version: see docs/engine.md)
 * @param sampleRows rows of the sample, evenly spaced chunks (default 10⁶); {@link #FULL} = every row, each
 *     evaluation then a full GRADIENT pass, counted in the fit's passes
 * @param history L-BFGS memory m (default 10)
 * @param maxWeight α of sheap's max-residual term {@code α·max ρ_i} added to the warmup's loss only (default 0: off;
 *     needs a sampled warmup)
 */
public record WarmupOptions(boolean enabled, long sampleRows, int maxIterations, int history,
        boolean warmStartDetection, double warmStartThreshold, boolean adaptiveStep, double refinementStep,
        double carefulStep, double explorationStep, double fixedStep, boolean costGuard, double costIncreaseTolerance,
        boolean stepClipping, double maxStepNorm, double plateauThreshold, double gradientThreshold, Method method,
        double maxWeight) {

    /** The warmup's optimizer. */
    public enum Method {
        /** L-BFGS with a strong-Wolfe line search (the default). */
        LBFGS,
        /** Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8) with the adaptive first step as its learning rate; no line search. */
        ADAM
    }


    /** {@code sampleRows} meaning "no sampling": the warmup reads all the data. */
    public static final long FULL = Long.MAX_VALUE;

    public WarmupOptions {
        List<String> v = new ArrayList<>();
        if (sampleRows < 1) {
            v.add("warmup sampleRows = " + sampleRows + " violates sampleRows >= 1");
        }
        if (maxIterations < 0) {
            v.add("warmup maxIterations = " + maxIterations + " violates maxIterations >= 0");
        }
        if (history < 1) {
            v.add("warmup history = " + history + " violates history >= 1");
        }
        positive(v, "warmStartThreshold", warmStartThreshold);
        positive(v, "refinementStep", refinementStep);
        positive(v, "carefulStep", carefulStep);
        positive(v, "explorationStep", explorationStep);
        positive(v, "fixedStep", fixedStep);
        if (!(costIncreaseTolerance >= 0)) {
            v.add("warmup costIncreaseTolerance = " + costIncreaseTolerance + " violates costIncreaseTolerance >= 0");
        }
        positive(v, "maxStepNorm", maxStepNorm);
        if (!(plateauThreshold >= 0) || !(gradientThreshold >= 0)) {
            v.add("warmup plateauThreshold = " + plateauThreshold + ", gradientThreshold = " + gradientThreshold
                    + " violate both >= 0");
        }
        if (method == null) {
            v.add("warmup method is null: LBFGS or ADAM");
        }
        if (!(maxWeight >= 0) || Double.isInfinite(maxWeight)) {
            v.add("warmup maxWeight = " + maxWeight + " violates 0 <= maxWeight < inf");
        } else if (maxWeight > 0 && sampleRows == FULL) {
            v.add("warmup maxWeight = " + maxWeight + " needs a sampled warmup, not the full data: the max-residual"
                    + " term is tracked within a pass, and full-data passes may be checkpointed half done");
        }
        if (!v.isEmpty()) {
            throw new InvalidOptionsException(v);
        }
    }

    private static void positive(List<String> v, String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            v.add("warmup " + name + " = " + value + " violates 0 < " + name + " < inf");
        }
    }

    /** The defaults, with the warmup off. */
    public static WarmupOptions defaults() {
        return new WarmupOptions(false, 1_000_000, 100, 10, true, 0.01, true, 1.0, 0.5, 0.1, 0.1, true, 0.05, true,
                0.1, 1e-4, 1e-3, Method.LBFGS, 0.0);
    }

    /** The defaults, with the warmup on. */
    public static WarmupOptions on() {
        return defaults().withEnabled(true);
    }

    public WarmupOptions withEnabled(boolean v) {
        return new WarmupOptions(v, sampleRows, maxIterations, history, warmStartDetection, warmStartThreshold,
                adaptiveStep, refinementStep, carefulStep, explorationStep, fixedStep, costGuard, costIncreaseTolerance,
                stepClipping, maxStepNorm, plateauThreshold, gradientThreshold, method, maxWeight);
    }

    public WarmupOptions withGuards(boolean warmStart, boolean adaptive, boolean cost, boolean clipping) {
        return new WarmupOptions(enabled, sampleRows, maxIterations, history, warmStart, warmStartThreshold, adaptive,
                refinementStep, carefulStep, explorationStep, fixedStep, cost, costIncreaseTolerance, clipping,
                maxStepNorm, plateauThreshold, gradientThreshold, method, maxWeight);
    }

    public WarmupOptions withFixedStep(double v) {
        return new WarmupOptions(enabled, sampleRows, maxIterations, history, warmStartDetection, warmStartThreshold,
                adaptiveStep, refinementStep, carefulStep, explorationStep, v, costGuard, costIncreaseTolerance,
                stepClipping, maxStepNorm, plateauThreshold, gradientThreshold, method, maxWeight);
    }

    public WarmupOptions withMaxStepNorm(double v) {
        return new WarmupOptions(enabled, sampleRows, maxIterations, history, warmStartDetection, warmStartThreshold,
                adaptiveStep, refinementStep, carefulStep, explorationStep, fixedStep, costGuard, costIncreaseTolerance,
                stepClipping, v, plateauThreshold, gradientThreshold, method, maxWeight);
    }

    public WarmupOptions withSampleRows(long v) {
        return new WarmupOptions(enabled, v, maxIterations, history, warmStartDetection, warmStartThreshold,
                adaptiveStep, refinementStep, carefulStep, explorationStep, fixedStep, costGuard, costIncreaseTolerance,
                stepClipping, maxStepNorm, plateauThreshold, gradientThreshold, method, maxWeight);
    }

    public WarmupOptions withMaxIterations(int v) {
        return new WarmupOptions(enabled, sampleRows, v, history, warmStartDetection, warmStartThreshold,
                adaptiveStep, refinementStep, carefulStep, explorationStep, fixedStep, costGuard, costIncreaseTolerance,
                stepClipping, maxStepNorm, plateauThreshold, gradientThreshold, method, maxWeight);
    }

    /**
     * sheap's max-residual term: the warmup minimizes {@code mean ρ_i + α·max ρ_i} over its sample (α = {@code v},
     * sheap's {@code max_weight}; 0: off), with the subgradient of the largest row's ρ. Gauss-Newton passes do not
     * have it (it is not a sum of squares); the report says so.
     */
    public WarmupOptions withMaxWeight(double v) {
        return new WarmupOptions(enabled, sampleRows, maxIterations, history, warmStartDetection, warmStartThreshold,
                adaptiveStep, refinementStep, carefulStep, explorationStep, fixedStep, costGuard, costIncreaseTolerance,
                stepClipping, maxStepNorm, plateauThreshold, gradientThreshold, method, v);
    }

    /** The warmup on all rows (no sampling). */
    public WarmupOptions withFullData() {
        return withSampleRows(FULL);
    }

    public WarmupOptions withMethod(Method m) {
        return new WarmupOptions(enabled, sampleRows, maxIterations, history, warmStartDetection, warmStartThreshold,
                adaptiveStep, refinementStep, carefulStep, explorationStep, fixedStep, costGuard, costIncreaseTolerance,
                stepClipping, maxStepNorm, plateauThreshold, gradientThreshold, m, maxWeight);
    }
}
