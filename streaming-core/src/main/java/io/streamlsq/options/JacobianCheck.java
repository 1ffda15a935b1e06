package io.streamlsq.options;

/** What the setup phase does with a model's Jacobian compared against central differences on one block. */
public enum JacobianCheck {
    /** No check. */
    OFF,
    /** Adds a warning to the result when a derivative disagrees. */
    WARN,
    /** Refuses to fit when a derivative disagrees. */
    FAIL
}
