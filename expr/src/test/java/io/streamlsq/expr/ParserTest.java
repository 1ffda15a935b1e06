package io.streamlsq.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParserTest {
    private static double eval(String text, double x) {
        NodeFactory f = new NodeFactory();
        Node n = Parser.parse(text, Map.of("a", 0), Map.of("x", 0), f);
        return new Interpreter(1).evaluate(n, new double[] {2}, new double[] {x}, new double[1]);
    }

    @Test
    void precedenceAndAssociativity() {
        assertEquals(7, eval("1 + 2*3", 0));
        assertEquals(9, eval("(1 + 2)*3", 0));
        assertEquals(512, eval("2^3^2", 0), "power is right-associative");
        assertEquals(512, eval("2**3**2", 0), "** is a synonym of ^");
        assertEquals(-4, eval("-a^2", 0), "unary minus binds weaker than power");
        assertEquals(0.25, eval("a^-2", 0));
        assertEquals(2, eval("8/2/2", 0), "division is left-associative");
        assertEquals(-1, eval("1 - 1 - 1", 0));
        assertEquals(6, eval("+a*3", 0));
        assertEquals(Math.PI * Math.E, eval("pi*e", 0), 0);
        assertEquals(1e-3, eval(".001", 0));
        assertEquals(2.5e10, eval("2.5E+10", 0));
        assertEquals(4, eval("a*x", 2));
    }

    @Test
    void namesAreListedInOrderOfFirstUse() {
        assertEquals(List.of("a", "b", "x", "c"), ExpressionCompiler.names("a*exp(-b*x)+c + pi*e + a"));
    }

    @Test
    void simplificationFoldsConstantsAndSharesSubexpressions() {
        NodeFactory f = new NodeFactory();
        Node n = Parser.parse("0*x + 1*a + (2+3)", Map.of("a", 0), Map.of("x", 0), f);
        assertEquals("(a + 5.0)", n.toString());
        NodeFactory g = new NodeFactory();
        Node m = Parser.parse("exp(a*x) + exp(a*x)", Map.of("a", 0), Map.of("x", 0), g);
        assertEquals(m.arg(0), m.arg(1));
    }
}
