package io.streamlsq.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.model.EvalLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Text that tries to reach the compiler is refused by the parser with a clear message, and nothing is
 * compiled: only the DAG reaches the code generator, so no user character can appear in the source.
 */
class HostileInputTest {
    static final List<String> P = List.of("a", "b");
    static final List<String> V = List.of("x");

    private static ExprException refused(String text) {
        int before = ExpressionCompiler.compilations();
        ExprException e = assertThrows(ExprException.class, () -> ExpressionCompiler.compile(text, P, V));
        assertEquals(before, ExpressionCompiler.compilations(), "nothing may be compiled for: " + text);
        return e;
    }

    @Test
    void codeInjectionIsASyntaxError() {
        ExprException e = refused("1);System.exit(1);(1");
        assertTrue(e.getMessage().contains("column 2") && e.getMessage().contains("unexpected ')'"), e.getMessage());
        assertTrue(e.getMessage().contains("^"), "points at the column: " + e.getMessage());
    }

    @Test
    void unicodeEscapesStringsAndCommentsAreNotCharactersOfTheLanguage() {
        assertTrue(refused("a*\\u0022x").getMessage().contains("unexpected '\\'"), refused("a*\\u0022x").getMessage());
        assertTrue(refused("a*x + \"; Runtime.getRuntime().exec(\\\"rm\\\"); \"").getMessage().contains("'\"'"));
        assertTrue(refused("a*x /* comment */ + b").getMessage().contains("unexpected '*'"));
        assertTrue(refused("a*x // comment").getMessage().contains("unexpected '/'"));
        assertTrue(refused("a*x; b").getMessage().contains("';'"));
        assertTrue(refused("a*x\n+b").getMessage().contains("U+000A"));
    }

    @Test
    void javaNamesAreUnknownNamesOrSyntaxErrors() {
        assertTrue(refused("class*x").getMessage().contains("unknown name 'class'"));
        assertTrue(refused("java.lang.Runtime").getMessage().contains("unknown name 'java'"));
        assertTrue(refused("a.b").getMessage().contains("unexpected '.'"));
        assertTrue(refused("System(1)").getMessage().contains("unknown function 'System'"));
        assertTrue(refused("getClass()").getMessage().contains("unknown function"));
    }

    @Test
    void aJavaKeywordIsAFineParameterNameBecauseNamesNeverReachTheSource() {
        ExpressionModel m = ExpressionCompiler.compile("class*x + new", List.of("class", "new"), V);
        assertTrue(!m.generatedSource().contains("class*") && !m.generatedSource().contains("new"),
                m.generatedSource());
        double[] out = new double[1];
        io.streamlsq.data.Chunk c = CorpusTest.chunk(new double[] {2});
        m.evaluate(c, new double[] {3, 4}, EvalLevel.COST, out, null);
        assertEquals(10, out[0]);
    }

    @Test
    void deepNestingIsRefusedWithoutAStackOverflow() {
        String deep = "(".repeat(100_000) + "x" + ")".repeat(100_000);
        ExprException e = refused(deep);
        assertTrue(e.getMessage().contains("nests deeper than " + Parser.MAX_DEPTH), e.getMessage());
        String unary = "-".repeat(100_000) + "x";
        assertTrue(refused(unary).getMessage().contains("nests deeper"));
        String powers = "x" + "^x".repeat(50_000);
        assertTrue(refused(powers).getMessage().contains("nests deeper"));
    }

    @Test
    void aTenMegabyteExpressionIsRefusedBeforeParsing() {
        StringBuilder b = new StringBuilder("a*x");
        while (b.length() < 10_000_000) {
            b.append("+a*x");
        }
        ExprException e = refused(b.toString());
        assertTrue(e.getMessage().contains("characters; at most " + Parser.MAX_LENGTH), e.getMessage());
        assertTrue(e.getMessage().length() < 300, "a short message for a huge input");
    }

    @Test
    void hugeButShallowExpressionsAreLimitedByTheirSize() {
        StringBuilder b = new StringBuilder("a*x");
        for (int i = 1; i < 9_000; i++) {
            b.append("+a*x^").append(i);
        }
        ExprException e = assertThrows(ExprException.class, () -> ExpressionCompiler.compile(b.toString(), P, V));
        assertTrue(e.getMessage().contains("chains more than") || e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void wrongArityUnknownNamesAndBadNumbersPointAtTheColumn() {
        ExprException e = refused("a*atan2(x) + b");
        assertTrue(e.getMessage().contains("column 3") && e.getMessage().contains("atan2 takes 2 arguments but 1 was given"),
                e.getMessage());
        e = refused("a*exp(x, b)");
        assertTrue(e.getMessage().contains("exp takes 1 argument but 2 were given"), e.getMessage());
        e = refused("a*exp(-q*x)");
        assertTrue(e.getMessage().contains("column 8") && e.getMessage().contains("unknown name 'q'"), e.getMessage());
        e = refused("a*1e999");
        assertTrue(e.getMessage().contains("too large for a double"), e.getMessage());
        e = refused("a*(x + b");
        assertTrue(e.getMessage().contains("missing ')'"), e.getMessage());
        e = refused("a*x +");
        assertTrue(e.getMessage().contains("ends where a number"), e.getMessage());
        e = refused("2a");
        assertTrue(e.getMessage().contains("write 2*a"), e.getMessage());
        e = refused("   ");
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = refused("exp");
        assertTrue(e.getMessage().contains("is a function"), e.getMessage());
    }

    @Test
    void badNamesFromTheCallerAreRefused() {
        int before = ExpressionCompiler.compilations();
        assertThrows(ExprException.class, () -> ExpressionCompiler.compile("a*x", List.of("a;"), V));
        assertThrows(ExprException.class, () -> ExpressionCompiler.compile("a*x", List.of("pi"), V));
        assertThrows(ExprException.class, () -> ExpressionCompiler.compile("a*x", List.of("exp"), V));
        assertThrows(ExprException.class, () -> ExpressionCompiler.compile("a*x", List.of("a", "a"), V));
        assertThrows(ExprException.class, () -> ExpressionCompiler.compile("a*x", List.of("a", "x"), V));
        assertEquals(before, ExpressionCompiler.compilations());
    }
}
