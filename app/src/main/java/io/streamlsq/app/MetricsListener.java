package io.streamlsq.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.phase.FitListener;
import io.streamlsq.phase.IterationSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fit events as Micrometer meters: full passes, rows, pass and chunk timers, iterations by phase, warmup
 * guard triggers by guard, and the current cost, damping and trust radius as gauges. Written as Prometheus
 * text at the end of a command run ({@code --metrics-file}); the HTTP endpoint comes with the service.
 */
final class MetricsListener implements FitListener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter passes;
    private final Counter rows;
    private final Timer passTimer;
    private final Timer chunkTimer;
    private volatile long passStart;
    private final AtomicLong lastMerge = new AtomicLong();
    private volatile long rowsThisPass;
    private volatile double cost = Double.NaN;
    private volatile double damping = Double.NaN;
    private volatile double radius = Double.NaN;

    MetricsListener() {
        MeterRegistry r = registry;
        passes = Counter.builder("lsq.passes").description("full passes over the data").register(r);
        rows = Counter.builder("lsq.rows").description("rows read by full passes").register(r);
        passTimer = Timer.builder("lsq.pass").description("wall time of a full pass").register(r);
        chunkTimer = Timer.builder("lsq.chunk").description("time between merged chunks of a pass").register(r);
        Gauge.builder("lsq.cost", this, m -> m.cost).description("cost at the current point").register(r);
        Gauge.builder("lsq.damping", this, m -> m.damping).description("Levenberg-Marquardt damping mu").register(r);
        Gauge.builder("lsq.trust.radius", this, m -> m.radius).description("trust region radius (scaled)").register(r);
    }

    @Override
    public void onPassStart(String phase, long pass, EvalLevel level, long chunks, long rowCount) {
        passStart = System.nanoTime();
        lastMerge.set(passStart);
        rowsThisPass = 0;
    }

    @Override
    public void onPassProgress(long chunksDone, long rowsDone) {
        long now = System.nanoTime();
        chunkTimer.record(now - lastMerge.getAndSet(now), TimeUnit.NANOSECONDS);
        rowsThisPass = rowsDone;
    }

    @Override
    public void onPassEnd(String phase, long pass) {
        passTimer.record(System.nanoTime() - passStart, TimeUnit.NANOSECONDS);
        passes.increment();
        rows.increment(rowsThisPass);
    }

    @Override
    public Decision onIteration(IterationSummary s) {
        Counter.builder("lsq.iterations").tag("phase", s.phase()).tag("accepted", Boolean.toString(s.accepted()))
                .description("trial points").register(registry).increment();
        cost = s.cost();
        damping = s.damping();
        radius = s.trustRadius();
        return Decision.CONTINUE;
    }

    @Override
    public void onGuard(String guard, String detail) {
        Counter.builder("lsq.guard.triggers").tag("guard", guard).description("warmup divergence guards that acted")
                .register(registry).increment();
    }

    /** Prometheus text exposition of every meter, written atomically. */
    void write(Path file) throws IOException {
        byte[] text = registry.scrape().getBytes(StandardCharsets.UTF_8);
        OutputFiles.write(file, os -> os.write(text));
    }
}
