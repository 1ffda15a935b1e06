package io.streamlsq.accumulate;

import io.streamlsq.accumulate.internal.GramKernel;
import io.streamlsq.accumulate.internal.QrKernel;
import io.streamlsq.data.Chunk;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import java.util.List;

/**
 * Turns chunks into {@link NormalEquations} contributions (Gram sums, or on QR sums the Householder update of
 * the triangular factor): evaluates the model block by block, forms the
 * weighted residuals {@code r_i = (f(x_i; θ) − y_i)/σ_i}, applies the robust-loss correction (Triggs, as
 * in Ceres' corrector) and sums. Owns and reuses all its buffers: nothing is allocated per row or per
 * chunk. One evaluator per thread.
 *
 * <p>Chunk layout: columns {@code 0..v−1} are the model's variables, column {@code v} is y and, when
 * weighted, column {@code v+1} is sigma.
 */
public final class ChunkEvaluator {
    /** Rows per block: the Jacobian block of 11 parameters stays in L2 and the tile loops in L1. */
    public static final int DEFAULT_BLOCK_ROWS = 512;

    private final Model model;
    private final int[] active;
    private final int vars;
    private final boolean weighted;
    private final Loss loss;
    private final List<String> columnNames;
    private final int blockRows;
    private final Chunk view;
    private final double[] values;
    private final double[][] jacobian;
    private final double[] residuals;
    private final double[] rowScale;
    private final double[][] augmented;
    private final double[] rho = new double[3];
    private final int m;
    private final double curvature;
    private final double smoothness;
    private ResidualSeries seriesScratch;
    private final double[] largestGrad;

    /**
     * @param model the model
     * @param active indices in θ of the parameters whose derivatives are summed (the free ones), increasing
     * @param columnNames names of the chunk's columns, for messages
     * @param weighted whether the chunk carries a sigma column
     * @param loss the loss
     * @param blockRows rows per model call
     */
    public ChunkEvaluator(Model model, int[] active, List<String> columnNames, boolean weighted, Loss loss,
            int blockRows) {
        this(model, active, columnNames, weighted, loss, blockRows, 0, 0);
    }

    /**
     * An evaluator that also adds the {@linkplain ResidualSeries curvature and smoothness rows} of the residual series
     * with weights γ = {@code curvature} and δ = {@code smoothness} (both 0: none). The series' first and last rows
     * are added by {@link NormalEquations#finishSeries()} after the pass.
     */
    public ChunkEvaluator(Model model, int[] active, List<String> columnNames, boolean weighted, Loss loss,
            int blockRows, double curvature, double smoothness) {
        this.curvature = curvature;
        this.smoothness = smoothness;
        this.model = model;
        this.active = active.clone();
        this.vars = model.variableNames().size();
        this.weighted = weighted;
        this.loss = loss;
        this.columnNames = List.copyOf(columnNames);
        this.blockRows = blockRows;
        int p = model.parameterNames().size();
        this.view = new Chunk(vars);
        this.values = new double[blockRows];
        this.jacobian = new double[p][blockRows];
        this.residuals = new double[blockRows];
        this.rowScale = new double[blockRows];
        this.m = this.active.length + 1;
        this.largestGrad = new double[this.active.length];
        this.augmented = new double[GramKernel.paddedColumns(m)][];
        for (int k = 0; k < this.active.length; k++) {
            augmented[k] = jacobian[this.active[k]];
        }
        augmented[m - 1] = residuals;
        double[] zeros = new double[blockRows];
        for (int c = m; c < augmented.length; c++) {
            augmented[c] = zeros;
        }
    }

    /** γ of the curvature rows this evaluator adds (0: none). */
    public double curvature() {
        return curvature;
    }

    /** δ of the smoothness rows this evaluator adds (0: none). */
    public double smoothness() {
        return smoothness;
    }

    /** Dimension of the normal equations this evaluator fills (number of active parameters). */
    public int dimension() {
        return active.length;
    }

