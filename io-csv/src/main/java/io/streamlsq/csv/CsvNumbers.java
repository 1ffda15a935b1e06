package io.streamlsq.csv;

/**
 * The numbers a CSV cell may hold: decimal notation ({@code -1.5}, {@code .5}, {@code 5.}, {@code 1e-3},
 * {@code +2E+10}) and, in any letter case, {@code nan}, {@code inf} and {@code infinity} with an optional
 * sign (what numpy, pandas, R and Java write). Spaces and tabs around the text are ignored. Java-only forms
 * ({@code 1d}, {@code 1f}, {@code 0x1p3}) are not numbers here: a CSV file from elsewhere never means them.
 * Conversion is correctly rounded, with the bits of {@link Double#parseDouble}: Clinger's fast path here for short
 * mantissas, and FastDoubleParser's Eisel-Lemire conversion (on the bytes, without a String) for the rest, such as
 * the 17 significant digits that numpy and Java write (docs/benchmarks.md has the measured gain).
 */
final class CsvNumbers {
    /** Returned by {@link #parse} for text that is not a number. */
    static final double NOT_A_NUMBER = Double.longBitsToDouble(0x7ff8_dead_beef_0001L);

    private CsvNumbers() {
    }

    /** Whether {@code v} is the {@link #NOT_A_NUMBER} marker (compared by bits: it is a NaN). */
    static boolean isNotANumber(double v) {
        return Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(NOT_A_NUMBER);
    }

    /** Whether bytes {@code [from, to)} hold only spaces and tabs. */
    static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    /**
     * The value of bytes {@code [from, to)}, or {@link #NOT_A_NUMBER}. An empty or blank text is not a number
     * (callers check {@link #isBlank} first to tell "empty" apart).
     */
    static double parse(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        if (from == to) {
            return NOT_A_NUMBER;
        }
        int i = from;
        boolean negative = false;
        if (b[i] == '+' || b[i] == '-') {
            negative = b[i] == '-';
            i++;
        }
        if (i < to && (b[i] | 0x20) >= 'a' && (b[i] | 0x20) <= 'z') {
            return word(b, i, to, negative);
        }
        int digits = 0;
        long mantissa = 0;
        boolean exact = true; // the digits so far fit a double's 53 bits exactly
        int scale = 0;        // decimal exponent of the mantissa's last digit
        while (i < to && isDigit(b[i])) {
            exact = accumulate(mantissa, b[i]) && exact;
            mantissa = exact ? mantissa * 10 + (b[i] - '0') : mantissa;
            i++;
            digits++;
        }
        if (i < to && b[i] == '.') {
            i++;
            while (i < to && isDigit(b[i])) {
                exact = accumulate(mantissa, b[i]) && exact;
                mantissa = exact ? mantissa * 10 + (b[i] - '0') : mantissa;
                scale--;
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return NOT_A_NUMBER;
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean minus = false;
            if (i < to && (b[i] == '+' || b[i] == '-')) {
                minus = b[i] == '-';
                i++;
            }
            int exp = 0;
            int e = 0;
            while (i < to && isDigit(b[i])) {
                e = e < 100_000 ? e * 10 + (b[i] - '0') : e;
                i++;
                exp++;
            }
            if (exp == 0) {
                return NOT_A_NUMBER;
            }
            scale += minus ? -e : e;
        }
        if (i != to) {
            return NOT_A_NUMBER;
        }
        // Clinger's fast path: an integer below 2^53 times or over an exact power of ten (10^0 … 10^22) is one
        // correctly rounded operation, so the same bits as Double.parseDouble, without its allocation
        if (exact && scale >= -22 && scale <= 22) {
            double m = negative ? -(double) mantissa : (double) mantissa;
            return scale >= 0 ? m * POWERS[scale] : m / POWERS[-scale];
        }
        // the text is a decimal number by the grammar above (no hex, no Java suffixes), so this is its value
        return ch.randelshofer.fastdoubleparser.JavaDoubleParser.parseDouble(b, from, to - from);
    }

    private static double word(byte[] b, int from, int to, boolean negative) {
        String w = new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1)
                .toLowerCase(java.util.Locale.ROOT);
        return switch (w) {
            case "nan" -> Double.NaN;
            case "inf", "infinity" -> negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            default -> NOT_A_NUMBER;
        };
    }

    private static final double[] POWERS = new double[23];

    static {
        double p = 1;
        for (int k = 0; k < POWERS.length; k++) {
            POWERS[k] = p; // 10^k is exact in a double up to k = 22
            p *= 10;
        }
    }

    /** Whether {@code mantissa * 10 + digit} stays at or below 2^53. */
    private static boolean accumulate(long mantissa, byte digit) {
        return mantissa <= ((1L << 53) - (digit - '0')) / 10;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
