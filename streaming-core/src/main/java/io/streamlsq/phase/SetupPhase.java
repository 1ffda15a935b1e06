package io.streamlsq.phase;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import io.streamlsq.options.JacobianCheck;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.scale.ParameterScaling;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Phase 0: data fingerprint, parameter scaling, and a preflight on the first rows: the model must write
 * every output it is asked for, and (by option) its derivatives must agree with central differences.
 */
final class SetupPhase implements Phase {
    static final String NAME = "setup";
    private static final int PREFLIGHT_ROWS = 64;
    private static final double JACOBIAN_TOLERANCE = 1e-4;

    private final Listeners listeners;

    SetupPhase(Listeners listeners) {
        this.listeners = listeners;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int run(FitState state) throws IOException {
        FitProblem problem = state.problem;
        state.fingerprint = problem.source().fingerprint();
        state.scaling = ParameterScaling.create(state.options.scaling(), state.theta, state.lower, state.upper);
        preflight(state);
        return 0;
    }

    private void preflight(FitState state) throws IOException {
        FitProblem problem = state.problem;
        Model model = problem.model();
        try (ChunkCursor cursor = problem.source().open(problem.columns(), 0)) {
            Chunk chunk = cursor.next();
            while (chunk != null && chunk.rows() == 0) {
                chunk = cursor.next(); // a chunk whose rows were all skipped as invalid
            }
            if (chunk == null) {
                throw new InvalidDataException(io.streamlsq.data.NoRows.message(problem.source()));
            }
            int n = Math.min(PREFLIGHT_ROWS, chunk.rows());
            Chunk rows = new Chunk(model.variableNames().size());
            rows.sliceOf(chunk, 0, n);
            if (!allFinite(rows, n)) {
                return; // the first pass names the bad row and column
            }
            int p = model.parameterNames().size();
            double[] values = new double[n];
            double[][] jac = new double[p][n];
            Arrays.fill(values, UNWRITTEN);
            for (int k : state.free) {
                Arrays.fill(jac[k], UNWRITTEN);
            }
            model.evaluate(rows, state.theta, EvalLevel.NORMAL, values, jac);
            state.rowsEvaluated += n;
            requireWritten(model, values, jac, state.free, n);
            if (state.options.jacobianCheck() != JacobianCheck.OFF) {
                checkJacobian(state, rows, values, jac, n);
            }
        }
    }

    private static boolean allFinite(Chunk rows, int n) {
        for (int c = 0; c < rows.columnCount(); c++) {
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(rows.get(c, i))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A NaN with a payload no arithmetic produces: where it is still there after {@code evaluate}, the model wrote
     * nothing. A NaN the model computed (log of a negative number, 0/0) has another payload and is the model's
     * value, which the first pass reports as a numerical failure.
     */
    private static final double UNWRITTEN = Double.longBitsToDouble(0x7ff8_5eed_0bad_f00dL);

    private static boolean unwritten(double v) {
        return Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(UNWRITTEN);
    }

    private static void requireWritten(Model model, double[] values, double[][] jac, int[] free, int n) {
        boolean valuesWritten = false;
        for (int i = 0; i < n && !valuesWritten; i++) {
            valuesWritten = !unwritten(values[i]);
        }
        if (!valuesWritten) {
            throw new IllegalStateException("model " + model.describe() + " wrote no values on the first "
                    + n + " rows: Model.evaluate must fill values[0..rows)");
        }
        List<String> names = model.parameterNames();
        for (int k : free) {
            boolean any = false;
            for (int i = 0; i < n && !any; i++) {
                any = !unwritten(jac[k][i]);
            }
            if (!any) {
                throw new IllegalStateException("model " + model.describe() + " wrote no derivative for parameter "
                        + names.get(k) + " at NORMAL level; Model.evaluate must fill jacobian[k][0..rows) "
                        + "(wrap it in NumericJacobianModel if it has no derivatives)");
            }
        }
    }

    private void checkJacobian(FitState state, Chunk rows, double[] values, double[][] jac, int n) {
        Model model = state.problem.model();
        double[] shifted = state.theta.clone();
        double[] plus = new double[n];
        double[] minus = new double[n];
        double h0 = Math.cbrt(Math.ulp(1.0));
        for (int k : state.free) {
            double t = state.theta[k];
            double h = h0 * Math.max(Math.abs(t), 1.0);
            // stay inside the bounds: the model may be undefined beyond them
            double up = Math.min(state.upper[k], t + h);
            double down = Math.max(state.lower[k], t - h);
            shifted[k] = up;
            model.evaluate(rows, shifted, EvalLevel.COST, plus, null);
            shifted[k] = down;
            model.evaluate(rows, shifted, EvalLevel.COST, minus, null);
            shifted[k] = t;
            state.rowsEvaluated += 2L * n;
            double scale = 0;
            double worst = 0;
            int worstRow = -1;
            double fdWorst = 0;
            for (int i = 0; i < n; i++) {
                double fd = (plus[i] - minus[i]) / (up - down);
                if (!Double.isFinite(fd) || !Double.isFinite(jac[k][i])) {
                    continue;
                }
                scale = Math.max(scale, Math.max(Math.abs(fd), Math.abs(jac[k][i])));
                double err = Math.abs(fd - jac[k][i]);
                if (err > worst) {
                    worst = err;
                    worstRow = i;
                    fdWorst = fd;
                }
            }
            double fmax = 0;
            for (int i = 0; i < n; i++) {
                fmax = Math.max(fmax, Math.abs(values[i]));
            }
            // differences lose about ε·|f|/h to cancellation: never flag below that floor
            double floor = 1e3 * Math.ulp(1.0) * fmax / h;
            if (worstRow >= 0 && scale > 0 && worst > JACOBIAN_TOLERANCE * scale + floor) {
                boolean central = up == t + h && down == t - h; // no bound cut either side
                String msg = String.format(Locale.ROOT, "Jacobian check: derivative with respect to %s at row %d "
                        + "is %.6g but %s differences give %.6g (relative difference %.2g > %.0e)%s",
                        model.parameterNames().get(k), rows.firstRow() + worstRow, jac[k][worstRow],
                        central ? "central" : "one-sided", fdWorst, worst / scale, JACOBIAN_TOLERANCE,
                        central ? "" : " (one-sided at a bound: less accurate, and wrong where the model is not smooth"
                                + " at the bound)");
                if (state.options.jacobianCheck() == JacobianCheck.FAIL) {
                    throw new IllegalArgumentException(msg);
                }
                state.warnings.add(msg);
                listeners.onWarning(msg);
            }
        }
    }
}