    /**
     * Adds the chunk's rows to {@code out} at θ.
     *
     * @return {@code null}, or the first row with a non-finite number; then {@code out} holds garbage
     */
    public NonFinite evaluate(Chunk chunk, double[] theta, EvalLevel level, NormalEquations out) {
        final double[] packed = out.packedAugmented();
        final boolean qr = out.form() == NormalEquations.Form.QR;
        if (qr && level != EvalLevel.NORMAL) {
            throw new IllegalArgumentException("QR sums are made by NORMAL passes only, not " + level);
        }
        final double ssrBefore = qr ? 0 : out.ssr();
        double ssrQr = 0;
        double rhoSum = 0;
        double weightSum = 0;
        boolean badSigma = false;
        final int n = chunk.rows();
        ResidualSeries series = out.series(curvature, smoothness);
        ResidualSeries span = null;
        if (series != null) {
            if (series.rows() == 0) {
                span = series;
            } else {
                seriesScratch = seriesScratch == null ? series.emptyLike() : seriesScratch;
                span = seriesScratch;
            }
            span.begin(out, level.needsJacobian(), level == EvalLevel.GRADIENT);
        }
        for (int start = 0; start < n; start += blockRows) {
            int len = Math.min(blockRows, n - start);
            view.sliceOf(chunk, start, len);
            model.evaluate(view, theta, level, values, jacobian);
            int off = chunk.offset() + start;
            final double[] y = chunk.column(vars);
            if (span != null) {
                for (int i = 0; i < len; i++) {
                    span.push(values[i] - y[off + i], jacobian, active, i);
                }
            }
            boolean trackLargest = out.tracksLargestRow();
            if (weighted) {
                final double[] sigma = chunk.column(vars + 1);
                for (int i = 0; i < len; i++) {
                    double s = sigma[off + i];
                    double w = 1.0 / s;
                    badSigma |= !(s > 0 && w * w <= Double.MAX_VALUE); // the weight 1/σ² must be finite
                    residuals[i] = (values[i] - y[off + i]) * w;
                    rowScale[i] = w;
                    weightSum += w * w;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    residuals[i] = values[i] - y[off + i];
                }
                weightSum += len;
            }
            if (trackLargest) {
                offerLargestRow(chunk.firstRow() + start, len, level.needsJacobian(), out);
            }
            boolean scaleRows = weighted;
            if (!loss.isLinear()) {
                rhoSum += correctForLoss(len);
                scaleRows = true;
            }
            if (level.needsJacobian() && scaleRows) {
                scaleJacobianRows(len);
            }
            switch (level) {
                case NORMAL -> {
                    if (qr) {
                        ssrQr += GramKernel.sumOfSquares(residuals, len); // before the reflections overwrite r
                        QrKernel.absorb(packed, m, augmented, len);
                    } else {
                        GramKernel.gram(augmented, m, len, packed);
                    }
                }
                case GRADIENT -> GramKernel.lastColumn(augmented, m, len, packed);
                case COST -> packed[packed.length - 1] += GramKernel.sumOfSquares(residuals, len);
                default -> throw new AssertionError(level);
            }
        }
        out.addRows(n, weightSum);
        out.addRho(loss.isLinear() ? (qr ? ssrQr : out.ssr() - ssrBefore - (span == null ? 0 : span.emittedSsr())) : rhoSum);
        if (span != null) {
            span.end();
            if (span != series) {
                series.append(span, out);
                span.reset();
            }
        }
        if (badSigma || !out.isFinite()) {
            return locate(chunk, theta, level);
        }
        return null;
    }

    /**
     * Offers the block's row with the largest ρ(r²) (the first on a tie) and ∇θ ρ = ρ′·2r·∂r/∂θ there to {@code out};
     * before the loss correction, so {@code residuals} are the weighted r and {@code rowScale} 1/σ.
     */
    private void offerLargestRow(long firstRow, int len, boolean withJacobian, NormalEquations out) {
        int best = -1;
        double bestRho = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            double r = residuals[i];
            double v;
            if (loss.isLinear()) {
                v = r * r;
            } else {
                loss.evaluate(r * r, rho);
                v = rho[0];
            }
            if (v > bestRho) {
                bestRho = v;
                best = i;
            }
        }
        if (best < 0 || !(bestRho > out.largestRho())) {
            return;
        }
        double r = residuals[best];
        double slope = 1;
        if (!loss.isLinear()) {
            loss.evaluate(r * r, rho);
            slope = rho[1];
        }
        double w = weighted ? rowScale[best] : 1.0;
        for (int k = 0; k < active.length; k++) {
            largestGrad[k] = withJacobian ? slope * 2 * r * w * jacobian[active[k]][best] : 0.0;
        }
        out.offerLargest(bestRho, firstRow + best, largestGrad);
    }

    /** Replaces r by the corrected residual and rowScale by the corrected row factor ({@link Loss#correct}); returns Σρ. */
    private double correctForLoss(int len) {
        return loss.correct(residuals, rowScale, weighted, len, rho);
    }

    private void scaleJacobianRows(int len) {
        for (int k : active) {
            final double[] col = jacobian[k];
            for (int i = 0; i < len; i++) {
                col[i] *= rowScale[i];
            }
        }
    }

    /** Slow path, only after a non-finite sum: finds the first offending row, data before model. */
    private NonFinite locate(Chunk chunk, double[] theta, EvalLevel level) {
        final int n = chunk.rows();
        final List<String> params = model.parameterNames();
        for (int start = 0; start < n; start += blockRows) {
            int len = Math.min(blockRows, n - start);
            view.sliceOf(chunk, start, len);
            model.evaluate(view, theta, level, values, jacobian);
            int off = chunk.offset() + start;
            for (int i = 0; i < len; i++) {
                long row = chunk.firstRow() + start + i;
                for (int c = 0; c <= vars; c++) {
                    double v = chunk.column(c)[off + i];
                    if (!Double.isFinite(v)) {
                        return new NonFinite(row, NonFinite.Kind.DATA, columnNames.get(c), v);
                    }
                }
                if (weighted) {
                    double s = chunk.column(vars + 1)[off + i];
                    if (!(s > 0) || Double.isInfinite(s) || !(1.0 / s * (1.0 / s) <= Double.MAX_VALUE)) {
                        return new NonFinite(row, NonFinite.Kind.SIGMA, columnNames.get(vars + 1), s);
                    }
                }
                if (!Double.isFinite(values[i])) {
                    return new NonFinite(row, NonFinite.Kind.VALUE, "value", values[i]);
                }
                if (level.needsJacobian()) {
                    for (int k : active) {
                        if (!Double.isFinite(jacobian[k][i])) {
                            return new NonFinite(row, NonFinite.Kind.DERIVATIVE, params.get(k), jacobian[k][i]);
                        }
                    }
                }
            }
        }
        // Every input and output is finite but a sum overflowed.
        return new NonFinite(chunk.firstRow(), NonFinite.Kind.VALUE, "sum of squares", Double.POSITIVE_INFINITY);
    }
}
