package io.streamlsq.phase;

import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.exec.PassResult;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.Solver;
import io.streamlsq.result.Termination;
import io.streamlsq.result.Termination.Criterion;
import io.streamlsq.scale.ParameterScaling;
import io.streamlsq.step.TrustRegionSubproblem;
import java.io.IOException;
import java.util.Locale;

/**
 * Phase 2: streaming Levenberg-Marquardt. Every trial point costs one NORMAL pass, which gives its cost
 * and, if it is accepted, the next system at once (no second pass). Step control, acceptance and
 * convergence tests are MINPACK's {@code lmder}, on the accumulated system in internal units q; bounds
 * are held exactly by projection, with parameters at a bound whose gradient points outward taken out of
 * the step. A rejected step shrinks the region and the phase goes on.
 */
final class GaussNewtonPhase implements Phase {
    static final String NAME = "gauss_newton";
    private static final double EPS = Math.ulp(1.0);
    private static final double ACCEPT_RATIO = 1e-4;

    private final PassRunner passes;
    private final Listeners listeners;
    private final Ticker ticker;

    GaussNewtonPhase(PassRunner passes, Listeners listeners, Ticker ticker) {
        this.passes = passes;
        this.listeners = listeners;
        this.ticker = ticker;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int run(FitState s) throws IOException {
        FitOptions o = s.options;
        int p = s.freeCount();
        if (s.current == null) {
            if (limitReached(s)) {
                return 0;
            }
            PassResult first = passes.run(NAME, s.theta, EvalLevel.NORMAL);
            if (!first.isFinite()) {
                s.termination = new Termination.Failed("at the starting point " + first.nonFinite().describe());
                return 0;
            }
            s.current = first.sums();
        }
        ParameterScaling sc = s.scaling;
        // q, not θ, is the point the steps are taken from: a resume must not round-trip it through θ
        double[] q = s.q != null ? s.q.clone() : internal(s);
        s.q = q;
        double[] lo = new double[p];
        double[] hi = new double[p];
        for (int j = 0; j < p; j++) {
            lo[j] = sc.toInternal(s.free[j], s.lower[s.free[j]]);
            hi[j] = sc.toInternal(s.free[j], s.upper[s.free[j]]);
        }
        while (true) {
            if (s.solver == NormalEquations.Form.GRAM && o.solver() == Solver.AUTO && p > 0) {
                double kappa = Covariance.conditionOfGram(s.current.jtjMatrix());
                s.conditionEstimate = kappa;
                if (kappa * kappa * EPS > Solver.NORMAL_PRECISION_LIMIT) {
                    if (limitReached(s)) {
                        return s.phaseIterations; // the Gram sums stay; the result flags what they cannot carry
                    }
                    // the normal equations would keep fewer than eight digits of the step and the covariance: from
                    // here on R of [J r], starting with this point's pass again (a resume point first, so that a
                    // checkpoint of that pass resumes with QR sums)
                    s.solver = NormalEquations.Form.QR;
                    s.solverNote = String.format(Locale.ROOT, "auto: the column-equilibrated J has condition number "
                            + "%.2e at pass %d, so the normal equations would keep about %.0f digits; QR from pass %d on",
                            kappa, s.passes, Math.max(0, -Math.log10(kappa * kappa * EPS)), s.passes + 1);
                    s.current = null;
                    s.checkpointer.boundary(s, NAME, null, false);
                    PassResult again = passes.run(NAME, s.theta, EvalLevel.NORMAL);
                    if (!again.isFinite()) {
                        s.termination = new Termination.Failed("at pass " + s.passes + " " + again.nonFinite().describe());
                        return s.phaseIterations;
                    }
                    s.current = again.sums();
                }
            }
            double cost = s.current.cost();
            double[][] a = scaledMatrix(s.current, s);
            double[] g = scaledGradient(s.current, s);
            Factor f = factor(s.current, s);
            if (cost == 0) {
                s.termination = new Termination.Converged(Criterion.ZERO_RESIDUAL, "the residuals are all zero");
                return s.phaseIterations;
            }
            boolean[] held = heldAtBounds(q, g, lo, hi);
            double gnorm = gradientCosine(a, g, cost, held);
            if (gnorm <= o.gtol()) {
                s.termination = new Termination.Converged(Criterion.GTOL, String.format(Locale.ROOT,
                        "gradient cosine %.2e <= gtol = %.2e", gnorm, o.gtol()));
                return s.phaseIterations;
            }
            if (gnorm <= EPS) {
                s.termination = new Termination.Converged(Criterion.PRECISION_LIMIT, String.format(Locale.ROOT,
                        "gradient cosine %.3g at machine precision", gnorm));
                return s.phaseIterations;
            }
            updateDiag(s, a);
            double xnorm = scaledNorm(s.diag, externalOverScale(s));
            if (Double.isNaN(s.radius)) {
                s.radius = o.initialStepBound() * xnorm;
                if (s.radius == 0) {
                    // a start at 0 gives no scale: the Gauss-Newton step does (a bound of 0.1 made a start 10¹⁵
                    // away from the answer take hundreds of passes, or none that the cost could see)
                    double full = computeStep(a, g, f, s.diag, Double.POSITIVE_INFINITY, 0, q, lo, hi, held).scaledNorm;
                    s.radius = Double.isFinite(full) && full > 0 ? Math.max(o.initialStepBound(), full)
                            : o.initialStepBound();
                }
            }
            boolean firstIteration = s.gaussNewtonIterations == 0;
            // inner loop: trial points at this system until one is accepted or a test ends the phase
            while (true) {
                s.checkpointer.boundary(s, NAME, null, false); // a resume re-enters the outer loop with this state
                Step step = computeStep(a, g, f, s.diag, s.radius, s.damping, q, lo, hi, held);
                if (step.scaledNorm == 0) {
                    s.termination = new Termination.Converged(Criterion.GTOL,
                            "the step is zero: no descent direction is left (the gradient vanishes to machine precision,"
                                    + " or points out of the bounds)");
                    return s.phaseIterations;
                }
                if (firstIteration) {
                    s.radius = Math.min(s.radius, step.scaledNorm);
                }
                double[] thetaTrial = external(s, step.qTrial);
                if (limitReached(s)) {
                    return s.phaseIterations;
                }
                PassResult trial = passes.run(NAME, thetaTrial, EvalLevel.NORMAL);
                double trialCost = trial.isFinite() ? trial.sums().cost() : Double.NaN;
                double actred;
                if (!trial.isFinite()) {
                    s.invalidSteps++;
                    actred = -1;
                    if (s.invalidSteps >= o.maxConsecutiveInvalidSteps()) {
                        s.termination = new Termination.Failed(s.invalidSteps + " trial points in a row gave non-finite "
                                + "model output; last: " + trial.nonFinite().describe());
                        return s.phaseIterations;
                    }
                } else {
                    s.invalidSteps = 0;
                    actred = 0.1 * Math.sqrt(trialCost) < Math.sqrt(cost) ? 1 - trialCost / cost : -1;
                }
                double prered = step.predicted / cost;
                double dirder = step.directional / (2 * cost);
                double ratio = prered != 0 ? actred / prered : 0;
                updateRadius(s, step, ratio, actred, dirder, trialCost, cost);
                boolean accepted = ratio >= ACCEPT_RATIO;
                if (accepted) {
                    q = step.qTrial;
                    s.q = q;
                    s.theta = thetaTrial;
                    s.current = trial.sums();
                    s.phaseIterations++;
                    s.gaussNewtonIterations++;
                    xnorm = scaledNorm(s.diag, externalOverScale(s));
                }
                IterationSummary summary = new IterationSummary(NAME, s.phaseIterations, s.passes,
                        s.current.cost(), trialCost, ratio, accepted, s.radius, step.mu, gnorm, step.scaledNorm);
                double[] qNow = q;
                java.util.function.DoubleSupplier fullStepPrered = () ->
                        computeStep(a, g, f, s.diag, Double.POSITIVE_INFINITY, 0, qNow, lo, hi, held).predicted / cost;
                if (converged(s, actred, prered, ratio, xnorm, step.mu, fullStepPrered)) {
                    listeners.onIteration(summary);
                    return s.phaseIterations;
                }
                if (listeners.onIteration(summary) == FitListener.Decision.STOP) {
                    s.termination = new Termination.Stopped("a listener asked to stop after "
                            + s.phaseIterations + " iterations");
                    return s.phaseIterations;
                }
                if (accepted) {
                    break;
                }
            }
        }
    }

    private boolean limitReached(FitState s) {
        FitOptions o = s.options;
        if (s.passes >= o.maxPasses()) {
            s.termination = new Termination.LimitReached(Termination.Limit.PASSES,
                    "reached maxPasses = " + o.maxPasses() + " before convergence");
            return true;
        }
        if (o.maxTime() != null && ticker.nanos() - s.startNanos >= o.maxTime().toNanos()) {
            s.termination = new Termination.LimitReached(Termination.Limit.TIME,
                    "reached maxTime = " + o.maxTime() + " before convergence");
            return true;
        }
        return false;
    }

    /**
     * MINPACK's tests, with one difference: a small reduction is convergence only when the Gauss-Newton step
     * itself promises no more. A step cut short by the trust radius (μ &gt; 0) predicts a small reduction because
     * it is short, not because the optimum is near (a start 10¹² away from the answer, and a radius that
     * starts at 0.1, gave "converged" after one step).
     */
    private static boolean converged(FitState s, double actred, double prered, double ratio, double xnorm, double mu,
            java.util.function.DoubleSupplier fullStepPrered) {
        FitOptions o = s.options;
        // MINPACK also asks ratio <= 2 (the model did not underestimate the reduction); when the actual reduction is
        // itself at the rounding level of the cost, the ratio of two rounding errors says nothing (24 was seen on peaks)
        boolean modelTrusted = 0.5 * ratio <= 1 || Math.abs(actred) <= 10 * EPS;
        boolean smallReduction = Math.abs(actred) <= o.ftol() && prered <= o.ftol() && modelTrusted
                && (mu == 0 || !(fullStepPrered.getAsDouble() > o.ftol()));
        if (smallReduction) {
            s.termination = new Termination.Converged(Criterion.FTOL, String.format(Locale.ROOT,
                    "relative cost reduction %.2e (predicted %.2e) <= ftol = %.2e", Math.abs(actred), prered, o.ftol()));
            return true;
        }
        if (s.radius <= o.xtol() * xnorm) {
            s.termination = new Termination.Converged(Criterion.XTOL, String.format(Locale.ROOT,
                    "relative step bound %.2e <= xtol = %.2e", s.radius / xnorm, o.xtol()));
            return true;
        }
        if (Math.abs(actred) <= EPS && prered <= EPS && modelTrusted
                && (mu == 0 || !(fullStepPrered.getAsDouble() > EPS))) {
            s.termination = new Termination.Converged(Criterion.PRECISION_LIMIT,
                    "no further reduction of the cost is possible at machine precision");
            return true;
        }
        if (s.radius <= EPS * xnorm) {
            s.termination = new Termination.Converged(Criterion.PRECISION_LIMIT,
                    "no further improvement of the parameters is possible at machine precision");
            return true;
        }
        return false;
    }

    /** MINPACK's radius and damping update after a trial with reduction ratio {@code ratio}. */
    private static void updateRadius(FitState s, Step step, double ratio, double actred, double dirder,
            double trialCost, double cost) {
        if (ratio <= 0.25) {
            double temp;
            if (actred >= 0) {
                temp = 0.5;
            } else {
                temp = 0.5 * dirder / (dirder + 0.5 * actred);
            }
            if (!(0.1 * Math.sqrt(trialCost) < Math.sqrt(cost)) || !(temp >= 0.1)) {
                temp = 0.1;
            }
            s.radius = temp * Math.min(s.radius, step.scaledNorm / 0.1);
            s.damping = step.mu / temp;
        } else if (step.mu == 0 || ratio >= 0.75) {
            s.radius = step.scaledNorm / 0.5;
            s.damping = 0.5 * step.mu;
        } else {
            s.damping = step.mu;
        }
    }

    /** A trial step in q: the projected point, its predicted reduction and directional derivative. */
    private record Step(double[] qTrial, double predicted, double directional, double scaledNorm, double mu) {
    }

    /** R of J in q units ({@code R·S}) and {@code Qᵀr}, on the QR path; null on the normal equations. */
    private record Factor(double[][] r, double[] z) {
    }

    private static Factor factor(NormalEquations ne, FitState s) {
        if (ne.form() != NormalEquations.Form.QR) {
            return null;
        }
        double[][] r = ne.rMatrix();
        for (double[] row : r) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= s.scaling.scale(s.free[j]);
            }
        }
        return new Factor(r, ne.qtr());
    }

    private static Step computeStep(double[][] a, double[] g, Factor f, double[] diag, double radius, double damping,
            double[] q, double[] lo, double[] hi, boolean[] held) {
        int p = q.length;
        int[] idx = new int[p];
        int m = 0;
        for (int j = 0; j < p; j++) {
            if (!held[j]) {
                idx[m++] = j;
            }
        }
        double[][] ar = new double[m][m];
        double[] gr = new double[m];
        double[] dr = new double[m];
        for (int i = 0; i < m; i++) {
            gr[i] = g[idx[i]];
            dr[i] = diag[idx[i]];
            for (int j = 0; j < m; j++) {
                ar[i][j] = a[idx[i]][idx[j]];
            }
        }
        TrustRegionSubproblem.Solution sol;
        if (f == null) {
            sol = TrustRegionSubproblem.solve(ar, gr, dr, radius, damping);
        } else {
            double[][] rr = new double[p][m];
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < m; j++) {
                    rr[i][j] = f.r[i][idx[j]];
                }
            }
            sol = TrustRegionSubproblem.solveFactored(rr, f.z, dr, radius, damping);
        }
        double[] trial = q.clone();
        boolean projected = m < p;
        for (int i = 0; i < m; i++) {
            int j = idx[i];
            double free = q[j] + sol.delta()[i];
            trial[j] = Math.min(hi[j], Math.max(lo[j], free));
            projected |= trial[j] != free;
        }
        double[] step = new double[p];
        double norm2 = 0;
        for (int j = 0; j < p; j++) {
            step[j] = trial[j] - q[j];
            norm2 += (diag[j] * step[j]) * (diag[j] * step[j]);
        }
        double gs = 0;
        double sas = 0;
        for (int i = 0; i < p; i++) {
            gs += g[i] * step[i];
            double row = 0;
            if (f == null) {
                for (int j = 0; j < p; j++) {
                    row += a[i][j] * step[j];
                }
                sas += step[i] * row;
            } else {
                for (int j = i; j < p; j++) {
                    row += f.r[i][j] * step[j]; // ‖Rs‖², not sᵀ(RᵀR)s: no squared rounding
                }
                sas += row * row;
            }
        }
        double mu = sol.mu();
        double predicted;
        double directional;
        if (!projected && Double.isFinite(mu)) {
            // the Levenberg-Marquardt step solves (A + μD²)s = −g, so −(gᵀs + ½sᵀAs) = ½sᵀAs + μ‖Ds‖²: MINPACK's
            // sum of positive terms, which does not cancel when the reduction is tiny against gᵀs
            predicted = 0.5 * sas + mu * norm2;
            directional = -(sas + mu * norm2);
        } else {
            predicted = -(gs + 0.5 * sas);
            directional = gs;
        }
        return new Step(trial, predicted, directional, Math.sqrt(norm2), mu);
    }

    /** Free parameters at a bound whose gradient would push them out: they sit out this step. */
    private static boolean[] heldAtBounds(double[] q, double[] g, double[] lo, double[] hi) {
        boolean[] held = new boolean[q.length];
        for (int j = 0; j < q.length; j++) {
            held[j] = (q[j] <= lo[j] && g[j] > 0) || (q[j] >= hi[j] && g[j] < 0);
        }
        return held;
    }

    /** max_j |g_j| / (‖J_j‖·‖r‖) over the parameters not held, MINPACK's gnorm. */
    private static double gradientCosine(double[][] a, double[] g, double cost, boolean[] held) {
        double rnorm = Math.sqrt(2 * cost);
        double worst = 0;
        for (int j = 0; j < g.length; j++) {
            double cn = Math.sqrt(a[j][j]);
            if (held[j] || cn == 0) {
                continue;
            }
            worst = Math.max(worst, Math.abs(g[j]) / (cn * rnorm));
        }
        return worst;
    }

    private static void updateDiag(FitState s, double[][] a) {
        int p = a.length;
        if (s.diag == null) {
            s.diag = new double[p];
            for (int j = 0; j < p; j++) {
                double cn = Math.sqrt(a[j][j]);
                s.diag[j] = cn > 0 ? cn : 1;
            }
        } else {
            for (int j = 0; j < p; j++) {
                s.diag[j] = Math.max(s.diag[j], Math.sqrt(a[j][j]));
            }
        }
    }

    private static double scaledNorm(double[] d, double[] x) {
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            s += (d[j] * x[j]) * (d[j] * x[j]);
        }
        return Math.sqrt(s);
    }

    /** θ_j / scale_j of the free parameters: MINPACK's x in q units, without the offsets. */
    private static double[] externalOverScale(FitState s) {
        double[] x = new double[s.freeCount()];
        for (int j = 0; j < x.length; j++) {
            int k = s.free[j];
            x[j] = s.theta[k] / s.scaling.scale(k);
        }
        return x;
    }

    private static double[] internal(FitState s) {
        double[] q = new double[s.freeCount()];
        for (int j = 0; j < q.length; j++) {
            q[j] = s.scaling.toInternal(s.free[j], s.theta[s.free[j]]);
        }
        return q;
    }

    /** θ for internal q of the free parameters, clamped into the bounds against rounding. */
    private static double[] external(FitState s, double[] q) {
        double[] theta = s.theta.clone();
        for (int j = 0; j < q.length; j++) {
            int k = s.free[j];
            double t = s.scaling.offset(k) + s.scaling.scale(k) * q[j];
            if (q[j] >= s.scaling.toInternal(k, s.upper[k])) {
                t = s.upper[k]; // on the bound exactly, whatever the rounding of the map
            } else if (q[j] <= s.scaling.toInternal(k, s.lower[k])) {
                t = s.lower[k];
            }
            theta[k] = Math.min(s.upper[k], Math.max(s.lower[k], t));
        }
        return theta;
    }

    /** JᵀJ in q units: {@code A_q = S A S}, S = diag(scale of the free parameters). */
    private static double[][] scaledMatrix(NormalEquations ne, FitState s) {
        int p = ne.dimension();
        double[][] a = new double[p][p];
        for (int i = 0; i < p; i++) {
            double si = s.scaling.scale(s.free[i]);
            for (int j = 0; j < p; j++) {
                a[i][j] = si * ne.jtj(i, j) * s.scaling.scale(s.free[j]);
            }
        }
        return a;
    }

    private static double[] scaledGradient(NormalEquations ne, FitState s) {
        double[] g = new double[ne.dimension()];
        for (int i = 0; i < g.length; i++) {
            g[i] = s.scaling.scale(s.free[i]) * ne.jtr(i);
        }
        return g;
    }
}
