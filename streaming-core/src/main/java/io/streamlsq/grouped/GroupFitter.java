package io.streamlsq.grouped;

import io.streamlsq.accumulate.ExtraRows;
import io.streamlsq.data.Chunk;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Fits one small problem held in memory: dense Levenberg-Marquardt with MINPACK's step control, acceptance and
 * convergence tests (those of the streaming fit's Gauss-Newton phase, on the group's rows instead of passes), bounds
 * held by projection, the robust loss by Triggs' correction and weights 1/σ² as in the streaming fit, penalty rows
 * of an {@link ExtraRows} model, and the covariance {@code s²(JᵀJ)⁻¹} from the column-equilibrated JᵀJ.
 *
 * <p>One fitter per thread. It owns every buffer it uses and reuses them from group to group: once its row buffers
 * have grown to the largest group, a converged fit allocates nothing. The answer for a group depends on that group's
 * rows and start only (no state is carried from one group to the next), so any assignment of groups to threads
 * gives the same bits.
 */
public final class GroupFitter {
    private static final double EPS = Math.ulp(1.0);
    private static final double ACCEPT_RATIO = 1e-4;
    private static final int LBFGS_MEMORY = 10;
    private static final int LBFGS_BACKTRACKS = 20;

    private final Model model;
    private final int vars;
    private final boolean weighted;
    private final Loss loss;
    private final GroupedOptions o;
    private final int p;
    private final int[] free;
    private final int m;
    private final List<String> names;
    private final List<String> columnNames;
    private final ExtraRows extra;
    private final int ne;
    private final double[] er;
    private final double[][] ej;

    private int capacity;
    private double[] values = new double[0];
    private double[][] jac;
    private double[] r = new double[0];
    private double[] rs = new double[0];

    private final double[] theta;
    private final double[] trialTheta;
    private final double[] best;
    private double[] a;
    private double[] aTrial;
    private double[] g;
    private double[] gTrial;
    private double[] x;
    private double[] xTrial;
    private final double[] xFull;
    private final double[] diag;
    private final double[] lo;
    private final double[] hi;
    private final boolean[] held;
    private final int[] idx;
    private final double[] sm;
    private final double[] chol;
    private final double[] vec;
    private final double[] lambda;
    private final double[] beta;
    private final double[] gs;
    private final double[] dr;
    private final double[] yv;
    private final double[] step;
    private final double[] adamM;
    private final double[] adamV;
    private final double[][] lbfgsS;
    private final double[][] lbfgsY;
    private final double[] lbfgsRho;
    private final double[] lbfgsAlpha;
    private final double[] rho = new double[3];

    private double evalCost;
    private double evalSsr;
    private double stepPredicted;
    private double stepDirectional;
    private double stepNorm;
    private double stepMu;
    private double radius;
    private double damping;
    private double sumS1;
    private double sumS3;

    /**
     * @param model the model (thread-safe; this fitter calls it from one thread)
     * @param weighted whether the rows carry a sigma column after y
     * @param loss the loss
     * @param fixed which parameters are held at their starts, in model order
     * @param columnNames the rows' columns (variables, y, sigma), for messages
     * @param options tolerances and budgets
     */
    public GroupFitter(Model model, boolean weighted, Loss loss, boolean[] fixed, List<String> columnNames,
            GroupedOptions options) {
        this.model = Objects.requireNonNull(model, "model");
        this.vars = model.variableNames().size();
        this.weighted = weighted;
        this.loss = Objects.requireNonNull(loss, "loss");
        this.o = Objects.requireNonNull(options, "options");
        this.names = model.parameterNames();
        this.p = names.size();
        if (fixed.length != p) {
            throw new IllegalArgumentException("fixed has " + fixed.length + " entries but the model has " + p + " parameters");
        }
        int n = 0;
        int[] f = new int[p];
        for (int k = 0; k < p; k++) {
            if (!fixed[k]) {
                f[n++] = k;
            }
        }
        this.free = java.util.Arrays.copyOf(f, n);
        this.m = n;
        this.columnNames = List.copyOf(columnNames);
        this.extra = model instanceof ExtraRows e && e.extraRowCount() > 0 ? e : null;
        this.ne = extra == null ? 0 : extra.extraRowCount();
        this.er = new double[ne];
        this.ej = new double[p][ne];
        this.jac = new double[p][0];
        theta = new double[p];
        trialTheta = new double[p];
        best = new double[p];
        a = new double[m * m];
        aTrial = new double[m * m];
        g = new double[m];
        gTrial = new double[m];
        x = new double[m];
        xTrial = new double[m];
        xFull = new double[m];
        diag = new double[m];
        lo = new double[m];
        hi = new double[m];
        held = new boolean[m];
        idx = new int[m];
        sm = new double[m * m];
        chol = new double[m * m];
        vec = new double[m * m];
        lambda = new double[m];
        beta = new double[m];
        gs = new double[m];
        dr = new double[m];
        yv = new double[m];
        step = new double[m];
        adamM = new double[m];
        adamV = new double[m];
        lbfgsS = new double[LBFGS_MEMORY][m];
        lbfgsY = new double[LBFGS_MEMORY][m];
        lbfgsRho = new double[LBFGS_MEMORY];
        lbfgsAlpha = new double[LBFGS_MEMORY];
    }

