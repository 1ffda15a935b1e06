package io.streamlsq.expr;

import java.util.Locale;

/**
 * Functions of the model language. Public ones are callable by name; {@code SIGN} and {@code SELECT_LT}
 * appear only in derivatives ({@code |u|′ = sign(u)·u′}; {@code min(a, b)′ = a < b ? a′ : b′}).
 */
public enum Fn {
    EXP(1), LOG(1), LOG10(1), LOG1P(1), EXPM1(1), SQRT(1), CBRT(1), ABS(1), SIN(1), COS(1), TAN(1), ASIN(1),
    ACOS(1), ATAN(1), ATAN2(2), SINH(1), COSH(1), TANH(1), ERF(1), ERFC(1), POW(2), MIN(2), MAX(2), HYPOT(2),
    SIGN(1, false), SELECT_LT(4, false);

    final int arity;
    final boolean visible;

    Fn(int arity) {
        this(arity, true);
    }

    Fn(int arity, boolean visible) {
        this.arity = arity;
        this.visible = visible;
    }

    public int arity() {
        return arity;
    }

    /** The name users write, e.g. {@code log10}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The user-visible function called {@code name}, or null. */
    public static Fn named(String name) {
        for (Fn f : values()) {
            if (f.visible && f.text().equals(name)) {
                return f;
            }
        }
        return null;
    }
}
