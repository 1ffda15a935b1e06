package io.streamlsq.problem;

import java.util.List;

/** A problem that cannot be fitted as set up; the message lists every violation found. */
public class InvalidProblemException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> violations;

    public InvalidProblemException(List<String> violations) {
        super(String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    /** Each violation, naming the thing, its value and the rule. */
    public List<String> violations() {
        return violations;
    }
}
