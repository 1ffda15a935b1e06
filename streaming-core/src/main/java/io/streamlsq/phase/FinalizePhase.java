package io.streamlsq.phase;

import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.result.FitResult;
import io.streamlsq.result.Numerics;
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
        double kappa = Double.NaN;
        boolean[] reliableValues = new boolean[n];
        boolean[] reliableStderr = new boolean[n];
        for (int k = 0; k < n; k++) {
            reliableValues[k] = fixed[k];
            reliableStderr[k] = fixed[k];
        }
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
            boolean qr = ne.form() == NormalEquations.Form.QR;
            Covariance c = qr ? Covariance.fromFactor(ne.rMatrix(), freeNames) : Covariance.invert(ne.jtjMatrix(), freeNames);
            warnings.addAll(c.warnings());
            cond = c.conditionNumber();
            kappa = c.kappa();
            reliability(s, c, qr, Math.sqrt(Math.max(ssr, 0)), reliableValues, reliableStderr, warnings);
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
                s.rowsEvaluated + (s.global == null ? 0 : s.global.rowsEvaluated), s.phases, (t1 - s.startNanos) * 1e-9,
                cond, warnings, resumed, new java.util.LinkedHashMap<>(s.guards), s.warmupOutcome,
                new Numerics(s.solver.solverName(), s.solverNote, kappa, reliableValues, reliableStderr), s.presolveOutcome,
                s.global == null ? null : globalSummary(s));
    }

    /** What the global search did, for the report and the result JSON. */
    private static io.streamlsq.result.GlobalSummary globalSummary(FitState s) {
        GlobalState g = s.global;
        var o = s.options.global();
        List<io.streamlsq.resume.GlobalSnapshot.TrialRecord> ranked = new ArrayList<>(g.trials);
        ranked.removeIf(t -> t.end() == null);
        ranked.sort(java.util.Comparator.comparingDouble(io.streamlsq.resume.GlobalSnapshot.TrialRecord::score)
                .thenComparingLong(io.streamlsq.resume.GlobalSnapshot.TrialRecord::number));
        List<io.streamlsq.result.GlobalSummary.Trial> best = new ArrayList<>();
        for (var t : ranked.subList(0, Math.min(GlobalPhase.LISTED, ranked.size()))) {
            best.add(new io.streamlsq.result.GlobalSummary.Trial(t.number(), t.score(), t.start().clone(), t.end().clone()));
        }
        List<io.streamlsq.result.GlobalSummary.Round> rounds = new ArrayList<>();
        g.rounds.forEach(r -> rounds.add(new io.streamlsq.result.GlobalSummary.Round(r.round(), r.rows(), r.entrants(),
                r.kept())));
        List<io.streamlsq.result.GlobalSummary.Finalist> finalists = new ArrayList<>();
        for (int i = 0; i < g.results.size(); i++) {
            var r = g.results.get(i);
            finalists.add(new io.streamlsq.result.GlobalSummary.Finalist(g.finalists.get(i).clone(), r.theta().clone(),
                    r.cost(), r.termination() == null ? "none" : r.termination().kind() + ": " + r.termination().reason(),
                    r.iterations()));
        }
        double seconds = 0;
        for (var t : s.phases) {
            if (t.name().equals(GlobalPhase.NAME)) {
                seconds += t.seconds();
            }
        }
        long rows = s.problem.source().rowCount();
        return new io.streamlsq.result.GlobalSummary(g.method, o.budget(), g.trials.size(), g.failures(), g.sampleRows,
                best, rounds, finalists, g.winner, g.rowsEvaluated, rows > 0 ? (double) g.rowsEvaluated / rows : Double.NaN,
                seconds, g.note);
    }

    /**
     * Which values and standard errors keep six significant digits, by first-order rounding-error estimates in the
     * column-equilibrated coordinates y = Cθ (docs/accuracy.md, "Conditioning"): a value's absolute error is about
     * ε·κ_j·(‖y‖ + κ‖r‖/σmax) from R and ε·κ_j²·(‖y‖ + ‖r‖/σmax) from JᵀJ (κ_j the parameter's own condition
     * number, the κ‖r‖ term the sensitivity of any least-squares solution to its residual: Golub and Van Loan §5.3.8;
     * bounds, measured 50–200 times above the errors the QR path makes, docs/accuracy.md); a standard error's is
     * {@link Covariance#stderrError()}. The warnings name the parameters that fail.
     */
    private static void reliability(FitState s, Covariance c, boolean qr, double rnorm, boolean[] values, boolean[] stderr,
            List<String> warnings) {
        double eps = Math.ulp(1.0);
        int p = s.freeCount();
        double ynorm = 0;
        double[] y = new double[p];
        for (int i = 0; i < p; i++) {
            y[i] = c.columnNorms()[i] * s.theta[s.free[i]];
            ynorm = Math.hypot(ynorm, y[i]);
        }
        double residualTerm = c.sigmaMax() > 0 ? rnorm / c.sigmaMax() : Double.POSITIVE_INFINITY;
        // normal equations that lost (nearly) every digit: the steps that led here were noise, and so is every number
        boolean lost = !qr && !(c.kappa() * c.kappa() * eps <= 1e-2);
        List<String> badValues = new ArrayList<>();
        List<String> badErrors = new ArrayList<>();
        double worst = 0;
        List<String> names = s.problem.parameterNames();
        for (int i = 0; i < p; i++) {
            int k = s.free[i];
            double kj = c.paramCondition()[i];
            double abs = eps * (qr ? kj * (ynorm + c.kappa() * residualTerm) : kj * kj * (ynorm + residualTerm));
            double rel = abs / Math.abs(y[i]);
            values[k] = !lost && rel <= Numerics.RELIABLE_RELATIVE_ERROR;
            stderr[k] = !lost && c.stderrError()[i] <= Numerics.RELIABLE_RELATIVE_ERROR;
            if (!values[k]) {
                badValues.add(names.get(k));
                worst = Math.max(worst, Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel);
            }
            if (!stderr[k]) {
                badErrors.add(names.get(k));
            }
        }
        if (badValues.isEmpty() && badErrors.isEmpty()) {
            return;
        }
        String why = String.format(java.util.Locale.ROOT, "the column-equilibrated J has condition number %.2e and the %s"
                + " path loses about %.0f digits to it", c.kappa(), qr ? "QR" : "normal-equations",
                Math.min(16, Math.log10(qr ? c.kappa() : c.kappa() * c.kappa())));
        String advice = qr ? "the problem is too ill-conditioned for double precision: reparametrize (e.g. center and scale"
                + " x, use orthogonal polynomials) or fix parameters"
                : "--solver qr (or auto) keeps twice the digits";
        if (!badValues.isEmpty()) {
            warnings.add("values not reliable to 6 digits (estimated relative rounding error up to "
                    + (Double.isInfinite(worst) ? "100%" : String.format(java.util.Locale.ROOT, "%.1e", worst)) + "): "
                    + String.join(", ", badValues) + "; " + why + "; " + advice);
        }
        if (!badErrors.isEmpty()) {
            warnings.add("standard errors not reliable to 6 digits: " + String.join(", ", badErrors) + "; " + why);
        }
    }
}
