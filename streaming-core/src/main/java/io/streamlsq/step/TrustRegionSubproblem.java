package io.streamlsq.step;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The Levenberg-Marquardt subproblem on accumulated normal equations:
 * minimize {@code gᵀδ + ½ δᵀAδ} subject to {@code ‖Dδ‖ ≤ Δ}, solved as MINPACK's {@code lmpar} does
 * (find μ ≥ 0 with {@code (A + μD²)δ = −g} and {@code ‖Dδ‖} within 10 % of Δ, or μ = 0 when the
 * Gauss-Newton step is inside), but through one symmetric eigendecomposition of {@code D⁻¹AD⁻¹}, which
 * also handles a singular A (minimum-norm Gauss-Newton step).
 */
public final class TrustRegionSubproblem {
    private static final double EPS = Math.ulp(1.0);

    private TrustRegionSubproblem() {
    }

    /**
     * The step and its damping.
     *
     * @param delta the step δ (not scaled by D)
     * @param mu the damping μ (0 for a Gauss-Newton step)
     * @param scaledNorm {@code ‖Dδ‖}
     */
    public record Solution(double[] delta, double mu, double scaledNorm) {
    }

    /**
     * @param a the symmetric positive semi-definite matrix A (n×n). Not modified.
     * @param g the gradient (n). Not modified.
     * @param d positive scaling (n). Not modified.
     * @param radius Δ &gt; 0
     * @param previousDamping μ of the previous solve (0 at first): the damping iteration starts there
     */
    public static Solution solve(double[][] a, double[] g, double[] d, double radius, double previousDamping) {
        int n = g.length;
        if (n == 0) {
            return new Solution(new double[0], 0, 0);
        }
        DMatrixRMaj scaled = new DMatrixRMaj(n, n);
        double[] gs = new double[n];
        for (int i = 0; i < n; i++) {
            gs[i] = g[i] / d[i];
            for (int j = 0; j < n; j++) {
                scaled.set(i, j, a[i][j] / (d[i] * d[j]));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(scaled)) {
            return gradientStep(gs, d, radius);
        }
        double[] lambda = new double[n];
        double[][] v = new double[n][];
        double[] beta = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = Math.max(eig.getEigenvalue(i).getReal(), 0.0);
            DMatrixRMaj vec = eig.getEigenVector(i);
            v[i] = vec.data.clone();
            double b = 0;
            for (int j = 0; j < n; j++) {
                b += v[i][j] * gs[j];
            }
            beta[i] = b;
        }
        return spectral(lambda, v, beta, gs, d, radius, previousDamping);
    }

