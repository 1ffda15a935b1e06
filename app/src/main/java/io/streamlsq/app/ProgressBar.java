package io.streamlsq.app;

import io.streamlsq.model.EvalLevel;
import io.streamlsq.phase.FitListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar per pass on stderr: phase, pass, percentage, rows, rows/s and ETA. Redrawn at
 * most ten times a second with a carriage return, erased at the end of the pass. Only used when stderr
 * is a terminal and {@code --quiet} is not given.
 */
final class ProgressBar implements FitListener {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private volatile String label = "";
    private volatile long totalRows = -1;
    private volatile long start;
    private volatile long lastDraw;

    ProgressBar(PrintStream err) {
        this.err = err;
    }

    /** Whether stderr is a terminal: the launcher tells us ({@code -Dlsq.stderr.tty}), else the console. */
    static boolean stderrIsTerminal() {
        String tty = System.getProperty("lsq.stderr.tty");
        if (tty != null) {
            return Boolean.parseBoolean(tty);
        }
        return System.console() != null;
    }

    @Override
    public void onPassStart(String phase, long pass, EvalLevel level, long chunks, long rows) {
        label = String.format(Locale.ROOT, "%s pass %d", phase, pass);
        totalRows = rows;
        start = System.nanoTime();
        lastDraw = 0;
    }

    @Override
    public void onPassProgress(long chunksDone, long rowsDone) {
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double secs = (now - start) * 1e-9;
        double rate = secs > 0 ? rowsDone / secs : 0;
        StringBuilder s = new StringBuilder("\r").append(label).append(' ');
        if (totalRows > 0) {
            double f = Math.min(1.0, (double) rowsDone / totalRows);
            int filled = (int) (f * WIDTH);
            s.append('[').append("=".repeat(filled)).append(filled < WIDTH ? ">" : "")
                    .append(" ".repeat(Math.max(0, WIDTH - filled - 1))).append("] ");
            s.append(String.format(Locale.ROOT, "%3.0f%% %s/%s rows", 100 * f, human(rowsDone), human(totalRows)));
            double eta = rate > 0 ? (totalRows - rowsDone) / rate : 0;
            s.append(String.format(Locale.ROOT, "  %s rows/s  ETA %s", human((long) rate), clock(eta)));
        } else {
            s.append(String.format(Locale.ROOT, "%s rows  %s rows/s", human(rowsDone), human((long) rate)));
        }
        s.append("\033[K");
        err.print(s);
        err.flush();
    }

    @Override
    public void onGlobalProgress(int trials, int budget, double best, double seconds) {
        double f = budget > 0 ? Math.min(1.0, (double) trials / budget) : 0;
        int filled = (int) (f * WIDTH);
        double eta = trials > 0 ? seconds * (budget - trials) / trials : 0;
        err.print(String.format(Locale.ROOT, "\rglobal search [%s%s%s] %d/%d trials  best %.6g  ETA %s%s\033[K",
                "=".repeat(filled), filled < WIDTH ? ">" : "", " ".repeat(Math.max(0, WIDTH - filled - 1)), trials, budget,
                best, clock(eta), trials >= budget ? "\n" : ""));
        err.flush();
    }

    @Override
    public void onPassEnd(String phase, long pass) {
        err.print("\r\033[K");
        err.flush();
    }

    static String human(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fG", n / 1e9);
        }
        if (n >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        if (n >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", n / 1e3);
        }
        return Long.toString(n);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
