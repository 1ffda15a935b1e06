package io.streamlsq.expr;

import io.streamlsq.data.Chunk;

/** What generated code implements: one model evaluation over all rows of a chunk. */
public interface Kernel {
    /**
     * @param chunk rows; columns 0..v−1 are the variables
     * @param p parameters
     * @param jacobian whether to fill {@code d}
     * @param out values, one per row
     * @param d derivatives {@code d[k][i]}, filled when {@code jacobian}
     * @param buf scratch arrays, {@link CodeGen#bufferCount()} of them, each ≥ rows long
     */
    void evaluate(Chunk chunk, double[] p, boolean jacobian, double[] out, double[][] d, double[][] buf);
}
