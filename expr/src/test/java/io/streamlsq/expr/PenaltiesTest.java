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

    /** describe() compiles back to the same model (how a model travels to Spark executors): values, Jacobian, rows. */
    @Test
    void theDescriptionCompilesBackToTheSameModel() {
        List<String> ps = List.of("A1", "m1", "w1", "A2");
        Map<String, String> defs = new java.util.LinkedHashMap<>();
        defs.put("w2", "w1");
        defs.put("m2", "m1 + 1.2");
        Ties ties = Ties.resolve(defs, ps, List.of("x"));
        ExpressionModel m = ExpressionCompiler.compile("A1*exp(-(x-m1)^2/(2*w1^2)) + A2*exp(-(x-m2)^2/(2*w2^2))", ps,
                List.of("x"), ties, List.of("(m2 - 1.5)/0.1", "A2/A1 - 0.5"));
        ExpressionModel back = ExpressionCompiler.compile(m.describe(), ps, List.of("x"));
        assertEquals(m.describe(), back.describe());
        int n = 50;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -2 + 5.0 * i / n;
        }
        io.streamlsq.data.Chunk c = new io.streamlsq.data.Chunk(1).set(0, 0, 0, n);
        c.setColumn(0, x);
        double[] theta = {1.1, 0.2, 0.6, 0.5};
        double[] v1 = new double[n];
        double[] v2 = new double[n];
        double[][] j1 = new double[4][n];
        double[][] j2 = new double[4][n];
        m.evaluate(c, theta, io.streamlsq.model.EvalLevel.NORMAL, v1, j1);
        back.evaluate(c, theta, io.streamlsq.model.EvalLevel.NORMAL, v2, j2);
        assertArrayEquals(v1, v2, 0.0);
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(j1[k], j2[k], 0.0);
        }
        double[] r1 = new double[2];
        double[] r2 = new double[2];
        double[][] e1 = new double[4][2];
        double[][] e2 = new double[4][2];
        m.evaluateExtraRows(theta, r1, e1);
        back.evaluateExtraRows(theta, r2, e2);
        assertArrayEquals(r1, r2, 0.0);
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(e1[k], e2[k], 0.0);
        }
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
