package io.streamlsq.testkit;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The linear least-squares solution of double data to 150 significant digits, as a reference: XᵀX and Xᵀy are
 * summed exactly (products and sums of doubles are exact in BigDecimal), then solved by Gaussian elimination with
 * partial pivoting at 150 digits, which leaves over 100 correct digits for any condition number a double problem
 * can have.
 */
public final class ExactLeastSquares {
    private static final MathContext MC = new MathContext(150, RoundingMode.HALF_EVEN);

    /** β, its standard errors ({@code √(s²·(XᵀX)⁻¹_jj)}, s² = rᵀr/(n − p)) and the residual sum of squares. */
    public record Solution(double[] beta, double[] stderr, double ssr) {
    }

    private ExactLeastSquares() {
    }

    /** @param x n rows of p regressors; @param y n observations */
    public static Solution solve(double[][] x, double[] y) {
        int n = y.length;
        int p = x[0].length;
        BigDecimal[][] a = new BigDecimal[p][p + 1 + p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p + 1 + p; j++) {
                a[i][j] = BigDecimal.ZERO;
            }
            a[i][p + 1 + i] = BigDecimal.ONE;
        }
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < p; i++) {
                BigDecimal xi = new BigDecimal(x[r][i]);
                for (int j = 0; j < p; j++) {
                    a[i][j] = a[i][j].add(xi.multiply(new BigDecimal(x[r][j])));
                }
                a[i][p] = a[i][p].add(xi.multiply(new BigDecimal(y[r])));
            }
        }
        int cols = 2 * p + 1;
        for (int k = 0; k < p; k++) {
            int piv = k;
            for (int i = k + 1; i < p; i++) {
                if (a[i][k].abs().compareTo(a[piv][k].abs()) > 0) {
                    piv = i;
                }
            }
            BigDecimal[] t = a[k];
            a[k] = a[piv];
            a[piv] = t;
            for (int i = 0; i < p; i++) {
                if (i == k || a[i][k].signum() == 0) {
                    continue;
                }
                BigDecimal f = a[i][k].divide(a[k][k], MC);
                for (int j = k; j < cols; j++) {
                    a[i][j] = a[i][j].subtract(f.multiply(a[k][j], MC), MC);
                }
            }
        }
        BigDecimal[] beta = new BigDecimal[p];
        double[] b = new double[p];
        for (int i = 0; i < p; i++) {
            beta[i] = a[i][p].divide(a[i][i], MC);
            b[i] = beta[i].doubleValue();
        }
        BigDecimal ssr = BigDecimal.ZERO;
        for (int r = 0; r < n; r++) {
            BigDecimal res = new BigDecimal(y[r]);
            for (int j = 0; j < p; j++) {
                res = res.subtract(beta[j].multiply(new BigDecimal(x[r][j]), MC), MC);
            }
            ssr = ssr.add(res.multiply(res, MC), MC);
        }
        BigDecimal s2 = ssr.divide(BigDecimal.valueOf(n - p), MC);
        double[] se = new double[p];
        for (int i = 0; i < p; i++) {
            BigDecimal inv = a[i][p + 1 + i].divide(a[i][i], MC);
            se[i] = s2.multiply(inv, MC).sqrt(MC).doubleValue();
        }
        return new Solution(b, se, ssr.doubleValue());
    }

    /** Log relative error, NIST's LRE: −log10(|est − ref|/|ref|), capped at 15.9 (and 0 when worse than 100 %). */
    public static double lre(double est, double ref) {
        if (est == ref) {
            return 15.9;
        }
        double rel = Math.abs(est - ref) / Math.abs(ref);
        if (!(rel < 1)) {
            return 0;
        }
        return Math.min(15.9, -Math.log10(rel));
    }
}
