package io.streamlsq.service;

import java.util.Locale;

/** Where a job is. The last four are final. */
enum JobStatus {
    QUEUED, RUNNING, CONVERGED, STOPPED, FAILED, CANCELLED;

    boolean finished() {
        return this != QUEUED && this != RUNNING;
    }

    String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    static JobStatus parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
