package io.streamlsq.resume;

import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What a fit needs to checkpoint: the store, the policy, the caller's attributes (stored verbatim), the
 * options text for {@code /problem/options}, and a stop request the fit polls at each chunk merge and
 * resume point — when it turns true the fit writes a checkpoint and throws {@link FitInterruptedException}.
 */
public record Checkpointing(CheckpointStore store, CheckpointPolicy policy, Map<String, String> attributes,
        String options, BooleanSupplier stopRequested) {

    public Checkpointing {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(policy, "policy");
        attributes = Map.copyOf(attributes);
        stopRequested = stopRequested == null ? () -> false : stopRequested;
    }

    public static Checkpointing to(CheckpointStore store, CheckpointPolicy policy) {
        return new Checkpointing(store, policy, Map.of(), null, null);
    }
}
