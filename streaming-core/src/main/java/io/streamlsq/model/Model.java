package io.streamlsq.model;

import io.streamlsq.data.Chunk;
import java.util.List;

/**
 * A model {@code f(x; θ)} evaluated for a whole chunk of rows at once.
 *
 * <p>Implementations must be thread-safe: several threads call {@link #evaluate} concurrently with their
 * own chunks and buffers. They must not keep references to the chunk or the buffers after returning.
 */
public interface Model {

    /** Parameter names in the order of θ; unique. */
    List<String> parameterNames();

    /**
     * Names of the data variables the model reads, in the order of the chunk's first columns: variable
     * {@code v} of row {@code i} is {@code chunk.column(v)[chunk.offset() + i]}.
     */
    List<String> variableNames();

    /**
     * Evaluates the model on every row of {@code chunk}.
     *
     * @param chunk the rows; its first {@code variableNames().size()} columns are the variables. Not modified.
     * @param theta parameter values, length {@code parameterNames().size()}. Not modified.
     * @param level what is needed: at {@link EvalLevel#COST} only {@code values} is filled and
     *     {@code jacobian} may be {@code null}
     * @param values output, {@code values[i] = f(x_i; θ)} for {@code 0 <= i < chunk.rows()}. Modified.
     * @param jacobian output when {@code level.needsJacobian()}: {@code jacobian[k][i] = ∂f(x_i; θ)/∂θ_k}.
     *     Modified. Each array has room for at least {@code chunk.rows()} entries.
     */
    void evaluate(Chunk chunk, double[] theta, EvalLevel level, double[] values, double[][] jacobian);

    /** A short description for reports and checkpoints, e.g. the expression text or the class name. */
    default String describe() {
        return getClass().getName();
    }
}
