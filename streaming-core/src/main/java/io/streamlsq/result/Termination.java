package io.streamlsq.result;

/** Why a fit ended. Closed set; {@link #status()} is the word the result JSON and exit codes use. */
public sealed interface Termination {

    /** Human-readable reason, e.g. "relative cost reduction 3.1e-12 <= ftol = 1e-10". */
    String reason();

    /** {@code converged}, {@code max_passes}, {@code max_time}, {@code stopped} or {@code failed}. */
    String status();

    /** Whether the fit met a convergence criterion. */
    default boolean isConverged() {
        return this instanceof Converged;
    }

    /** Which test ended a converged fit. */
    enum Criterion { FTOL, XTOL, GTOL, ZERO_RESIDUAL, PRECISION_LIMIT }

    /** Which budget ran out. */
    enum Limit { PASSES, TIME }

    /** A convergence test held. */
    record Converged(Criterion criterion, String reason) implements Termination {
        @Override
        public String status() {
            return "converged";
        }
    }

    /** A budget ran out before convergence; the best point so far is returned. */
    record LimitReached(Limit limit, String reason) implements Termination {
        @Override
        public String status() {
            return limit == Limit.PASSES ? "max_passes" : "max_time";
        }
    }

    /** A listener asked to stop; the best point so far is returned. */
    record Stopped(String reason) implements Termination {
        @Override
        public String status() {
            return "stopped";
        }
    }

    /** A numerical failure (non-finite model output, no acceptable step); the best point so far is returned. */
    record Failed(String reason) implements Termination {
        @Override
        public String status() {
            return "failed";
        }
    }
}
