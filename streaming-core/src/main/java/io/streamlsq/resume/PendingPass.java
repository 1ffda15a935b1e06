package io.streamlsq.resume;

/**
 * A full pass in progress when a checkpoint was written: its number, point and level, the next chunk to
 * merge and the partial sums of the chunks before it ({@code NormalEquations.toArray()}).
 */
public record PendingPass(long pass, String level, double[] theta, long nextChunk, long rowsDone, double[] sums) {
    public PendingPass {
        theta = theta.clone();
        sums = sums.clone();
    }
}
