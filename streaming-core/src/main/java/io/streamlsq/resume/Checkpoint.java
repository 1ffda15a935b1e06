package io.streamlsq.resume;

import java.util.Map;

/**
 * One checkpoint: the problem it belongs to, the fit at its resume point (null between schedule phases),
 * the schedule (null for a plain fit) and the caller's own attributes (the CLI keeps its invocation there).
 */
public record Checkpoint(ProblemRecord problem, FitSnapshot fit, ScheduleSnapshot schedule, Map<String, String> attributes) {
    /** The format this code writes; a reader refuses another major version. */
    public static final String VERSION = "3.3";

    public Checkpoint {
        attributes = Map.copyOf(attributes);
    }

    public Checkpoint withFit(FitSnapshot f) {
        return new Checkpoint(problem, f, schedule, attributes);
    }

    /** A short description for messages and {@code lsq inspect}: phase, iteration, cursor. */
    public String where() {
        if (fit == null) {
            return schedule == null ? "no fit" : "schedule between phases";
        }
        String s = fit.phase() + " iteration " + fit.phaseIterations() + ", " + fit.passes() + " passes done";
        if (fit.pending() != null) {
            s += ", pass " + fit.pending().pass() + " at chunk " + fit.pending().nextChunk();
        }
        return s;
    }
}
