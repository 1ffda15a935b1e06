package io.streamlsq.search.lib;

import io.streamlsq.search.AskTellOptimizer;
import java.util.List;

/** Helpers over several optimizers. */
final class Optimizers {
    private Optimizers() {
    }

    /** Closes every one of {@code all} (nulls skipped); the first failure is thrown with the others suppressed. */
    static void closeAll(List<? extends AskTellOptimizer> all) {
        RuntimeException first = null;
        for (AskTellOptimizer o : all) {
            if (o == null) {
                continue;
            }
            try {
                o.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
