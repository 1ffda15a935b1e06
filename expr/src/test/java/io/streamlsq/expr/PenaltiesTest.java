package io.streamlsq.expr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Penalties of an expression model: one extra row each, exact gradients, ties substituted, data refused, described. */
class PenaltiesTest {
    @Test
    void eachPenaltyIsARowWithItsExactGradient() {
        Ties ties = Ties.resolve(Map.of("m2", "m1 + 1.2"), List.of("a", "m1", "w"), List.of("x"));
        ExpressionModel m = ExpressionCompiler.compile("a*exp(-(x-m2)^2/w)", List.of("a", "m1", "w"), List.of("x"), ties,
                List.of("(m2 - 1.5)/0.1", " log(w)/0.5 "));
        assertEquals(2, m.extraRowCount());
        double[] r = new double[2];
        double[][] j = new double[3][2];
        m.evaluateExtraRows(new double[] {2, 0.4, 3}, r, j);
        assertEquals((0.4 + 1.2 - 1.5) / 0.1, r[0], 1e-15);
        assertEquals(Math.log(3) / 0.5, r[1], 1e-15);
        assertArrayEquals(new double[] {0, 0}, j[0], 0.0);
        assertArrayEquals(new double[] {10, 0}, new double[] {j[1][0], j[1][1]}, 1e-14);
        assertEquals(1 / (3 * 0.5), j[2][1], 1e-15);
        assertEquals("a*exp(-(x-m2)^2/w) with ties: m2 = m1 + 1.2 with penalties: (m2 - 1.5)/0.1; log(w)/0.5", m.describe());
        assertEquals(0, ExpressionCompiler.compile("a*x", List.of("a"), List.of("x")).extraRowCount());
    }

    @Test
    void aPenaltyOfDataOrOfUnknownNamesIsRefusedByNumber() {
        ExprException e = assertThrows(ExprException.class, () -> ExpressionCompiler.compile("a*x", List.of("a"),
                List.of("x"), Ties.none(), List.of("a - 1", "(a - x)/0.1")));
        assertTrue(e.getMessage().startsWith("penalty 2 ((a - x)/0.1): uses 'x', a data variable"), e.getMessage());
        e = assertThrows(ExprException.class, () -> ExpressionCompiler.compile("a*x", List.of("a"), List.of("x"),
                Ties.none(), List.of("q - 1")));
        assertTrue(e.getMessage().startsWith("penalty 1 (q - 1), column 1: unknown name 'q'"), e.getMessage());
    }
}
