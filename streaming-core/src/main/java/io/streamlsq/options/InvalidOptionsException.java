package io.streamlsq.options;

import java.util.List;

/** Options that break their rules; the message lists every violation, each with option, value and rule. */
public class InvalidOptionsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> violations;

    public InvalidOptionsException(List<String> violations) {
        super("invalid fit options: " + String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    public List<String> violations() {
        return violations;
    }
}
