package io.streamlsq.grouped;

/**
 * Eigenpairs of a small symmetric matrix by the cyclic Jacobi method, in caller-owned arrays (nothing allocated):
 * the grouped fits solve a p×p problem per trial step, p ≈ 3, where a general library decomposition costs more in
 * allocation than in arithmetic. Jacobi is accurate to the rounding of the input (small eigenvalues keep their
 * relative accuracy on a well-scaled matrix) and deterministic: the same input gives the same bits.
 */
final class SymmetricEigen {
    private static final int MAX_SWEEPS = 60;

    private SymmetricEigen() {
    }

    /**
     * Decomposes {@code a = V diag(λ) Vᵀ}.
     *
     * @param a n×n row-major symmetric matrix. Modified: destroyed (left almost diagonal).
     * @param n order
     * @param values output λ, length ≥ n. Modified.
     * @param vectors output n×n row-major: eigenvector k is column k, {@code vectors[i*n + k]}. Modified.
     */
    static void decompose(double[] a, int n, double[] values, double[] vectors) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                vectors[i * n + j] = i == j ? 1 : 0;
            }
        }
        double total = 0;
        for (int i = 0; i < n * n; i++) {
            total += a[i] * a[i];
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p * n + q] * a[p * n + q];
                }
            }
            if (!(off > 1e-34 * total)) { // off-diagonal mass below the rounding of the entries (or NaN input)
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(a, n, vectors, p, q);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            values[i] = a[i * n + i];
        }
    }

    /** One rotation in the (p, q) plane that zeroes a_pq: A ← GᵀAG, V ← VG. */
    private static void rotate(double[] a, int n, double[] v, int p, int q) {
        double apq = a[p * n + q];
        if (apq == 0) {
            return;
        }
        double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        double t = Math.abs(theta) > 1e150 ? 0.5 / theta
                : Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < n; k++) {
            double akp = a[k * n + p];
            double akq = a[k * n + q];
            a[k * n + p] = c * akp - s * akq;
            a[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p * n + k];
            double aqk = a[q * n + k];
            a[p * n + k] = c * apk - s * aqk;
            a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k * n + p];
            double vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }
}