    /**
     * The same subproblem given a factor instead of A: {@code A = RᵀR}, {@code g = Rᵀz}, e.g. R the triangular
     * factor of J (with the columns of held parameters left out, so not triangular) and z = Qᵀr. Solved through
     * the singular value decomposition {@code R D⁻¹ = U Σ Vᵀ}: the eigenvalues of {@code D⁻¹AD⁻¹} are σ² and the
     * gradient's components {@code σ·(Uᵀz)}, computed without squaring, so a direction with σ near ε·σmax keeps
     * its digits (on A it would be lost in the rounding of A itself).
     *
     * @param r rows × n with rows ≥ n. Not modified.
     * @param z length rows. Not modified.
     */
    public static Solution solveFactored(double[][] r, double[] z, double[] d, double radius, double previousDamping) {
        int n = d.length;
        if (n == 0) {
            return new Solution(new double[0], 0, 0);
        }
        int rows = r.length;
        DMatrixRMaj b = new DMatrixRMaj(rows, n);
        double[] gs = new double[n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                double x = r[i][j] / d[j];
                b.set(i, j, x);
                gs[j] += x * z[i];
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, n, true, true, true);
        if (!svd.decompose(b)) {
            return gradientStep(gs, d, radius);
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj vt = svd.getV(null, true);
        double[] sv = svd.getSingularValues();
        int k = svd.numberOfSingularValues();
        double[] lambda = new double[k];
        double[][] v = new double[k][n];
        double[] beta = new double[k];
        for (int i = 0; i < k; i++) {
            double sigma = sv[i];
            lambda[i] = sigma * sigma;
            double uz = 0;
            for (int row = 0; row < rows; row++) {
                uz += u.get(row, i) * z[row];
            }
            beta[i] = sigma * uz;
            for (int j = 0; j < n; j++) {
                v[i][j] = vt.get(i, j);
            }
        }
        return spectral(lambda, v, beta, gs, d, radius, previousDamping);
    }

    /** The step from the expansion of {@code D⁻¹AD⁻¹} in eigenpairs (λ_i, v_i) with β_i = v_iᵀD⁻¹g. */
    private static Solution spectral(double[] lambda, double[][] v, double[] beta, double[] gs, double[] d,
            double radius, double previousDamping) {
        int n = d.length;
        // Directions with λ below the rounding level of the accumulated JᵀJ (about ε·λmax) are kept: their
        // λ is noise, but their direction is the valley the fit may have to travel (MGH17 from start 1), and
        // the damping bounds their step (β/(λ+μ) ≈ β/μ once μ ≫ λ). Only λ = 0 itself is left out.
        double cutoff = 0;
        double mu = 0;
        double norm = norm(lambda, beta, 0, cutoff);
        if (norm > 1.1 * radius) {
            mu = findDamping(lambda, beta, radius, cutoff, Math.sqrt(dot(gs, gs)), previousDamping);
            norm = norm(lambda, beta, mu, cutoff);
        }
        double[] y = new double[n];
        for (int i = 0; i < lambda.length; i++) {
            double denom = lambda[i] + mu;
            if (mu == 0 && lambda[i] <= cutoff) {
                continue;
            }
            double c = -beta[i] / denom;
            for (int j = 0; j < n; j++) {
                y[j] += c * v[i][j];
            }
        }
        double[] delta = new double[n];
        for (int j = 0; j < n; j++) {
            delta[j] = y[j] / d[j];
        }
        return new Solution(delta, mu, norm);
    }

    /** ‖y(μ)‖ with y(μ) = −Σ β_i/(λ_i+μ) v_i; at μ = 0 directions below the cutoff are dropped. */
    private static double norm(double[] lambda, double[] beta, double mu, double cutoff) {
        double s = 0;
        for (int i = 0; i < lambda.length; i++) {
            if (mu == 0 && lambda[i] <= cutoff) {
                continue;
            }
            double t = beta[i] / (lambda[i] + mu);
            s += t * t;
        }
        return Math.sqrt(s);
    }

    /**
     * MINPACK's {@code lmpar} iteration (Moré 1978), written on the eigen-expansion: starts from the
     * previous damping clipped to [parl, paru], at most 10 Newton steps on 1/‖y(μ)‖ − 1/Δ. Keeping
     * MINPACK's exact stopping rules keeps its well-studied trajectories.
     */
    private static double findDamping(double[] lambda, double[] beta, double radius, double cutoff, double gnorm,
            double previous) {
        boolean singular = false;
        for (double l : lambda) {
            singular |= l <= cutoff;
        }
        double[] s = sums(lambda, beta, 0, cutoff);
        double dxnorm = Math.sqrt(s[0]);
        double fp = dxnorm - radius;
        double parl = singular || s[1] == 0 ? 0 : (fp / radius) * s[0] / s[1];
        double paru = gnorm / radius;
        if (paru == 0) {
            paru = Double.MIN_NORMAL / Math.min(radius, 0.1);
        }
        double par = Math.min(Math.max(previous, parl), paru);
        if (par == 0) {
            par = gnorm / dxnorm;
        }
        for (int iter = 1; ; iter++) {
            if (par == 0) {
                par = Math.max(Double.MIN_NORMAL, 1e-3 * paru);
            }
            s = sums(lambda, beta, par, cutoff);
            double temp = fp;
            fp = Math.sqrt(s[0]) - radius;
            if (Math.abs(fp) <= 0.1 * radius || (parl == 0 && fp <= temp && temp < 0) || iter == 10) {
                return par;
            }
            double parc = s[1] > 0 ? (fp / radius) * s[0] / s[1] : 0;
            if (fp > 0) {
                parl = Math.max(parl, par);
            } else if (fp < 0) {
                paru = Math.min(paru, par);
            }
            par = Math.max(parl, par + parc);
        }
    }

    /** {Σ β²/(λ+μ)², Σ β²/(λ+μ)³}; at μ = 0 directions below the cutoff are dropped. */
    private static double[] sums(double[] lambda, double[] beta, double mu, double cutoff) {
        double s1 = 0;
        double s3 = 0;
        for (int i = 0; i < lambda.length; i++) {
            if (mu == 0 && lambda[i] <= cutoff) {
                continue;
            }
            double den = lambda[i] + mu;
            double b2 = beta[i] * beta[i];
            s1 += b2 / (den * den);
            s3 += b2 / (den * den * den);
        }
        return new double[] {s1, s3};
    }

    private static Solution gradientStep(double[] gs, double[] d, double radius) {
        double gn = Math.sqrt(dot(gs, gs));
        double[] delta = new double[gs.length];
        if (gn > 0) {
            for (int j = 0; j < gs.length; j++) {
                delta[j] = -radius * gs[j] / gn / d[j];
            }
        }
        return new Solution(delta, Double.POSITIVE_INFINITY, gn > 0 ? radius : 0);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
