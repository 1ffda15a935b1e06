package io.streamlsq.spark;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.Model;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.util.List;

/**
 * What an executor needs to build a {@link ChunkEvaluator} equal to the driver's: the model, the active (free)
 * parameter indices, the column names, whether a sigma column is read, the loss, the rows per block and the weights
 * of the residual series' curvature and smoothness rows.
 *
 * <p>{@link #of(ChunkEvaluator)} reads these from the driver's evaluator. ChunkEvaluator has no public accessors for
 * them yet, so they are read reflectively from its private fields (one place, checked: a missing field is an
 * {@link IllegalStateException} naming it); a public {@code ChunkEvaluator.spec()} in streaming-core would replace it.
 */
public record EvaluatorSpec(ModelSpec model, int[] active, List<String> columnNames, boolean weighted,
        Loss.Kind lossKind, double lossScale, int blockRows, double curvature, double smoothness) implements Serializable {

    public EvaluatorSpec {
        active = active.clone();
        columnNames = List.copyOf(columnNames);
    }

    /** The evaluator this spec describes (a new one: one per task, as one per worker thread locally). */
    public ChunkEvaluator create() {
        return new ChunkEvaluator(model.create(), active, columnNames, weighted, Loss.of(lossKind, lossScale), blockRows,
                curvature, smoothness);
    }

    /** The spec of the driver's evaluator. */
    public static EvaluatorSpec of(ChunkEvaluator e) {
        Model model = (Model) field(e, "model");
        Loss loss = (Loss) field(e, "loss");
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) field(e, "columnNames");
        return new EvaluatorSpec(ModelSpec.of(model), (int[]) field(e, "active"), names, (Boolean) field(e, "weighted"),
                loss.kind(), loss.fScale(), (Integer) field(e, "blockRows"), e.curvature(), e.smoothness());
    }

    static Object field(Object o, String name) {
        try {
            Field f = o.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException | RuntimeException ex) {
            throw new IllegalStateException(o.getClass().getName() + "." + name + " cannot be read (" + ex
                    + "): this streaming-core does not match the spark module", ex);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvaluatorSpec s && model.equals(s.model) && java.util.Arrays.equals(active, s.active)
                && columnNames.equals(s.columnNames) && weighted == s.weighted && lossKind == s.lossKind
                && Double.compare(lossScale, s.lossScale) == 0 && blockRows == s.blockRows
                && Double.compare(curvature, s.curvature) == 0 && Double.compare(smoothness, s.smoothness) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(model, java.util.Arrays.hashCode(active), columnNames, weighted, lossKind,
                lossScale, blockRows, curvature, smoothness);
    }
}
