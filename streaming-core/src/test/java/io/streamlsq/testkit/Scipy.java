package io.streamlsq.testkit;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Whether a Python with scipy is there, for tests that compare with scipy (and are skipped without it). */
public final class Scipy {
    private Scipy() {
    }

    /** True when {@code python -c "import scipy, numpy"} succeeds within a minute. */
    public static boolean available(String python) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(python, "-c", "import scipy, numpy")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException noPython) {
            return false;
        }
    }
}
