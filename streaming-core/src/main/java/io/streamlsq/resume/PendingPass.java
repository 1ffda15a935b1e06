package io.streamlsq.resume;

/**
 * A full pass in progress when a checkpoint was written: its number, point and level, the next chunk to
 * merge and the partial sums of the chunks before it ({@code NormalEquations.toArray()}), with the halo of the
 * residual series when the fit has curvature or smoothness terms ({@code NormalEquations.seriesToArray()}, else
 * null).
 */
public record PendingPass(long pass, String level, double[] theta, long nextChunk, long rowsDone, double[] sums,
        double[] series) {
    public PendingPass {
        theta = theta.clone();
        sums = sums.clone();
        series = series == null ? null : series.clone();
    }

    /** A pass in progress without a residual series. */
    public PendingPass(long pass, String level, double[] theta, long nextChunk, long rowsDone, double[] sums) {
        this(pass, level, theta, nextChunk, rowsDone, sums, null);
    }
}
