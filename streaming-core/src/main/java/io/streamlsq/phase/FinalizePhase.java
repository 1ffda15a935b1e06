package io.streamlsq.phase;

import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.result.FitResult;
import io.streamlsq.result.PhaseTiming;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Phase 3: back to user units. Covariance with scipy's {@code absolute_sigma} semantics:
 * {@code Cov = s²·(JᵀJ)⁻¹} with {@code s² = 1} when sigma is absolute, else
 * {@code s² = 2·cost / (n − p_free)}; standard errors, correlations, condition number, warnings. Needs no
 * pass: the sums at the final point come from the last accepted trial.
 */
final class FinalizePhase {
    static final String NAME = "finalize";

    /** Builds the result; records this phase's timing in {@code s.phases} first. */
    FitResult finish(FitState s, Ticker ticker, boolean resumed) {
        long t0 = ticker.nanos();
        List<String> names = s.problem.parameterNames();
        int n = names.size();
        int p = s.freeCount();
        NormalEquations ne = s.current;
        double[][] cov = new double[n][n];
        double[] stderr = new double[n];
        double[][] corr = new double[n][n];
        boolean[] fixed = new boolean[n];
        Arrays.fill(fixed, true);
        for (int k : s.free) {
            fixed[k] = false;
        }
        List<String> warnings = new ArrayList<>(s.warnings);
        double cond = Double.NaN;
        long rows = ne == null ? 0 : ne.rows();
        long dof = rows - p;
        double cost = ne == null ? Double.NaN : ne.cost();
        double ssr = ne == null ? Double.NaN : ne.ssr();
        if (ne == null || !Double.isFinite(cost)) {
            // no sums at the final point (no pass, or a failed one): the uncertainty is unknown, not zero
            for (int i : s.free) {
                stderr[i] = Double.NaN;
                for (int j = 0; j < n; j++) {
                    cov[i][j] = cov[j][i] = Double.NaN;
                    corr[i][j] = corr[j][i] = Double.NaN;
                }
            }
        } else {
            List<String> freeNames = new ArrayList<>();
            for (int k : s.free) {
                freeNames.add(names.get(k));
            }
            Covariance c = Covariance.invert(ne.jtjMatrix(), freeNames);
            warnings.addAll(c.warnings());
            cond = c.conditionNumber();
            double s2 = s.options.absoluteSigma() ? 1.0 : (dof > 0 ? 2 * cost / dof : Double.POSITIVE_INFINITY);
            if (!s.options.absoluteSigma() && dof <= 0) {
                warnings.add("no degrees of freedom left (rows = free parameters): the covariance is infinite");
            }
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    cov[s.free[i]][s.free[j]] = s2 * c.inverse()[i][j];
                }
            }
            for (int k : s.free) {
                stderr[k] = Math.sqrt(cov[k][k]);
            }
            for (int i : s.free) {
                for (int j : s.free) {
                    corr[i][j] = cov[i][j] / (stderr[i] * stderr[j]);
                }
            }
        }
        long t1 = ticker.nanos();
        s.phases.add(new PhaseTiming(NAME, (t1 - t0) * 1e-9, 0, 0));
        return new FitResult(names, s.problem.initial(), s.theta.clone(), stderr, fixed, cov, corr,
                s.termination, cost, ssr, rows, dof, dof > 0 ? ssr / dof : Double.NaN, s.passes,
                s.rowsEvaluated, s.phases, (t1 - s.startNanos) * 1e-9, cond, warnings, resumed,
                new java.util.LinkedHashMap<>(s.guards), s.warmupOutcome);
    }
}
