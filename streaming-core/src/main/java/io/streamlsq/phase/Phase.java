package io.streamlsq.phase;

import java.io.IOException;

/**
 * One phase of a fit. Runs against the shared {@link FitState}; sets {@code state.termination} when the
 * fit must end early. Returns the number of iterations it did.
 */
interface Phase {
    String name();

    int run(FitState state) throws IOException;
}
