package io.streamlsq.accumulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 3: the merge of chunk totals is compensated (Neumaier per entry), so 10⁸ chunk contributions merge
 * to within one rounding of the exact sum, where plain addition drifts by thousands of units in the last place. The
 * exact reference: every term is an integer multiple of 2⁻⁴⁰ below 2³ in magnitude, so the sum is an exact integer
 * count of 2⁻⁴⁰, kept in a long per 2²⁰ terms and in a BigInteger across them.
 */
class SummationTest {
    static final int TERMS = 100_000_000;

    @Test
    void a1e8TermMergeIsWithinOneUlpOfTheExactSumWherePlainAdditionIsNot() {
        for (boolean mixedSigns : new boolean[] {false, true}) {
            SplittableRandom rnd = new SplittableRandom(mixedSigns ? 2 : 1);
            NormalEquations total = NormalEquations.empty(0);
            NormalEquations term = NormalEquations.empty(0);
            double plain = 0;
            BigInteger exact = BigInteger.ZERO;
            long partial = 0;
            for (int i = 0; i < TERMS; i++) {
                long k = rnd.nextLong(mixedSigns ? -(1L << 43) : 0, 1L << 43);
                double v = k * 0x1p-40; // exact
                term.reset();
                term.packedAugmented()[0] = v;
                term.addRho(v);
                term.addRows(1, 1);
                total.merge(term);
                plain += v;
                partial += k;
                if ((i & ((1 << 20) - 1)) == (1 << 20) - 1) {
                    exact = exact.add(BigInteger.valueOf(partial));
                    partial = 0;
                }
            }
            exact = exact.add(BigInteger.valueOf(partial));
            BigDecimal reference = new BigDecimal(exact).multiply(new BigDecimal(0x1p-40));
            double ref = reference.doubleValue();
            double ulp = Math.ulp(ref);
            double merged = total.ssr();
            double compensatedError = new BigDecimal(merged).subtract(reference).abs().doubleValue() / ulp;
            double plainError = new BigDecimal(plain).subtract(reference).abs().doubleValue() / ulp;
            System.out.printf("%s signs, %d terms: compensated merge %.2f ulp, plain addition %.0f ulp off the exact sum%n",
                    mixedSigns ? "mixed" : "positive", TERMS, compensatedError, plainError);
            assertTrue(compensatedError <= 1, "compensated merge is " + compensatedError + " ulp off");
            assertTrue(plainError > 100, "plain addition would be as good (" + plainError + " ulp): the test shows nothing");
            assertEquals(ref, total.cost() * 2, ulp, "the cost is merged the same way");
            assertEquals(TERMS, total.weightSum(), 0);
        }
    }
}
