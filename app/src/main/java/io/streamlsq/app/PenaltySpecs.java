package io.streamlsq.app;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --penalty EXPR} (repeatable) and the config file's {@code penalties: [EXPR, …]}: extra residual rows, each an
 * expression of the parameters (a Gaussian prior on b: {@code (b-1.3)/0.1}), added once to every pass's sums.
 */
final class PenaltySpecs {
    private PenaltySpecs() {
    }

    /** The penalties of the {@code penalties} setting: a list of expressions or one expression; empty when absent. */
    static List<String> parse(Object raw) {
        List<String> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        for (Object item : raw instanceof List<?> l ? l : List.of(raw)) {
            String text = String.valueOf(item).trim();
            if (item == null || text.isEmpty()) {
                throw new UsageException("--penalty: an empty expression (example: --penalty \"(b-1.3)/0.1\")");
            }
            out.add(text);
        }
        return out;
    }
}
