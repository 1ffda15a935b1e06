package io.streamlsq.phase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * {@code (JᵀJ)⁻¹} of the free parameters, computed on the column-equilibrated problem (C = diag of the column
 * norms of J) so that badly scaled parameters do not cost digits: from JᵀJ by a symmetric eigendecomposition
 * of {@code C⁻¹JᵀJC⁻¹} (the normal equations), or from the factor R of J by the singular value decomposition of
 * {@code RC⁻¹} (the QR path, which does not square the condition number). Directions below the rounding level
 * of the input (eigenvalue ≤ p·ε·λmax of JᵀJ, singular value ≤ p·ε·σmax of R) are singular: the parameters
 * that carry them get NaN variances, and a warning names them.
 *
 * @param inverse the (pseudo-)inverse, p×p, user units
 * @param conditionNumber λmax/λmin of the equilibrated JᵀJ (κ², ∞ when singular)
 * @param kappa κ = σmax/σmin of the equilibrated J (∞ when singular)
 * @param paramCondition per parameter, {@code κ_j = σmax·√((B ᵀB)⁻¹_jj)} with B the equilibrated J: how much a
 *     relative perturbation of J can move that parameter (1 ≤ κ_j ≤ κ; ∞ for a parameter the data cannot
 *     determine)
 * @param sigmaMax σmax of the equilibrated J
 * @param columnNorms the column norms C of J
 * @param stderrError per parameter, the relative rounding error of its standard error estimated from the spectrum:
 *     each direction's share of the variance times the relative error of its eigenvalue (ε·λmax/λ from JᵀJ,
 *     ε·σmax/σ from R); ∞ for a parameter the data cannot determine
 * @param warnings what the user should know
 */
