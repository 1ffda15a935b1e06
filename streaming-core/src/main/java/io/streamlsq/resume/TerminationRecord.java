package io.streamlsq.resume;

import io.streamlsq.result.Termination;

/** A {@link Termination} as three strings: kind (converged, limit, stopped, failed), detail (criterion or limit), reason. */
public record TerminationRecord(String kind, String detail, String reason) {

    public static TerminationRecord of(Termination t) {
        if (t == null) {
            return null;
        }
        if (t instanceof Termination.Converged c) {
            return new TerminationRecord("converged", c.criterion().name(), c.reason());
        }
        if (t instanceof Termination.LimitReached l) {
            return new TerminationRecord("limit", l.limit().name(), l.reason());
        }
        if (t instanceof Termination.Stopped s) {
            return new TerminationRecord("stopped", "", s.reason());
        }
        return new TerminationRecord("failed", "", t.reason());
    }

    /**
     * @throws IllegalArgumentException for an unknown kind or detail
     */
    public Termination toTermination() {
        return switch (kind) {
            case "converged" -> new Termination.Converged(Termination.Criterion.valueOf(detail), reason);
            case "limit" -> new Termination.LimitReached(Termination.Limit.valueOf(detail), reason);
            case "stopped" -> new Termination.Stopped(reason);
            case "failed" -> new Termination.Failed(reason);
            default -> throw new IllegalArgumentException("termination kind '" + kind
                    + "' is not one of converged, limit, stopped, failed");
        };
    }
}
