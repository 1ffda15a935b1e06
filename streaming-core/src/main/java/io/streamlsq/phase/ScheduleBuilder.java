package io.streamlsq.phase;

import io.streamlsq.phase.PhaseSchedule.PhaseSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameter-centric way to write a schedule: the phases (kind and options), then for each parameter
 * pattern a {@link FreePlan}. Every matched parameter gets an explicit frozen/free entry in every phase;
 * parameters no plan matches keep whatever the phases themselves say (or carry over).
 */
public final class ScheduleBuilder {
    private final List<PhaseSpec> phases;
    private final Map<String, FreePlan> plans = new LinkedHashMap<>();

    private ScheduleBuilder(List<PhaseSpec> phases) {
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one phase");
        }
        this.phases = List.copyOf(phases);
    }

    public static ScheduleBuilder of(List<PhaseSpec> phases) {
        return new ScheduleBuilder(phases);
    }

    /** Parameters matching {@code pattern} (glob, as in {@link PhaseSpec#freeze}) follow {@code plan}; a second call with the same pattern combines with {@link FreePlan#or}. */
    public ScheduleBuilder param(String pattern, FreePlan plan) {
        plans.merge(pattern, plan, FreePlan::or);
        return this;
    }

    /** The phases with the plans written into their freeze entries (after the phases' own entries). */
    public List<PhaseSpec> build() {
        int n = phases.size();
        List<PhaseSpec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PhaseSpec spec = phases.get(i);
            for (Map.Entry<String, FreePlan> e : plans.entrySet()) {
                Set<Integer> free = e.getValue().resolve(n);
                spec = spec.freeze(e.getKey(), !free.contains(i));
            }
            out.add(spec);
        }
        return out;
    }
}