record Covariance(double[][] inverse, double conditionNumber, double kappa, double[] paramCondition, double sigmaMax,
        double[] columnNorms, double[] stderrError, List<String> warnings) {
    static final double UNRELIABLE_CONDITION = 1e12;

    /** From JᵀJ (the normal equations). */
    static Covariance invert(double[][] a, List<String> names) {
        int p = a.length;
        double[] c = new double[p];
        for (int i = 0; i < p; i++) {
            c[i] = Math.sqrt(a[i][i]);
        }
        DMatrixRMaj m = new DMatrixRMaj(p, p);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                m.set(i, j, c[i] > 0 && c[j] > 0 ? a[i][j] / (c[i] * c[j]) : (i == j ? 1 : 0));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(p, true, true);
        if (!eig.decompose(m)) {
            return failed(p, c, "the eigendecomposition of JᵀJ did not converge");
        }
        double[] lambda = new double[p];
        double[][] v = new double[p][];
        double lmax = 0;
        for (int k = 0; k < p; k++) {
            lambda[k] = eig.getEigenvalue(k).getReal();
            v[k] = eig.getEigenVector(k).data.clone();
            lmax = Math.max(lmax, lambda[k]);
        }
        return assemble(lambda, v, p * Math.ulp(1.0) * lmax, c, names, "JᵀJ", false);
    }

    /** From the p×p triangular factor R of J ({@code RᵀR = JᵀJ}; the QR path). */
    static Covariance fromFactor(double[][] r, List<String> names) {
        int p = r.length;
        double[] c = new double[p];
        for (int j = 0; j < p; j++) {
            double s = 0;
            for (int i = 0; i < p; i++) {
                s += r[i][j] * r[i][j];
            }
            c[j] = Math.sqrt(s);
        }
        DMatrixRMaj b = new DMatrixRMaj(p, p);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                b.set(i, j, c[j] > 0 ? r[i][j] / c[j] : (i == j ? 1 : 0));
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(p, p, false, true, true);
        if (!svd.decompose(b)) {
            return failed(p, c, "the singular value decomposition of R did not converge");
        }
        DMatrixRMaj vt = svd.getV(null, true);
        double[] sv = svd.getSingularValues();
        double[] lambda = new double[p];
        double[][] v = new double[p][p];
        double smax = 0;
        for (int k = 0; k < p; k++) {
            lambda[k] = sv[k] * sv[k];
            smax = Math.max(smax, sv[k]);
            for (int j = 0; j < p; j++) {
                v[k][j] = vt.get(k, j);
            }
        }
        double cut = p * Math.ulp(1.0) * smax;
        return assemble(lambda, v, cut * cut, c, names, "R", true);
    }

    private static Covariance failed(int p, double[] c, String why) {
        double[][] inv = new double[p][p];
        for (double[] row : inv) {
            Arrays.fill(row, Double.NaN);
        }
        double[] pc = new double[p];
        Arrays.fill(pc, Double.POSITIVE_INFINITY);
        return new Covariance(inv, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, pc, Double.NaN, c, pc.clone(),
                List.of("covariance could not be computed: " + why));
    }

    /** The pseudo-inverse from eigenpairs (λ_k, v_k) of the equilibrated JᵀJ; λ ≤ cutoff is singular. */
    private static Covariance assemble(double[] lambda, double[][] v, double cutoff, double[] c, List<String> names,
            String source, boolean factor) {
        int p = c.length;
        List<String> warnings = new ArrayList<>();
        double lmax = 0;
        double lmin = Double.POSITIVE_INFINITY;
        for (double l : lambda) {
            lmax = Math.max(lmax, l);
            lmin = Math.min(lmin, l);
        }
        boolean[] unidentified = new boolean[p];
        double[][] inv = new double[p][p];
        double[] errorWeighted = new double[p];
        for (int k = 0; k < p; k++) {
            if (lambda[k] > cutoff) {
                // relative error of this eigenvalue: ε·λmax/λ when λ comes from the rounded JᵀJ, 2ε·σmax/σ when it is
                // the square of a singular value of R
                double rel = factor ? 2 * Math.ulp(1.0) * Math.sqrt(lmax / lambda[k]) : Math.ulp(1.0) * lmax / lambda[k];
                for (int i = 0; i < p; i++) {
                    errorWeighted[i] += v[k][i] * v[k][i] / lambda[k] * rel;
                }
            }
            if (lambda[k] <= cutoff) {
                for (int i = 0; i < p; i++) {
                    if (Math.abs(v[k][i]) > 0.1) {
                        unidentified[i] = true;
                    }
                }
                continue;
            }
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    inv[i][j] += v[k][i] * v[k][j] / lambda[k];
                }
            }
        }
        for (int i = 0; i < p; i++) {
            unidentified[i] |= !(c[i] > 0);
        }
        double[] paramCondition = new double[p];
        double[] stderrError = new double[p];
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            paramCondition[i] = unidentified[i] ? Double.POSITIVE_INFINITY : Math.max(1, Math.sqrt(lmax * inv[i][i]));
            // the standard error is the square root of the variance: half its relative error
            stderrError[i] = unidentified[i] ? Double.POSITIVE_INFINITY : 0.5 * errorWeighted[i] / inv[i][i];
        }
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                if (unidentified[i] || unidentified[j]) {
                    inv[i][j] = Double.NaN;
                } else {
                    inv[i][j] /= c[i] * c[j];
                }
            }
            if (unidentified[i]) {
                bad.add(names.get(i));
            }
        }
        double cond = lmin > cutoff ? lmax / lmin : Double.POSITIVE_INFINITY;
        if (!bad.isEmpty()) {
            warnings.add("covariance is singular: " + String.join(", ", bad) + " cannot be determined separately "
                    + "from the data (" + source + " has a null direction at double precision); their standard errors"
                    + " are NaN");
        }
        return new Covariance(inv, cond, Math.sqrt(cond), paramCondition, Math.sqrt(lmax), c, stderrError, warnings);
    }

    /** κ of the column-equilibrated J from JᵀJ: √(λmax/λmin) of {@code C⁻¹JᵀJC⁻¹}; ∞ when singular or undecidable. */
    static double conditionOfGram(double[][] a) {
        int p = a.length;
        DMatrixRMaj m = new DMatrixRMaj(p, p);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                double ci = Math.sqrt(a[i][i]);
                double cj = Math.sqrt(a[j][j]);
                // an all-zero column is a parameter the data cannot see, not ill-conditioning: left out, as in invert
                m.set(i, j, ci > 0 && cj > 0 ? a[i][j] / (ci * cj) : (i == j ? 1 : 0));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(p, false, true);
        if (!eig.decompose(m)) {
            return Double.POSITIVE_INFINITY;
        }
        double lmax = 0;
        double lmin = Double.POSITIVE_INFINITY;
        for (int k = 0; k < p; k++) {
            double l = eig.getEigenvalue(k).getReal();
            lmax = Math.max(lmax, l);
            lmin = Math.min(lmin, l);
        }
        return lmin > 0 ? Math.sqrt(lmax / lmin) : Double.POSITIVE_INFINITY;
    }

    /** Formats κ for messages. */
    static String fmt(double x) {
        return String.format(Locale.ROOT, "%.2e", x);
    }
}