    /** Free parameters. */
    public int freeCount() {
        return m;
    }

    /**
     * Fits the rows of {@code rows} (columns: the model's variables, y, then sigma when weighted) from
     * {@code initial} within {@code [lower, upper]}.
     *
     * @param rows the group's rows; {@code rows.firstRow()} is used in messages. Not modified.
     * @param initial starts in model order. Not modified.
     * @param lower lower bounds. Not modified.
     * @param upper upper bounds. Not modified.
     * @param out receives the result (its key, index and first row are the caller's). Modified.
     */
    public void fit(Chunk rows, double[] initial, double[] lower, double[] upper, GroupResult out) {
        int n = rows.rows();
        ensureCapacity(n);
        out.rows = n;
        out.iterations = 0;
        out.evaluations = 0;
        System.arraycopy(initial, 0, theta, 0, p);
        java.util.Arrays.fill(out.stderr, 0.0);
        for (int j = 0; j < m; j++) {
            int k = free[j];
            lo[j] = lower[k];
            hi[j] = upper[k];
            if (!(initial[k] >= lower[k] && initial[k] <= upper[k])) {
                fail(out, "the start of " + names.get(k) + " = " + initial[k] + " is not within its bounds [" + lower[k]
                        + ", " + upper[k] + "]");
                return;
            }
        }
        if (n + ne < m) {
            fail(out, "the group has " + n + " rows but " + m + " free parameters; a fit needs at least as many rows"
                    + " as free parameters");
            return;
        }
        untrusted(n);
        if (o.warmupSteps() > 0) {
            if (o.warmupMethod() == GroupedOptions.WarmupMethod.LBFGS) {
                lbfgs(rows, out);
            } else {
                warmup(rows, out);
            }
        }
        levenbergMarquardt(rows, out);
    }

    private void ensureCapacity(int n) {
        if (n <= capacity) {
            return;
        }
        int c = Math.max(n, capacity + (capacity >> 1));
        values = new double[c];
        jac = new double[p][c];
        r = new double[c];
        rs = new double[c];
        capacity = c;
    }

    private void fail(GroupResult out, String why) {
        System.arraycopy(theta, 0, out.values, 0, p);
        java.util.Arrays.fill(out.stderr, Double.NaN);
        out.cost = Double.NaN;
        out.ssr = Double.NaN;
        out.status = GroupStatus.FAILED;
        out.message = why;
    }

    /** Adam on the group's cost from θ, keeping the best point seen; budgeted with the evaluations. */
    private void warmup(Chunk rows, GroupResult out) {
        java.util.Arrays.fill(adamM, 0);
        java.util.Arrays.fill(adamV, 0);
        double bestCost = Double.POSITIVE_INFINITY;
        System.arraycopy(theta, 0, best, 0, p);
        double b1 = 0.9;
        double b2 = 0.999;
        double b1t = 1;
        double b2t = 1;
        for (int t = 0; t < o.warmupSteps() && out.evaluations < o.maxEvaluations() - 1; t++) {
            out.evaluations++;
            if (!evaluate(rows, theta, a, g)) {
                break;
            }
            if (evalCost < bestCost) {
                bestCost = evalCost;
                System.arraycopy(theta, 0, best, 0, p);
            }
            b1t *= b1;
            b2t *= b2;
            for (int j = 0; j < m; j++) {
                int k = free[j];
                adamM[j] = b1 * adamM[j] + (1 - b1) * g[j];
                adamV[j] = b2 * adamV[j] + (1 - b2) * g[j] * g[j];
                double mh = adamM[j] / (1 - b1t);
                double vh = adamV[j] / (1 - b2t);
                double lr = o.warmupLearningRate() * Math.max(Math.abs(best[k]), 1.0);
                theta[k] = Math.min(hi[j], Math.max(lo[j], theta[k] - lr * mh / (Math.sqrt(vh) + 1e-8)));
            }
        }
        System.arraycopy(best, 0, theta, 0, p);
    }

