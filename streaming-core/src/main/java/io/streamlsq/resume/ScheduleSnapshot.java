package io.streamlsq.resume;

import io.streamlsq.result.FitResult;
import java.util.List;

/**
 * A {@code PhaseSchedule} between or inside phases: the state of each phase (PENDING, RUNNING, COMPLETED,
 * SKIPPED), the entry snapshots (null for phases not entered), current values and mask, stop reasons,
 * per-phase loss histories and results, and for the phase running at the time of writing its index and
 * the losses recorded so far (its fit is the checkpoint's {@link Checkpoint#fit()}).
 */
public record ScheduleSnapshot(List<String> phaseNames, List<String> states, List<double[]> entryValues,
        List<boolean[]> entryFixed, double[] values, boolean[] fixed, List<String> stopReasons, List<double[]> losses,
        List<FitResult> results, int running, double[] runningLosses, boolean runningPlateau) {

    public ScheduleSnapshot {
        phaseNames = List.copyOf(phaseNames);
        states = List.copyOf(states);
        entryValues = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(entryValues));
        entryFixed = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(entryFixed));
        stopReasons = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(stopReasons));
        losses = List.copyOf(losses);
        results = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(results));
    }
}
