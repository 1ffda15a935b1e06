package io.streamlsq.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The service's meters, scraped as Prometheus text at GET /metrics: {@code lsq_jobs{state}} (jobs by state),
 * {@code lsq_passes_total} and {@code lsq_rows_total} (full passes and their rows, all jobs since the server
 * started), and per running job {@code lsq_job_cost{job}} and {@code lsq_job_rows_per_second{job}} (removed when
 * the job ends).
 */
final class ServiceMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter passes;
    private final Counter rows;
    private final Map<String, List<Meter>> perJob = new ConcurrentHashMap<>();

    ServiceMetrics(Supplier<Collection<Job>> jobs) {
        for (JobStatus s : JobStatus.values()) {
            Gauge.builder("lsq.jobs", () -> jobs.get().stream().filter(j -> j.status() == s).count())
                    .tag("state", s.text()).description("jobs by state").register(registry);
        }
        passes = Counter.builder("lsq.passes").description("full passes over the data, all jobs").register(registry);
        rows = Counter.builder("lsq.rows").description("rows read by full passes, all jobs").register(registry);
    }

    void passEnded(long passRows) {
        passes.increment();
        rows.increment(passRows);
    }

    void running(Job job) {
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("lsq.job.cost", job, j -> j.progress() == null ? Double.NaN : j.progress().cost())
                .tag("job", job.id).description("cost at the running job's current point").strongReference(true)
                .register(registry));
        meters.add(Gauge.builder("lsq.job.rows.per.second", job,
                j -> j.progress() == null ? Double.NaN : j.progress().rowsPerSecond()).tag("job", job.id)
                .description("rows per second of the running job's current pass").strongReference(true)
                .register(registry));
        perJob.put(job.id, meters);
    }

    void ended(Job job) {
        List<Meter> meters = perJob.remove(job.id);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    String scrape() {
        return registry.scrape();
    }
}