    /**
     * L-BFGS on the group's cost from θ (memory 10, two-loop recursion, backtracking Armijo search of at most 20 halvings
     * on the projected step), keeping the best point; ends after {@code warmupSteps} iterations, a failed search, a
     * relative cost change ≤ ftol, or the evaluation budget less one.
     */
    private void lbfgs(Chunk rows, GroupResult out) {
        out.evaluations++;
        if (!evaluate(rows, theta, a, g)) {
            return; // Levenberg-Marquardt reports the failure at the start
        }
        double f = evalCost;
        int stored = 0;
        int newest = -1;
        for (int it = 0; it < o.warmupSteps(); it++) {
            // d = −H·g by the two-loop recursion, into step
            System.arraycopy(g, 0, step, 0, m);
            for (int c = 0; c < stored; c++) {
                int i = Math.floorMod(newest - c, LBFGS_MEMORY);
                double al = lbfgsRho[i] * dot(lbfgsS[i], step);
                lbfgsAlpha[i] = al;
                axpy(-al, lbfgsY[i], step);
            }
            double gamma;
            if (stored > 0) {
                gamma = dot(lbfgsS[newest], lbfgsY[newest]) / dot(lbfgsY[newest], lbfgsY[newest]);
            } else {
                double gmax = 0;
                double xmax = 1;
                for (int j = 0; j < m; j++) {
                    gmax = Math.max(gmax, Math.abs(g[j]));
                    xmax = Math.max(xmax, Math.abs(theta[free[j]]));
                }
                gamma = gmax > 0 ? o.warmupLearningRate() * xmax / gmax : 0;
            }
            for (int j = 0; j < m; j++) {
                step[j] *= gamma;
            }
            for (int c = stored - 1; c >= 0; c--) {
                int i = Math.floorMod(newest - c, LBFGS_MEMORY);
                double b = lbfgsRho[i] * dot(lbfgsY[i], step);
                axpy(lbfgsAlpha[i] - b, lbfgsS[i], step);
            }
            double gd = 0;
            for (int j = 0; j < m; j++) {
                step[j] = -step[j];
                gd += g[j] * step[j];
            }
            if (!(gd < 0)) { // not a descent direction: forget the curvature pairs and go down the gradient
                stored = 0;
                double gmax = 0;
                double xmax = 1;
                for (int j = 0; j < m; j++) {
                    gmax = Math.max(gmax, Math.abs(g[j]));
                    xmax = Math.max(xmax, Math.abs(theta[free[j]]));
                }
                if (gmax == 0) {
                    return;
                }
                gd = 0;
                for (int j = 0; j < m; j++) {
                    step[j] = -o.warmupLearningRate() * xmax / gmax * g[j];
                    gd += g[j] * step[j];
                }
            }
            double t = 1;
            boolean accepted = false;
            double ft = Double.NaN;
            for (int b = 0; b < LBFGS_BACKTRACKS; b++) {
                if (out.evaluations >= o.maxEvaluations() - 1) {
                    return;
                }
                System.arraycopy(theta, 0, trialTheta, 0, p);
                for (int j = 0; j < m; j++) {
                    trialTheta[free[j]] = Math.min(hi[j], Math.max(lo[j], theta[free[j]] + t * step[j]));
                }
                out.evaluations++;
                if (evaluate(rows, trialTheta, aTrial, gTrial) && evalCost <= f + 1e-4 * t * gd) {
                    ft = evalCost;
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if (!accepted) {
                return;
            }
            double sy = 0;
            for (int j = 0; j < m; j++) { // the pair, in buffers that only Levenberg-Marquardt uses otherwise
                xFull[j] = trialTheta[free[j]] - theta[free[j]];
                yv[j] = gTrial[j] - g[j];
                sy += xFull[j] * yv[j];
            }
            if (sy > 0) { // keep the pair only when the curvature is positive (H stays positive definite)
                int slot = (newest + 1) % LBFGS_MEMORY;
                System.arraycopy(xFull, 0, lbfgsS[slot], 0, m);
                System.arraycopy(yv, 0, lbfgsY[slot], 0, m);
                lbfgsRho[slot] = 1 / sy;
                newest = slot;
                stored = Math.min(stored + 1, LBFGS_MEMORY);
            }
            double[] swap = g;
            g = gTrial;
            gTrial = swap;
            swap = a;
            a = aTrial;
            aTrial = swap;
            System.arraycopy(trialTheta, 0, theta, 0, p);
            boolean flat = Math.abs(f - ft) <= o.ftol() * f;
            f = ft;
            if (flat) {
                return;
            }
        }
    }

    private double dot(double[] u, double[] v) {
        double s = 0;
        for (int j = 0; j < m; j++) {
            s += u[j] * v[j];
        }
        return s;
    }

    private void axpy(double alpha, double[] x, double[] y) {
        for (int j = 0; j < m; j++) {
            y[j] += alpha * x[j];
        }
    }

    private void levenbergMarquardt(Chunk rows, GroupResult out) {
        out.evaluations++;
        if (!evaluate(rows, theta, a, g)) {
            fail(out, "at the start, " + describeNonFinite(rows, theta));
            return;
        }
        double cost = evalCost;
        double ssr = evalSsr;
        for (int j = 0; j < m; j++) {
            x[j] = theta[free[j]];
        }
        radius = Double.NaN;
        damping = 0;
        int invalid = 0;
        boolean diagSet = false;
        GroupStatus status = GroupStatus.CONVERGED;
        String message;
        outer:
        while (true) {
            if (cost == 0) {
                message = "the residuals are all zero";
                break;
            }
            heldAtBounds();
            double gnorm = gradientCosine(cost);
            if (gnorm <= o.gtol()) {
                message = "gradient cosine <= gtol";
                break;
            }
            if (gnorm <= EPS) {
                message = "gradient cosine at machine precision";
                break;
            }
            if (!diagSet) {
                for (int j = 0; j < m; j++) {
                    double cn = Math.sqrt(a[j * m + j]);
                    diag[j] = cn > 0 ? cn : 1;
                }
                diagSet = true;
            } else {
                for (int j = 0; j < m; j++) {
                    diag[j] = Math.max(diag[j], Math.sqrt(a[j * m + j]));
                }
            }
            double xnorm = scaledNorm(x);
            if (Double.isNaN(radius)) {
                radius = o.initialStepBound() * xnorm;
                if (radius == 0) {
                    computeStep(a, g, x, Double.POSITIVE_INFINITY, 0, xFull);
                    double full = stepNorm;
                    radius = Double.isFinite(full) && full > 0 ? Math.max(o.initialStepBound(), full) : o.initialStepBound();
                }
            }
            boolean firstIteration = out.iterations == 0;
            while (true) {
                computeStep(a, g, x, radius, damping, xTrial);
                if (stepNorm == 0) {
                    message = "the step is zero: no descent direction is left";
                    break outer;
                }
                if (firstIteration) {
                    radius = Math.min(radius, stepNorm);
                }
                if (out.evaluations >= o.maxEvaluations()) {
                    status = GroupStatus.MAX_EVALUATIONS;
                    message = "reached maxEvaluations before convergence";
                    break outer;
                }
                System.arraycopy(theta, 0, trialTheta, 0, p);
                for (int j = 0; j < m; j++) {
                    trialTheta[free[j]] = Math.min(hi[j], Math.max(lo[j], xTrial[j]));
                }
                out.evaluations++;
                boolean finite = evaluate(rows, trialTheta, aTrial, gTrial);
                double trialCost = finite ? evalCost : Double.NaN;
                double actred;
                if (!finite) {
                    invalid++;
                    actred = -1;
                    if (invalid >= o.maxConsecutiveInvalidSteps()) {
                        System.arraycopy(theta, 0, out.values, 0, p);
                        status = GroupStatus.FAILED;
                        message = invalid + " trial points in a row gave non-finite model output; last: "
                                + describeNonFinite(rows, trialTheta);
                        break outer;
                    }
                } else {
                    invalid = 0;
                    actred = 0.1 * Math.sqrt(trialCost) < Math.sqrt(cost) ? 1 - trialCost / cost : -1;
                }
                double prered = stepPredicted / cost;
                double dirder = stepDirectional / (2 * cost);
                double ratio = prered != 0 ? actred / prered : 0;
                double mu = stepMu;
                double snorm = stepNorm;
                updateRadius(ratio, actred, dirder, trialCost, cost, snorm, mu);
                boolean accepted = ratio >= ACCEPT_RATIO;
                double[] aOld = a;
                double[] gOld = g;
                if (accepted) {
                    a = aTrial;
                    aTrial = aOld;
                    g = gTrial;
                    gTrial = gOld;
                    double[] t = x;
                    x = xTrial;
                    xTrial = t;
                    System.arraycopy(trialTheta, 0, theta, 0, p);
                    cost = trialCost;
                    ssr = evalSsr;
                    out.iterations++;
                    xnorm = scaledNorm(x);
                }
                message = converged(actred, prered, ratio, xnorm, mu, aOld, gOld, cost);
                if (message != null) {
                    break outer;
                }
                if (accepted) {
                    break;
                }
            }
        }
        if (status == GroupStatus.FAILED) {
            fail(out, message);
            out.status = GroupStatus.FAILED;
            return;
        }
        System.arraycopy(theta, 0, out.values, 0, p);
        out.cost = cost;
        out.ssr = ssr;
        out.status = status;
        out.message = message;
        covariance(rows.rows(), cost, out);
    }

    private String converged(double actred, double prered, double ratio, double xnorm, double mu, double[] aSys,
            double[] gSys, double cost) {
        boolean modelTrusted = 0.5 * ratio <= 1 || Math.abs(actred) <= 10 * EPS;
        if (Math.abs(actred) <= o.ftol() && prered <= o.ftol() && modelTrusted && (mu == 0 || !(fullStepPrered(aSys, gSys,
                cost) > o.ftol()))) {
            return "relative cost reduction <= ftol";
        }
        if (radius <= o.xtol() * xnorm) {
            return "relative step bound <= xtol";
        }
        if (Math.abs(actred) <= EPS && prered <= EPS && modelTrusted && (mu == 0 || !(fullStepPrered(aSys, gSys, cost)
                > EPS))) {
            return "no further reduction of the cost is possible at machine precision";
        }
        if (radius <= EPS * xnorm) {
            return "no further improvement of the parameters is possible at machine precision";
        }
        return null;
    }

    /** The predicted relative reduction of the undamped step from the current point on the system the step came from. */
    private double fullStepPrered(double[] aSys, double[] gSys, double cost) {
        double keepPred = stepPredicted;
        double keepDir = stepDirectional;
        double keepNorm = stepNorm;
        double keepMu = stepMu;
        computeStep(aSys, gSys, x, Double.POSITIVE_INFINITY, 0, xFull);
        double pr = stepPredicted / cost;
        stepPredicted = keepPred;
        stepDirectional = keepDir;
        stepNorm = keepNorm;
        stepMu = keepMu;
        return pr;
    }

    /** MINPACK's radius and damping update after a trial with reduction ratio {@code ratio}. */
    private void updateRadius(double ratio, double actred, double dirder, double trialCost, double cost, double snorm,
            double mu) {
        if (ratio <= 0.25) {
            double temp = actred >= 0 ? 0.5 : 0.5 * dirder / (dirder + 0.5 * actred);
            if (!(0.1 * Math.sqrt(trialCost) < Math.sqrt(cost)) || !(temp >= 0.1)) {
                temp = 0.1;
            }
            radius = temp * Math.min(radius, snorm / 0.1);
            damping = mu / temp;
        } else if (mu == 0 || ratio >= 0.75) {
            radius = snorm / 0.5;
            damping = 0.5 * mu;
        } else {
            damping = mu;
        }
    }

    private void heldAtBounds() {
        for (int j = 0; j < m; j++) {
            held[j] = (x[j] <= lo[j] && g[j] > 0) || (x[j] >= hi[j] && g[j] < 0);
        }
    }

    private double gradientCosine(double cost) {
        double rnorm = Math.sqrt(2 * cost);
        double worst = 0;
        for (int j = 0; j < m; j++) {
            double cn = Math.sqrt(a[j * m + j]);
            if (held[j] || cn == 0) {
                continue;
            }
            worst = Math.max(worst, Math.abs(g[j]) / (cn * rnorm));
        }
        return worst;
    }

    private double scaledNorm(double[] v) {
        double s = 0;
        for (int j = 0; j < m; j++) {
            s += (diag[j] * v[j]) * (diag[j] * v[j]);
        }
        return Math.sqrt(s);
    }

    /**
     * The trust-region step from {@code xFrom} on the system (aSys, gSys): the parameters not held solve
     * {@code (A + μD²)δ = −g} with ‖Dδ‖ within 10 % of the radius (MINPACK's lmpar on the eigen-expansion of
     * {@code D⁻¹AD⁻¹}, as {@code TrustRegionSubproblem}), then the point is projected into the bounds. Sets the
     * step's predicted reduction, directional derivative, scaled norm and damping.
     */
    private void computeStep(double[] aSys, double[] gSys, double[] xFrom, double rad, double previousDamping,
            double[] xOut) {
        int k = 0;
        for (int j = 0; j < m; j++) {
            if (!held[j]) {
                idx[k++] = j;
            }
        }
        double gnorm2 = 0;
        for (int i = 0; i < k; i++) {
            int ii = idx[i];
            dr[i] = diag[ii];
            gs[i] = gSys[ii] / dr[i];
            gnorm2 += gs[i] * gs[i];
            for (int j = 0; j < k; j++) {
                sm[i * k + j] = aSys[ii * m + idx[j]] / (dr[i] * diag[idx[j]]);
            }
        }
        double mu = 0;
        if (k > 0 && !gaussNewtonInside(k, rad)) {
            SymmetricEigen.decompose(sm, k, lambda, vec);
            for (int e = 0; e < k; e++) {
                lambda[e] = Math.max(lambda[e], 0.0);
                double b = 0;
                for (int j = 0; j < k; j++) {
                    b += vec[j * k + e] * gs[j];
                }
                beta[e] = b;
            }
            double norm = stepNormAt(k, 0);
            if (norm > 1.1 * rad) {
                mu = findDamping(k, rad, Math.sqrt(gnorm2), previousDamping);
            }
            for (int j = 0; j < k; j++) {
                yv[j] = 0;
            }
            for (int e = 0; e < k; e++) {
                if (mu == 0 && lambda[e] <= 0) {
                    continue;
                }
                double c = -beta[e] / (lambda[e] + mu);
                for (int j = 0; j < k; j++) {
                    yv[j] += c * vec[j * k + e];
                }
            }
        }
        System.arraycopy(xFrom, 0, xOut, 0, m);
        boolean projected = k < m;
        for (int i = 0; i < k; i++) {
            int j = idx[i];
            double unbounded = xFrom[j] + yv[i] / dr[i];
            xOut[j] = Math.min(hi[j], Math.max(lo[j], unbounded));
            projected |= xOut[j] != unbounded;
        }
        double norm2 = 0;
        for (int j = 0; j < m; j++) {
            step[j] = xOut[j] - xFrom[j];
            norm2 += (diag[j] * step[j]) * (diag[j] * step[j]);
        }
        double gsum = 0;
        double sas = 0;
        for (int i = 0; i < m; i++) {
            gsum += gSys[i] * step[i];
            double row = 0;
            for (int j = 0; j < m; j++) {
                row += aSys[i * m + j] * step[j];
            }
            sas += step[i] * row;
        }
        if (!projected && Double.isFinite(mu)) {
            stepPredicted = 0.5 * sas + mu * norm2;
            stepDirectional = -(sas + mu * norm2);
        } else {
            stepPredicted = -(gsum + 0.5 * sas);
            stepDirectional = gsum;
        }
        stepNorm = Math.sqrt(norm2);
        stepMu = mu;
    }

    /**
     * The common case first: when {@code D⁻¹AD⁻¹} (in {@link #sm}) has a Cholesky factor with every pivot above 1e-12 of
     * the largest diagonal entry and the Gauss-Newton step lies within 1.1 radii, that step (μ = 0) is the answer, as
     * the eigen-expansion would find, without the decomposition. Leaves the step in {@link #yv}.
     *
     * @return false when the eigen-expansion must decide (a poor pivot, or the step is too long)
     */
    private boolean gaussNewtonInside(int k, double rad) {
        double dmax = 0;
        for (int i = 0; i < k; i++) {
            dmax = Math.max(dmax, sm[i * k + i]);
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double v = sm[i * k + j];
                for (int l = 0; l < j; l++) {
                    v -= chol[i * k + l] * chol[j * k + l];
                }
                if (i == j) {
                    if (!(v > 1e-12 * dmax)) {
                        return false;
                    }
                    chol[i * k + i] = Math.sqrt(v);
                } else {
                    chol[i * k + j] = v / chol[j * k + j];
                }
            }
        }
        for (int i = 0; i < k; i++) { // L z = −gs
            double v = -gs[i];
            for (int l = 0; l < i; l++) {
                v -= chol[i * k + l] * yv[l];
            }
            yv[i] = v / chol[i * k + i];
        }
        double norm2 = 0;
        for (int i = k - 1; i >= 0; i--) { // Lᵀ y = z
            double v = yv[i];
            for (int l = i + 1; l < k; l++) {
                v -= chol[l * k + i] * yv[l];
            }
            yv[i] = v / chol[i * k + i];
            norm2 += yv[i] * yv[i];
        }
        return Math.sqrt(norm2) <= 1.1 * rad;
    }

    private double stepNormAt(int k, double mu) {
        double s = 0;
        for (int e = 0; e < k; e++) {
            if (mu == 0 && lambda[e] <= 0) {
                continue;
            }
            double t = beta[e] / (lambda[e] + mu);
            s += t * t;
        }
        return Math.sqrt(s);
    }

    private void sums(int k, double mu) {
        double s1 = 0;
        double s3 = 0;
        for (int e = 0; e < k; e++) {
            if (mu == 0 && lambda[e] <= 0) {
                continue;
            }
            double den = lambda[e] + mu;
            double b2 = beta[e] * beta[e];
            s1 += b2 / (den * den);
            s3 += b2 / (den * den * den);
        }
        sumS1 = s1;
        sumS3 = s3;
    }

    /** MINPACK's lmpar iteration on the eigen-expansion (as TrustRegionSubproblem.findDamping). */
    private double findDamping(int k, double rad, double gnorm, double previous) {
        boolean singular = false;
        for (int e = 0; e < k; e++) {
            singular |= lambda[e] <= 0;
        }
        sums(k, 0);
        double dxnorm = Math.sqrt(sumS1);
        double fp = dxnorm - rad;
        double parl = singular || sumS3 == 0 ? 0 : (fp / rad) * sumS1 / sumS3;
        double paru = gnorm / rad;
        if (paru == 0) {
            paru = Double.MIN_NORMAL / Math.min(rad, 0.1);
        }
        double par = Math.min(Math.max(previous, parl), paru);
        if (par == 0) {
            par = gnorm / dxnorm;
        }
        for (int iter = 1; ; iter++) {
            if (par == 0) {
                par = Math.max(Double.MIN_NORMAL, 1e-3 * paru);
            }
            sums(k, par);
            double temp = fp;
            fp = Math.sqrt(sumS1) - rad;
            if (Math.abs(fp) <= 0.1 * rad || (parl == 0 && fp <= temp && temp < 0) || iter == 10) {
                return par;
            }
            double parc = sumS3 > 0 ? (fp / rad) * sumS1 / sumS3 : 0;
            if (fp > 0) {
                parl = Math.max(parl, par);
            } else if (fp < 0) {
                paru = Math.min(paru, par);
            }
            par = Math.max(parl, par + parc);
        }
    }

    /**
     * The sums at θ into (aOut, gOut), cost and ssr into fields: residuals {@code (f − y)/σ}, Triggs' correction for a
     * robust loss, penalty rows with the linear loss.
     *
     * @return whether everything is finite (σ &gt; 0 with a finite weight included)
     */
    private boolean evaluate(Chunk rows, double[] th, double[] aOut, double[] gOut) {
        int n = rows.rows();
        int off = rows.offset();
        model.evaluate(rows, th, EvalLevel.NORMAL, values, jac);
        double[] y = rows.column(vars);
        double ssr = 0;
        boolean ok = true;
        if (weighted) {
            double[] sigma = rows.column(vars + 1);
            for (int i = 0; i < n; i++) {
                double s = sigma[off + i];
                double w = 1.0 / s;
                ok &= s > 0 && w * w <= Double.MAX_VALUE;
                double ri = (values[i] - y[off + i]) * w;
                r[i] = ri;
                rs[i] = w;
                ssr += ri * ri;
            }
        } else {
            for (int i = 0; i < n; i++) {
                double ri = values[i] - y[off + i];
                r[i] = ri;
                ssr += ri * ri;
            }
        }
        double cost;
        boolean scaleRows = weighted;
        if (loss.isLinear()) {
            cost = 0.5 * ssr;
        } else {
            cost = 0.5 * correctForLoss(n);
            scaleRows = true;
        }
        for (int j = 0; j < m; j++) {
            double[] cj = jac[free[j]];
            if (scaleRows) {
                for (int i = 0; i < n; i++) {
                    cj[i] *= rs[i];
                }
            }
        }
        for (int j = 0; j < m; j++) {
            double[] cj = jac[free[j]];
            double gj = 0;
            for (int i = 0; i < n; i++) {
                gj += cj[i] * r[i];
            }
            gOut[j] = gj;
            for (int l = 0; l <= j; l++) {
                double[] cl = jac[free[l]];
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += cj[i] * cl[i];
                }
                aOut[j * m + l] = s;
                aOut[l * m + j] = s;
            }
        }
        if (extra != null) {
            extra.evaluateExtraRows(th, er, ej);
            for (int i = 0; i < ne; i++) {
                ssr += er[i] * er[i];
                cost += 0.5 * er[i] * er[i];
            }
            for (int j = 0; j < m; j++) {
                double[] cj = ej[free[j]];
                double gj = 0;
                for (int i = 0; i < ne; i++) {
                    gj += cj[i] * er[i];
                }
                gOut[j] += gj;
                for (int l = 0; l <= j; l++) {
                    double[] cl = ej[free[l]];
                    double s = 0;
                    for (int i = 0; i < ne; i++) {
                        s += cj[i] * cl[i];
                    }
                    aOut[j * m + l] += s;
                    if (l != j) {
                        aOut[l * m + j] += s;
                    }
                }
            }
        }
        evalCost = cost;
        evalSsr = ssr;
        ok &= Double.isFinite(cost) && Double.isFinite(ssr);
        for (int j = 0; j < m && ok; j++) {
            ok = Double.isFinite(gOut[j]);
            for (int l = 0; l < m && ok; l++) {
                ok = Double.isFinite(aOut[j * m + l]);
            }
        }
        return ok;
    }

