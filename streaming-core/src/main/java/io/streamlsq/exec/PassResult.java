package io.streamlsq.exec;

import io.streamlsq.accumulate.NonFinite;
import io.streamlsq.accumulate.NormalEquations;

/**
 * What a pass produced.
 *
 * @param sums the merged sums; when {@code nonFinite} is set, the sums of the chunks before the bad one
 * @param nonFinite {@code null}, or the first non-finite row in chunk order (the pass stopped there)
 * @param chunks chunks merged by this pass
 */
public record PassResult(NormalEquations sums, NonFinite nonFinite, long chunks) {

    /** Whether every row was finite. */
    public boolean isFinite() {
        return nonFinite == null;
    }
}
