package io.streamlsq.expr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.model.EvalLevel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ties: chains resolve exactly (T2.2, where sheap drops or miscomputes), refusals name the tie, substitution is exact. */
class TiesTest {
    private static Map<String, String> ties(String... nameThenText) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenText.length; i += 2) {
            m.put(nameThenText[i], nameThenText[i + 1]);
        }
        return m;
    }

    @Test
    void chainsResolveToAnExpressionOfTheFreeParameters() {
        // T2.2: c = b + 3 with b = 2a is c = 2a + 3 (sheap's flatten_tied_map drops the offset: 2a)
        Ties t = Ties.resolve(ties("c", "b + 3", "b", "2*a"), List.of("a"), List.of("x"));
        double[] g = new double[1];
        assertEquals(2 * 1.7 + 3, t.value("c", new double[] {1.7}, g), 0.0);
        assertArrayEquals(new double[] {2}, g, 0.0);
        assertEquals("((2.0*a) + 3.0)", t.resolved("c"));
        assertEquals(List.of("c", "b"), t.names());
        // c = 2b with b = a - 1 is c = 2a - 2 (sheap: a wrong formula for * after -)
        Ties u = Ties.resolve(ties("c", "2*b", "b", "a - 1"), List.of("a"), List.of());
        assertEquals(2 * 5.25 - 2, u.value("c", new double[] {5.25}, g), 0.0);
        assertArrayEquals(new double[] {2}, g, 0.0);
    }

    @Test
    void aTieIsAnyExpressionOfParametersWithItsExactGradient() {
        Ties t = Ties.resolve(ties("w", "sqrt(s1^2 + s2^2)/k", "k", "2"), List.of("s1", "s2"), List.of());
        double[] g = new double[2];
        double v = t.value("w", new double[] {3, 4}, g);
        assertEquals(2.5, v, 1e-15);
        assertArrayEquals(new double[] {3.0 / 5 / 2, 4.0 / 5 / 2}, g, 1e-15);
        assertEquals("k = 2; w = sqrt(s1^2 + s2^2)/k", t.describe());
    }

    @Test
    void aCycleIsRefusedAndListed() {
        ExprException e = assertThrows(ExprException.class,
                () -> Ties.resolve(ties("a", "b + 1", "b", "2*a"), List.of("p"), List.of()));
        assertTrue(e.getMessage().contains("a -> b -> a") && e.getMessage().contains("b = 2*a"), e.getMessage());
        e = assertThrows(ExprException.class, () -> Ties.resolve(ties("a", "a*p"), List.of("p"), List.of()));
        assertTrue(e.getMessage().contains("a -> a"), e.getMessage());
    }

    @Test
    void refusalsNameTheTieAndTheName() {
        ExprException e = assertThrows(ExprException.class,
                () -> Ties.resolve(ties("m2", "m1 + x"), List.of("m1"), List.of("x")));
        assertTrue(e.getMessage().startsWith("tie m2 = m1 + x: uses 'x', a data variable"), e.getMessage());
        e = assertThrows(ExprException.class, () -> Ties.resolve(ties("m2", "m9 + 1"), List.of("m1"), List.of("x")));
        assertTrue(e.getMessage().contains("'m9', which is neither a parameter (m1)"), e.getMessage());
        e = assertThrows(ExprException.class, () -> Ties.resolve(ties("m1", "2"), List.of("m1"), List.of()));
        assertTrue(e.getMessage().contains("'m1' is also a free parameter"), e.getMessage());
        e = assertThrows(ExprException.class, () -> Ties.resolve(ties("exp", "m1"), List.of("m1"), List.of()));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        e = assertThrows(ExprException.class, () -> Ties.resolve(ties("m2", "m1 +* 1"), List.of("m1"), List.of()));
        assertTrue(e.getMessage().startsWith("tie m2 = m1 +* 1, column 5:"), e.getMessage());
    }

    /** Two Gaussian lines with tied centre and width: the same values and Jacobian, to the bit, as the substitution by hand. */
    @Test
    void substitutionGivesTheHandWrittenModel() {
        List<String> vars = List.of("x");
        Ties t = Ties.resolve(ties("m2", "m1 + 1.2", "w2", "w1"), List.of("A1", "m1", "w1", "A2"), vars);
        ExpressionModel tied = ExpressionCompiler.compile("A1*exp(-(x-m1)^2/(2*w1^2)) + A2*exp(-(x-m2)^2/(2*w2^2))",
                t.parameters(), vars, t);
        ExpressionModel hand = ExpressionCompiler.compile("A1*exp(-(x-m1)^2/(2*w1^2)) + A2*exp(-(x-(m1 + 1.2))^2/(2*w1^2))",
                List.of("A1", "m1", "w1", "A2"), vars);
        assertEquals("A1*exp(-(x-m1)^2/(2*w1^2)) + A2*exp(-(x-m2)^2/(2*w2^2)) with ties: m2 = m1 + 1.2; w2 = w1",
                tied.describe());
        int n = 100;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -3 + 6.0 * i / n;
        }
        Chunk c = new Chunk(1).set(0, 0, 0, n);
        c.setColumn(0, x);
        double[] theta = {1.3, -0.4, 0.7, 0.6};
        double[] v1 = new double[n];
        double[] v2 = new double[n];
        double[][] j1 = new double[4][n];
        double[][] j2 = new double[4][n];
        tied.evaluate(c, theta, EvalLevel.NORMAL, v1, j1);
        hand.evaluate(c, theta, EvalLevel.NORMAL, v2, j2);
        assertArrayEquals(v2, v1, 0.0);
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(j2[k], j1[k], 0.0, "derivative " + k);
        }
    }
}
