package io.streamlsq.search.bo;

import org.hipparchus.special.Erf;

/**
 * An acquisition function for minimization, larger is better, of the posterior mean μ and standard deviation σ at a
 * point and the incumbent {@code best} (the lowest value so far), which is always passed explicitly. With
 * {@code a = best − μ − ξ} and {@code z = a/σ}:
 * <ul>
 *   <li>{@link Kind#PI}: {@code Φ(z)};</li>
 *   <li>{@link Kind#EI}: {@code a·Φ(z) + σ·φ(z)};</li>
 *   <li>{@link Kind#UCB}: {@code κσ − μ} (the lower confidence bound, negated: hyperoptax's μ + κσ when
 *       maximizing).</li>
 * </ul>
 * For σ &lt; 1e-12 PI and EI are 0 and UCB is −μ (no division by zero). All quantities are in the Gaussian process's
 * normalized units.
 *
 * @param kind PI, EI or UCB
 * @param xi ξ ≥ 0 (PI, EI)
 * @param kappa κ ≥ 0 (UCB)
 */
public record Acquisition(Kind kind, double xi, double kappa) {

    /** The acquisitions. */
    public enum Kind { PI, EI, UCB }

    private static final double SIGMA_MIN = 1e-12;
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    public Acquisition {
        if (kind == null || !(xi >= 0) || !(kappa >= 0) || Double.isInfinite(xi) || Double.isInfinite(kappa)) {
            throw new IllegalArgumentException("acquisition " + kind + " with xi = " + xi + ", kappa = " + kappa
                    + " violates a kind, finite xi >= 0, finite kappa >= 0");
        }
    }

    public static Acquisition pi(double xi) {
        return new Acquisition(Kind.PI, xi, 0);
    }

    public static Acquisition ei(double xi) {
        return new Acquisition(Kind.EI, xi, 0);
    }

    public static Acquisition ucb(double kappa) {
        return new Acquisition(Kind.UCB, 0, kappa);
    }

    /**
     * The value at (μ, σ); when {@code derivatives} is not null, {@code ∂/∂μ} and {@code ∂/∂σ} into its first two
     * entries.
     */
    public double value(double mu, double sigma, double best, double[] derivatives) {
        if (kind == Kind.UCB) {
            if (derivatives != null) {
                derivatives[0] = -1;
                derivatives[1] = sigma < SIGMA_MIN ? 0 : kappa;
            }
            return sigma < SIGMA_MIN ? -mu : kappa * sigma - mu;
        }
        if (sigma < SIGMA_MIN) {
            if (derivatives != null) {
                derivatives[0] = 0;
                derivatives[1] = 0;
            }
            return 0;
        }
        double a = best - mu - xi;
        double z = a / sigma;
        double cdf = 0.5 * Erf.erfc(-z / Math.sqrt(2));
        double pdf = INV_SQRT_2PI * Math.exp(-0.5 * z * z);
        if (kind == Kind.PI) {
            if (derivatives != null) {
                derivatives[0] = -pdf / sigma;
                derivatives[1] = -pdf * z / sigma;
            }
            return cdf;
        }
        if (derivatives != null) {
            derivatives[0] = -cdf;
            derivatives[1] = pdf;
        }
        return Math.max(0, a * cdf + sigma * pdf);
    }
}
