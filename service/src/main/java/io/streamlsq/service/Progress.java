package io.streamlsq.service;

import io.streamlsq.model.EvalLevel;
import io.streamlsq.phase.FitListener;
import io.streamlsq.phase.IterationSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A running job's progress as the fit reports it: phase, pass, rows of the current pass, rows/s and the pass's ETA,
 * the cost after each iteration. Every change is handed to {@code publish} as an event (progress at most ten times
 * a second). Written by the fit's threads, read by request threads: fields are volatile, the history synchronized.
 */
final class Progress implements FitListener {
    /** Iterations kept for the page's cost plot (the first ones and the newest, when a fit makes more). */
    static final int HISTORY = 5_000;
    private static final long EVENT_NANOS = 100_000_000L;

    private final Consumer<Map<String, Object>> publish;
    private final java.util.function.LongConsumer onPass;
    private volatile String phase = "";
    private volatile long pass;
    private volatile String level = "";
    private volatile long totalRows = -1;
    private volatile long rowsDone;
    private volatile long passStartNanos;
    private volatile double rowsPerSecond;
    private volatile long lastEvent;
    private volatile double cost = Double.NaN;
    private volatile long passes;
    private volatile int globalTrials = -1;
    private volatile int globalBudget;
    private final List<Map<String, Object>> iterations = new ArrayList<>();

    /** {@code onPass}: a full pass ended, with its rows (the service's counters). */
    Progress(Consumer<Map<String, Object>> publish, java.util.function.LongConsumer onPass) {
        this.publish = publish;
        this.onPass = onPass;
    }

    @Override
    public void onPhaseStart(String p) {
        phase = p;
        publish.accept(event("phase"));
    }

    @Override
    public void onPassStart(String p, long n, EvalLevel lvl, long chunks, long rows) {
        phase = p;
        pass = n;
        level = lvl.name().toLowerCase(java.util.Locale.ROOT);
        totalRows = rows;
        rowsDone = 0;
        passStartNanos = System.nanoTime();
        publish.accept(event("progress"));
    }

    @Override
    public void onPassProgress(long chunksDone, long rows) {
        rowsDone = rows;
        long now = System.nanoTime();
        double secs = (now - passStartNanos) * 1e-9;
        rowsPerSecond = secs > 0 ? rows / secs : 0;
        if (now - lastEvent >= EVENT_NANOS) {
            lastEvent = now;
            publish.accept(event("progress"));
        }
    }

    @Override
    public void onPassEnd(String p, long n) {
        passes++;
        onPass.accept(Math.max(0, rowsDone));
        if (totalRows > 0) {
            rowsDone = totalRows;
        }
        publish.accept(event("progress"));
    }

    @Override
    public Decision onIteration(IterationSummary s) {
        cost = s.cost();
        Map<String, Object> it = new LinkedHashMap<>();
        it.put("phase", s.phase());
        it.put("iteration", s.iteration());
        it.put("cost", finite(s.cost()));
        it.put("accepted", s.accepted());
        synchronized (iterations) {
            if (iterations.size() >= HISTORY) {
                iterations.remove(HISTORY / 2); // keep the start and the newest
            }
            iterations.add(it);
        }
        Map<String, Object> e = event("iteration");
        e.put("iteration", it);
        publish.accept(e);
        return Decision.CONTINUE;
    }

    @Override
    public void onGlobalProgress(int trials, int budget, double best, double seconds) {
        globalTrials = trials;
        globalBudget = budget;
        publish.accept(event("progress"));
    }

    /** The current state: what GET /api/jobs/{id} and the events carry. */
    Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", phase);
        m.put("pass", pass);
        m.put("level", level);
        long total = totalRows;
        long done = rowsDone;
        m.put("rows_done", done);
        m.put("rows_total", total);
        m.put("progress", total > 0 ? Math.min(1.0, (double) done / total) : null);
        double rate = rowsPerSecond;
        m.put("rows_per_second", rate);
        m.put("eta_seconds", total > 0 && rate > 0 ? (total - done) / rate : null);
        m.put("cost", finite(cost));
        m.put("passes", passes);
        if (globalTrials >= 0) {
            m.put("global_trials", globalTrials);
            m.put("global_budget", globalBudget);
        }
        return m;
    }

    double cost() {
        return cost;
    }

    double rowsPerSecond() {
        return rowsPerSecond;
    }

    /** The iterations so far (a copy). */
    List<Map<String, Object>> iterations() {
        synchronized (iterations) {
            return new ArrayList<>(iterations);
        }
    }

    private Map<String, Object> event(String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.putAll(snapshot());
        return m;
    }

    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
