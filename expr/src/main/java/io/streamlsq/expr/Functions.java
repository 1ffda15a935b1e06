package io.streamlsq.expr;

import org.hipparchus.special.Erf;

/**
 * The run-time definitions of the language's functions, shared by generated code, constant folding and
 * the reference interpreter. {@code erf}/{@code erfc} come from Hipparchus.
 */
public final class Functions {
    /** 2/√π, the scale of erf′. */
    public static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

    private Functions() {
    }

    public static double erf(double x) {
        return Erf.erf(x);
    }

    public static double erfc(double x) {
        return Erf.erfc(x);
    }

    static double apply(Fn fn, double[] a) {
        return switch (fn) {
            case EXP -> Math.exp(a[0]);
            case LOG -> Math.log(a[0]);
            case LOG10 -> Math.log10(a[0]);
            case LOG1P -> Math.log1p(a[0]);
            case EXPM1 -> Math.expm1(a[0]);
            case SQRT -> Math.sqrt(a[0]);
            case CBRT -> Math.cbrt(a[0]);
            case ABS -> Math.abs(a[0]);
            case SIN -> Math.sin(a[0]);
            case COS -> Math.cos(a[0]);
            case TAN -> Math.tan(a[0]);
            case ASIN -> Math.asin(a[0]);
            case ACOS -> Math.acos(a[0]);
            case ATAN -> Math.atan(a[0]);
            case ATAN2 -> Math.atan2(a[0], a[1]);
            case SINH -> Math.sinh(a[0]);
            case COSH -> Math.cosh(a[0]);
            case TANH -> Math.tanh(a[0]);
            case ERF -> erf(a[0]);
            case ERFC -> erfc(a[0]);
            case POW -> Math.pow(a[0], a[1]);
            case MIN -> Math.min(a[0], a[1]);
            case MAX -> Math.max(a[0], a[1]);
            case HYPOT -> Math.hypot(a[0], a[1]);
            case SIGN -> Math.signum(a[0]);
            case SELECT_LT -> a[0] < a[1] ? a[2] : a[3];
        };
    }
}
