package io.streamlsq.phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * {@code (JᵀJ)⁻¹} of the free parameters, computed on the column-equilibrated matrix
 * {@code C⁻¹ JᵀJ C⁻¹} (C = diag of the column norms) by a symmetric eigendecomposition, so that badly
 * scaled parameters do not cost digits. Directions with eigenvalue below {@code p·ε·λ_max} are treated as
 * singular: the parameters that carry them get NaN variances, and a warning names them.
 *
 * @param inverse the (pseudo-)inverse, p×p
 * @param conditionNumber λ_max / λ_min of the equilibrated matrix (∞ when singular)
 * @param warnings what the user should know
 */
record Covariance(double[][] inverse, double conditionNumber, List<String> warnings) {
    static final double UNRELIABLE_CONDITION = 1e12;

    static Covariance invert(double[][] a, List<String> names) {
        int p = a.length;
        List<String> warnings = new ArrayList<>();
        double[] c = new double[p];
        List<String> zero = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            c[i] = Math.sqrt(a[i][i]);
            if (!(c[i] > 0)) {
                zero.add(names.get(i));
            }
        }
        DMatrixRMaj m = new DMatrixRMaj(p, p);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                m.set(i, j, c[i] > 0 && c[j] > 0 ? a[i][j] / (c[i] * c[j]) : (i == j ? 1 : 0));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(p, true, true);
        double[][] inv = new double[p][p];
        if (!eig.decompose(m)) {
            for (double[] row : inv) {
                java.util.Arrays.fill(row, Double.NaN);
            }
            warnings.add("covariance could not be computed: the eigendecomposition of JᵀJ did not converge");
            return new Covariance(inv, Double.POSITIVE_INFINITY, warnings);
        }
        double lmax = 0;
        double lmin = Double.POSITIVE_INFINITY;
        for (int k = 0; k < p; k++) {
            double l = eig.getEigenvalue(k).getReal();
            lmax = Math.max(lmax, l);
            lmin = Math.min(lmin, l);
        }
        double cutoff = p * Math.ulp(1.0) * lmax;
        boolean[] unidentified = new boolean[p];
        for (int k = 0; k < p; k++) {
            double l = eig.getEigenvalue(k).getReal();
            double[] v = eig.getEigenVector(k).data;
            if (l <= cutoff) {
                for (int i = 0; i < p; i++) {
                    if (Math.abs(v[i]) > 0.1) {
                        unidentified[i] = true;
                    }
                }
                continue;
            }
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    inv[i][j] += v[i] * v[j] / l;
                }
            }
        }
        for (String z : zero) {
            unidentified[names.indexOf(z)] = true;
        }
        List<String> bad = new ArrayList<>();
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
                    + "from the data (JᵀJ has a null direction); their standard errors are NaN");
        } else if (cond > UNRELIABLE_CONDITION) {
            warnings.add(String.format(Locale.ROOT, "covariance is unreliable: condition number of the "
                    + "equilibrated JᵀJ is %.3g > %.0e", cond, UNRELIABLE_CONDITION));
        }
        return new Covariance(inv, cond, warnings);
    }
}
