package io.streamlsq.resume;

/**
 * The warmup at the start of an iteration: the iterate x and the best point (q units, loss, gradient),
 * the L-BFGS pairs (oldest first; rows of {@code memoryS}/{@code memoryY}) or Adam's moments, the
 * iteration index and the first step length chosen by guard 2.
 */
public record WarmupSnapshot(String method, int iteration, double step, double[] xq, double xLoss, double[] xg,
        double[] bestQ, double bestLoss, double[] bestG, double[][] memoryS, double[][] memoryY, double[] adamM,
        double[] adamV) {
}
