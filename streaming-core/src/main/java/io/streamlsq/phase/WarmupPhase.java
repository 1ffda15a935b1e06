package io.streamlsq.phase;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.SampledDataSource;
import io.streamlsq.exec.PassResult;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.resume.WarmupSnapshot;
import io.streamlsq.result.Termination;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Phase 1: L-BFGS on a sample of the data (evenly spaced chunks, at most {@code sampleRows} rows), on the
 * mean weighted squared residual {@code L(q) = 2·cost / n_sample}, in internal units q, with the four
 * divergence guards of {@link WarmupOptions}. Every loss evaluation is one GRADIENT pass over the sample,
 * so the warmup's cost does not grow with the dataset. Strong-Wolfe line search (Nocedal-Wright
 * Algorithm 3.5, bisection zoom) with a backtracking fallback; trial points are projected onto the bounds.
 * Leaves the best point seen in {@code state.theta} and no sums (Gauss-Newton starts with a full pass).
 */
final class WarmupPhase implements Phase {
    static final String NAME = "warmup";
    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final int MAX_EVALUATIONS = 20;

    private final PassRunner passes;
    private final Listeners listeners;

    WarmupPhase(PassRunner passes, Listeners listeners) {
        this.passes = passes;
        this.listeners = listeners;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** A point of the warmup: q, its loss and gradient (q units). */
    private record Point(double[] q, double loss, double[] g) {
    }

    /** Thrown inside the line search when guard 3 ends the warmup. */
    private static final class CostIncrease extends Exception {
        private static final long serialVersionUID = 1L;

        CostIncrease() {
            super(null, null, false, false);
        }
    }

    private FitState s;
    private WarmupOptions o;
    private io.streamlsq.data.DataSource sample;
    private boolean full;
    private double[] lo;
    private double[] hi;
    private Point best;

    @Override
    public int run(FitState state) throws IOException {
        this.s = state;
        this.o = state.options.warmup();
        if (!o.enabled()) {
            state.warmupOutcome = "not enabled";
            return 0;
        }
        full = o.sampleRows() == WarmupOptions.FULL;
        sample = full ? state.problem.source() : SampledDataSource.of(state.problem.source(), o.sampleRows());
        int p = state.freeCount();
        lo = new double[p];
        hi = new double[p];
        for (int j = 0; j < p; j++) {
            int k = state.free[j];
            lo[j] = state.scaling.toInternal(k, state.lower[k]);
            hi[j] = state.scaling.toInternal(k, state.upper[k]);
        }
        WarmupSnapshot resume = state.resumeWarmup;
        state.resumeWarmup = null;
        Point x;
        double step;
        int iterations;
        Deque<double[][]> memory = new ArrayDeque<>();
        double[] m = new double[p];
        double[] v = new double[p];
        if (resume == null) {
            x = evaluate(internal());
            if (x == null) {
                state.warmupOutcome = "not finite at the start";
                return 0;
            }
            best = x;
            double rel = x.loss / (varianceOfY() + 1e-10);
            if (o.warmStartDetection() && rel < o.warmStartThreshold()) {
                guard("warm_start", String.format(Locale.ROOT, "loss/var(y) = %.3g < %.3g: warmup skipped", rel, o.warmStartThreshold()));
                state.warmupOutcome = "warm start";
                return 0;
            }
            step = initialStep(rel);
            iterations = 0;
        } else {
            if (!resume.method().equals(o.method().name())) {
                throw new io.streamlsq.resume.CheckpointMismatchException("the checkpoint's warmup ran "
                        + resume.method() + " but this fit's warmup method is " + o.method());
            }
            x = new Point(resume.xq(), resume.xLoss(), resume.xg());
            best = new Point(resume.bestQ(), resume.bestLoss(), resume.bestG());
            step = resume.step();
            iterations = resume.iteration();
            for (int i = 0; i < resume.memoryS().length; i++) {
                memory.addLast(new double[][] {resume.memoryS()[i].clone(), resume.memoryY()[i].clone()});
            }
            if (resume.adamM() != null) {
                m = resume.adamM().clone();
                v = resume.adamV().clone();
            }
        }
        if (o.method() == WarmupOptions.Method.ADAM) {
            return adam(x, step, iterations, m, v);
        }
        String outcome = "max_iterations";
        try {
            for (; iterations < o.maxIterations(); iterations++) {
                checkpoint(iterations, step, x, memory, null, null);
                double[] d = direction(x.g, memory);
                double slope = dot(x.g, d);
                if (!(slope < 0)) {
                    memory.clear();
                    d = direction(x.g, memory);
                    slope = dot(x.g, d);
                }
                double dn = Math.sqrt(dot(d, d));
                if (dn == 0 || !(slope < 0)) {
                    outcome = "gradient";
                    break;
                }
                double alpha0 = iterations == 0 ? step : 1.0;
                double alphaMax = Double.POSITIVE_INFINITY;
                if (o.stepClipping()) {
                    alphaMax = o.maxStepNorm() / dn;
                    if (alpha0 > alphaMax) {
                        guard("step_clip", String.format(Locale.ROOT, "step %.3g clipped to %.3g (scaled units)",
                                alpha0 * dn, o.maxStepNorm()));
                        alpha0 = alphaMax;
                    }
                }
                Point next = lineSearch(x, d, slope, alpha0, alphaMax);
                if (next == null) {
                    outcome = "line search found no decrease";
                    break;
                }
                double[] sv = sub(next.q, x.q);
                double[] yv = sub(next.g, x.g);
                double sy = dot(sv, yv);
                if (sy > 1e-10 * Math.sqrt(dot(sv, sv) * dot(yv, yv))) {
                    memory.addLast(new double[][] {sv, yv});
                    if (memory.size() > o.history()) {
                        memory.removeFirst();
                    }
                }
                String end = accept(x, next, iterations, Double.NaN);
                x = next;
                if (end != null) {
                    outcome = end;
                    iterations++;
                    break;
                }
            }
        } catch (CostIncrease e) {
            outcome = "cost increase";
        }
        return finish(outcome, iterations);
    }

    /**
     * After an iteration from x to next (a point from {@link #trial}, which tracks the best point): tells the
     * listeners and returns why the warmup ends here (a listener's stop, a plateau, a small gradient), or null.
     */
    private String accept(Point x, Point next, int iteration, double stepNorm) {
        double change = Math.abs(next.loss - x.loss) / (Math.abs(x.loss) + Math.ulp(1.0));
        double gnorm = Math.sqrt(dot(next.g, next.g));
        FitListener.Decision decision = listeners.onIteration(new IterationSummary(NAME, iteration + 1, s.passes,
                next.loss, next.loss, Double.NaN, true, Double.NaN, Double.NaN, gnorm, stepNorm));
        if (decision == FitListener.Decision.STOP) {
            s.termination = new Termination.Stopped("a listener asked to stop after " + (iteration + 1)
                    + " warmup iterations");
            return "stopped by a listener";
        }
        if (change < o.plateauThreshold()) {
            return "plateau";
        }
        return gnorm < o.gradientThreshold() ? "gradient" : null;
    }

    /** Hands the best point to the next phase. */
    private int finish(String outcome, int iterations) {
        s.theta = external(best.q);
        s.q = null;
        s.current = null;
        s.warmupOutcome = o.maxWeight() > 0
                ? outcome + "; its loss had sheap's max-residual term " + o.maxWeight() + " * max rho_i, which the"
                        + " Gauss-Newton passes do not"
                : outcome;
        return iterations;
    }

    /**
     * Adam on the sampled loss: learning rate = guard 2's first step, each update clipped by guard 4 and
     * projected onto the bounds, guard 3 on every new point; one evaluation per iteration, no line search.
     */
    private int adam(Point start, double lr, int first, double[] m, double[] v) throws IOException {
        final double b1 = 0.9;
        final double b2 = 0.999;
        final double eps = 1e-8;
        int p = start.q.length;
        Point x = start;
        int iterations = first;
        String outcome = "max_iterations";
        try {
            for (; iterations < o.maxIterations(); iterations++) {
                checkpoint(iterations, lr, x, null, m, v);
                double c1 = 1 - Math.pow(b1, iterations + 1);
                double c2 = 1 - Math.pow(b2, iterations + 1);
                double[] u = new double[p];
                for (int j = 0; j < p; j++) {
                    m[j] = b1 * m[j] + (1 - b1) * x.g[j];
                    v[j] = b2 * v[j] + (1 - b2) * x.g[j] * x.g[j];
                    u[j] = -lr * (m[j] / c1) / (Math.sqrt(v[j] / c2) + eps);
                }
                double un = Math.sqrt(dot(u, u));
                if (un == 0) {
                    outcome = "gradient";
                    break;
                }
                if (o.stepClipping() && un > o.maxStepNorm()) {
                    guard("step_clip", String.format(Locale.ROOT, "step %.3g clipped to %.3g (scaled units)", un, o.maxStepNorm()));
                    for (int j = 0; j < p; j++) {
                        u[j] *= o.maxStepNorm() / un;
                    }
                }
                Point next = trial(x, u, 1.0);
                if (next == null) {
                    outcome = "not finite";
                    break;
                }
                String end = accept(x, next, iterations, un);
                x = next;
                if (end != null) {
                    outcome = end;
                    iterations++;
                    break;
                }
            }
        } catch (CostIncrease e) {
            outcome = "cost increase";
        }
        return finish(outcome, iterations);
    }

    /** A resume point at the start of an iteration (the checkpointer copies nothing it is not given: copy here). */
    private void checkpoint(int iteration, double step, Point x, Deque<double[][]> memory, double[] m, double[] v)
            throws IOException {
        if (!s.checkpointer.active()) {
            return;
        }
        int k = memory == null ? 0 : memory.size();
        double[][] ms = new double[k][];
        double[][] my = new double[k][];
        if (memory != null) {
            int i = 0;
            for (double[][] pair : memory) {
                ms[i] = pair[0].clone();
                my[i++] = pair[1].clone();
            }
        }
        s.phaseIterations = iteration;
        s.checkpointer.boundary(s, NAME, new WarmupSnapshot(o.method().name(), iteration, step, x.q.clone(), x.loss,
                x.g.clone(), best.q.clone(), best.loss, best.g.clone(), ms, my, m == null ? null : m.clone(),
                v == null ? null : v.clone()), false);
    }

    private double initialStep(double rel) {
        if (!o.adaptiveStep()) {
            guard("step_fixed", "initial step " + o.fixedStep());
            return o.fixedStep();
        }
        if (rel < 0.1) {
            guard("step_refinement", String.format(Locale.ROOT, "loss/var(y) = %.3g: initial step %s", rel, o.refinementStep()));
            return o.refinementStep();
        }
        if (rel < 1) {
            guard("step_careful", String.format(Locale.ROOT, "loss/var(y) = %.3g: initial step %s", rel, o.carefulStep()));
            return o.carefulStep();
        }
        guard("step_exploration", String.format(Locale.ROOT, "loss/var(y) = %.3g: initial step %s", rel, o.explorationStep()));
        return o.explorationStep();
    }

    /** Nocedal-Wright Algorithm 3.5 with a bisection zoom; the best Armijo point as fallback; null if none. */
    private Point lineSearch(Point x, double[] d, double slope, double alpha0, double alphaMax)
            throws IOException, CostIncrease {
        double aPrev = 0;
        Point prev = x;
        double a = alpha0;
        Point armijo = null;
        for (int i = 0; i < MAX_EVALUATIONS; i++) {
            Point t = trial(x, d, a);
            if (t == null || t.loss > x.loss + C1 * a * slope || (i > 0 && t.loss >= prev.loss)) {
                Point z = zoom(x, d, slope, aPrev, prev, a, MAX_EVALUATIONS - i - 1);
                return z != null ? z : armijo;
            }
            armijo = t;
            double dslope = dot(t.g, d);
            if (Math.abs(dslope) <= -C2 * slope) {
                return t;
            }
            if (dslope >= 0) {
                Point z = zoom(x, d, slope, a, t, aPrev, MAX_EVALUATIONS - i - 1);
                return z != null ? z : t;
            }
            if (a >= alphaMax) {
                return t;
            }
            aPrev = a;
            prev = t;
            a = Math.min(2 * a, alphaMax);
        }
        return armijo;
    }

    private Point zoom(Point x, double[] d, double slope, double aLo, Point lo, double aHi, int budget)
            throws IOException, CostIncrease {
        Point good = aLo > 0 ? lo : null;
        for (int j = 0; j < budget; j++) {
            double a = 0.5 * (aLo + aHi);
            Point t = trial(x, d, a);
            if (t == null || t.loss > x.loss + C1 * a * slope || t.loss >= lo.loss) {
                aHi = a;
                continue;
            }
            good = t;
            double dslope = dot(t.g, d);
            if (Math.abs(dslope) <= -C2 * slope) {
                return t;
            }
            if (dslope * (aHi - aLo) >= 0) {
                aHi = aLo;
            }
            aLo = a;
            lo = t;
        }
        return good;
    }

    /** The point q + a·d projected onto the bounds; guard 3 on its loss. */
    private Point trial(Point x, double[] d, double a) throws IOException, CostIncrease {
        double[] q = new double[d.length];
        for (int j = 0; j < q.length; j++) {
            q[j] = Math.min(hi[j], Math.max(lo[j], x.q[j] + a * d[j]));
        }
        Point t = evaluate(q);
        if (t != null && o.costGuard() && t.loss > (1 + o.costIncreaseTolerance()) * best.loss) {
            guard("cost_increase", String.format(Locale.ROOT, "loss %.6g > (1 + %.3g) × best %.6g: back to the best point",
                    t.loss, o.costIncreaseTolerance(), best.loss));
            throw new CostIncrease();
        }
        if (t != null && t.loss < best.loss) {
            best = t;
        }
        return t;
    }

    /** Loss and gradient at q over the sample, or null when the model is not finite there. */
    private Point evaluate(double[] q) throws IOException {
        boolean max = o.maxWeight() > 0 && !full;
        PassResult r = full ? passes.run(NAME, external(q), EvalLevel.GRADIENT)
                : passes.runSample(sample, external(q), EvalLevel.GRADIENT, max);
        if (!r.isFinite() || r.sums().rows() == 0) {
            return null;
        }
        double n = r.sums().rows();
        double[] g = new double[q.length];
        for (int j = 0; j < g.length; j++) {
            g[j] = 2 * s.scaling.scale(s.free[j]) * r.sums().jtr(j) / n;
        }
        double loss = 2 * r.sums().cost() / n;
        if (max) {
            // sheap's max_weight term: α·max ρ_i, with the subgradient of the largest row's ρ
            if (r.sums().largestRow() < 0) {
                throw new IllegalStateException("the pass executor did not keep the largest row of the warmup's sample:"
                        + " the max-residual term needs the local engine");
            }
            loss += o.maxWeight() * r.sums().largestRho();
            double[] lg = r.sums().largestGradient();
            for (int j = 0; j < g.length; j++) {
                g[j] += o.maxWeight() * s.scaling.scale(s.free[j]) * lg[j];
            }
        }
        return new Point(q, loss, g);
    }

    /** −H·g by the two-loop recursion; the first direction has unit length. */
    private static double[] direction(double[] g, Deque<double[][]> memory) {
        double[] q = g.clone();
        if (memory.isEmpty()) {
            double n = Math.sqrt(dot(g, g));
            for (int j = 0; j < q.length; j++) {
                q[j] = n > 0 ? -g[j] / n : 0;
            }
            return q;
        }
        double[][][] pairs = memory.toArray(new double[0][][]);
        double[] alpha = new double[pairs.length];
        for (int i = pairs.length - 1; i >= 0; i--) {
            double rho = 1 / dot(pairs[i][1], pairs[i][0]);
            alpha[i] = rho * dot(pairs[i][0], q);
            axpy(-alpha[i], pairs[i][1], q);
        }
        double[][] last = pairs[pairs.length - 1];
        double gamma = dot(last[0], last[1]) / dot(last[1], last[1]);
        for (int j = 0; j < q.length; j++) {
            q[j] *= gamma;
        }
        for (int i = 0; i < pairs.length; i++) {
            double rho = 1 / dot(pairs[i][1], pairs[i][0]);
            double beta = rho * dot(pairs[i][1], q);
            axpy(alpha[i] - beta, pairs[i][0], q);
        }
        for (int j = 0; j < q.length; j++) {
            q[j] = -q[j];
        }
        return q;
    }

    /** Population variance of y over the sample (guard 1's yardstick). */
    private double varianceOfY() throws IOException {
        List<String> cols = s.problem.columns();
        int yc = s.problem.model().variableNames().size();
        double sum = 0;
        double sum2 = 0;
        long n = 0;
        try (ChunkCursor c = sample.open(cols, 0)) {
            for (Chunk ch = c.next(); ch != null; ch = c.next()) {
                double[] y = ch.column(yc);
                for (int i = 0; i < ch.rows(); i++) {
                    double v = y[ch.offset() + i];
                    sum += v;
                    sum2 += v * v;
                }
                n += ch.rows();
            }
        }
        double mean = sum / Math.max(n, 1);
        return Math.max(sum2 / Math.max(n, 1) - mean * mean, 0);
    }

    private void guard(String name, String detail) {
        s.guards.merge(name, 1L, Long::sum);
        listeners.onGuard(name, detail);
    }

    private double[] internal() {
        double[] q = new double[s.freeCount()];
        for (int j = 0; j < q.length; j++) {
            q[j] = s.scaling.toInternal(s.free[j], s.theta[s.free[j]]);
        }
        return q;
    }

    private double[] external(double[] q) {
        double[] theta = s.theta.clone();
        for (int j = 0; j < q.length; j++) {
            int k = s.free[j];
            double t = s.scaling.offset(k) + s.scaling.scale(k) * q[j];
            theta[k] = Math.min(s.upper[k], Math.max(s.lower[k], t));
        }
        return theta;
    }

    private static double dot(double[] a, double[] b) {
        double r = 0;
        for (int i = 0; i < a.length; i++) {
            r += a[i] * b[i];
        }
        return r;
    }

    private static double[] sub(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }
}