    /**
     * NaN in the outputs the model must fill, once per group before its first call (and before the slow path's): an
     * entry the model leaves unwritten fails the group instead of carrying a value from the fitter's previous group,
     * which would make the answer depend on the threads. Once per group, not per call: a fill before every call cost a
     * third of the fit's time (measured), and values left from the same group's earlier calls are the same on any
     * thread.
     */
    private void untrusted(int n) {
        java.util.Arrays.fill(values, 0, n, Double.NaN);
        for (int k : free) {
            java.util.Arrays.fill(jac[k], 0, n, Double.NaN);
        }
    }

    /** Triggs' correction ({@link io.streamlsq.loss.Loss#correct}, as ChunkEvaluator's); returns Σρ. */
    private double correctForLoss(int n) {
        return loss.correct(r, rs, weighted, n, rho);
    }

    /** Slow path after a non-finite sum: the first offending row, data before model (as ChunkEvaluator.locate). */
    private String describeNonFinite(Chunk rows, double[] th) {
        int n = rows.rows();
        int off = rows.offset();
        untrusted(n);
        model.evaluate(rows, th, EvalLevel.NORMAL, values, jac);
        for (int i = 0; i < n; i++) {
            long row = rows.firstRow() + i;
            for (int c = 0; c <= vars; c++) {
                double v = rows.column(c)[off + i];
                if (!Double.isFinite(v)) {
                    return "column '" + columnNames.get(c) + "' is " + v + " at row " + row;
                }
            }
            if (weighted) {
                double s = rows.column(vars + 1)[off + i];
                if (!(s > 0) || Double.isInfinite(s) || !(1.0 / s * (1.0 / s) <= Double.MAX_VALUE)) {
                    return "sigma column '" + columnNames.get(vars + 1) + "' is " + s + " at row " + row
                            + " (sigma must be finite and > 0)";
                }
            }
            if (!Double.isFinite(values[i])) {
                return "the model value is " + values[i] + " at row " + row;
            }
            for (int k : free) {
                if (!Double.isFinite(jac[k][i])) {
                    return "the model's derivative with respect to " + names.get(k) + " is " + jac[k][i] + " at row " + row;
                }
            }
        }
        if (extra != null) {
            extra.evaluateExtraRows(th, er, ej);
            for (int i = 0; i < ne; i++) {
                if (!Double.isFinite(er[i])) {
                    return "penalty row " + (i + 1) + " is " + er[i];
                }
            }
        }
        return "a sum of squares overflowed";
    }

