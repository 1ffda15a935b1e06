package io.streamlsq.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every number a CSV cell may hold gives the bits of {@link Double#parseDouble}, fast path or not. */
class CsvNumbersTest {
    private static double parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return CsvNumbers.parse(b, 0, b.length);
    }

    private static void same(String s) {
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s.strip())), Double.doubleToRawLongBits(parse(s)), s);
    }

    @Test
    void randomNumbersInEveryNotationGiveTheBitsOfParseDouble() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int t = 0; t < 200_000; t++) {
            double v = switch (t % 4) {
                case 0 -> rnd.nextDouble(-1e3, 1e3);
                case 1 -> Double.longBitsToDouble(rnd.nextLong()); // any double, NaN and infinities included
                case 2 -> Math.round(rnd.nextDouble(-1e6, 1e6)) / Math.pow(10, rnd.nextInt(0, 12));
                default -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-300, 300));
            };
            if (!Double.isFinite(v)) {
                continue;
            }
            same(Double.toString(v));
            same(String.format(Locale.ROOT, "%." + rnd.nextInt(1, 20) + "e", v));
            same(String.format(Locale.ROOT, "%." + rnd.nextInt(0, 20) + "f", v));
            same(new java.math.BigDecimal(v).round(new java.math.MathContext(rnd.nextInt(1, 25))).toPlainString());
        }
    }

    @Test
    void randomDigitStringsGiveTheBitsOfParseDouble() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int t = 0; t < 200_000; t++) {
            StringBuilder s = new StringBuilder(rnd.nextBoolean() ? "-" : "");
            int before = rnd.nextInt(0, 20);
            for (int i = 0; i < before; i++) {
                s.append((char) ('0' + rnd.nextInt(10)));
            }
            int after = rnd.nextInt(before == 0 ? 1 : 0, 20);
            if (after > 0 || rnd.nextBoolean()) {
                s.append('.');
            }
            for (int i = 0; i < after; i++) {
                s.append((char) ('0' + rnd.nextInt(10)));
            }
            if (rnd.nextInt(3) == 0) {
                s.append(rnd.nextBoolean() ? 'e' : 'E').append(rnd.nextBoolean() ? "-" : "").append(rnd.nextInt(0, 40));
            }
            same(s.toString());
        }
        for (String edge : new String[] {"9007199254740992", "9007199254740993", "9007199254740991.5", "1e22", "1e23",
            "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308", "-0", "-0.0", "0e5", "123456789012345678",
            "0.1", "0.30000000000000004", " 7 ", "\t-8.25"}) {
            same(edge);
        }
        assertTrue(CsvNumbers.isNotANumber(parse("1e")));
    }
}