    /**
     * Standard errors from the column-equilibrated JᵀJ at the solution (as the streaming fit's Covariance): directions
     * with eigenvalue ≤ m·ε·λmax are singular and the parameters that carry them (|v| &gt; 0.1) get NaN.
     */
    private void covariance(int n, double cost, GroupResult out) {
        if (m == 0) {
            return;
        }
        for (int i = 0; i < m; i++) {
            dr[i] = Math.sqrt(a[i * m + i]);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                sm[i * m + j] = dr[i] > 0 && dr[j] > 0 ? a[i * m + j] / (dr[i] * dr[j]) : (i == j ? 1 : 0);
            }
        }
        SymmetricEigen.decompose(sm, m, lambda, vec);
        double lmax = 0;
        for (int e = 0; e < m; e++) {
            lmax = Math.max(lmax, lambda[e]);
        }
        double cutoff = m * EPS * lmax;
        long dof = (long) n + ne - m;
        double s2 = o.absoluteSigma() ? 1.0 : (dof > 0 ? 2 * cost / dof : Double.POSITIVE_INFINITY);
        boolean singular = false;
        for (int i = 0; i < m; i++) {
            double inv = 0;
            boolean unidentified = !(dr[i] > 0);
            for (int e = 0; e < m; e++) {
                double v = vec[i * m + e];
                if (lambda[e] > cutoff) {
                    inv += v * v / lambda[e];
                } else if (Math.abs(v) > 0.1) {
                    unidentified = true;
                }
            }
            if (unidentified) {
                singular = true;
                out.stderr[free[i]] = Double.NaN;
            } else {
                out.stderr[free[i]] = Math.sqrt(s2 * inv) / dr[i];
            }
        }
        if (singular && out.status == GroupStatus.CONVERGED) {
            List<String> bad = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                if (Double.isNaN(out.stderr[free[i]])) {
                    bad.add(names.get(free[i]));
                }
            }
            out.status = GroupStatus.SINGULAR;
            out.message = "JᵀJ is singular at the solution (" + out.message + "): " + String.join(", ", bad)
                    + " cannot be determined from this group's rows";
        }
    }
}
