package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input through the command: exit code 2, one clear line on stderr, no stack trace (unless --debug). */
class BadInputTest {
    @TempDir
    static Path dir;
    static Path good;

    @BeforeAll
    static void files() throws IOException {
        good = dir.resolve("good.csv");
        Files.writeString(good, "x,y\n0,3\n1,1.1\n2,0.68\n3,0.55\n4,0.51\n5,0.5\n");
    }

    private static Run fit(String data, String... more) {
        return Run.fitDecay(data, more);
    }

    private static void refused(Run r, String... fragments) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.errorLines(), "one line on stderr: " + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr should mention '" + f + "': " + r.err());
        }
    }

    @Test
    void aMissingFile() {
        refused(fit(dir.resolve("nope.csv").toString()), "file not found", "nope.csv");
    }

    @Test
    void aMissingColumn() {
        refused(fit(good.toString(), "--y", "counts"), "'counts'", "available columns: x, y");
    }

    @Test
    void aNonNumericCell() throws IOException {
        Path f = dir.resolve("text.csv");
        Files.writeString(f, "x,y\n0,3\n1,one\n2,0.68\n3,0.5\n");
        refused(fit(f.toString()), "row 1 (line 3)", "column 'y'", "'one' is not a number");
    }

    @Test
    void aNanCellIsNamedByRowAndColumn() throws IOException {
        Path f = dir.resolve("nan.csv");
        Files.writeString(f, "x,y\n0,3\n1,1.1\n2,NaN\n3,0.5\n4,0.5\n");
        refused(fit(f.toString()), "row 2", "'y'", "NaN");
    }

    @Test
    void anEmptyFileAndAHeaderOnlyFile() throws IOException {
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        refused(fit(empty.toString()), "is empty");
        Path header = dir.resolve("header.csv");
        Files.writeString(header, "x,y\n");
        refused(fit(header.toString()), "no rows");
    }

    @Test
    void aTruncatedLine() throws IOException {
        Path f = dir.resolve("short.csv");
        Files.writeString(f, "x,y\n0,3\n1,1.1\n2");
        refused(fit(f.toString()), "row 2 (line 4) has 1 fields but the header has 2");
    }

    @Test
    void anUnknownParameterInBounds() {
        refused(fit(good.toString(), "--bounds", "q=0:1"), "--bounds names 'q'", "parameters from --p0: a, b, c");
    }

    @Test
    void p0MissingAParameterTheModelUses() {
        Run r = Run.of("fit", "--data", good.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5", "--quiet");
        refused(r, "the model uses 'c'", "neither in --p0 nor a column", "add c=VALUE to --p0");
    }

    @Test
    void aSyntaxErrorPointsAtTheColumnOnStderr() {
        Run r = Run.of("fit", "--data", good.toString(), "--model", "a*exp(-b*x))+c", "--p0", "a=1,b=0.5,c=0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("column 12") && r.err().contains("^"), r.err());
    }

    @Test
    void badOptionValues() {
        refused(Run.of("fit", "--data", good.toString(), "--model", "a*x", "--p0", "a=one"),
                "--p0: the value of 'a' is 'one', not a number");
        refused(fit(good.toString(), "--loss", "l3"), "loss 'l3' is not one of");
        refused(fit(good.toString(), "--ftol", "-1"), "ftol = -1.0 violates");
        refused(fit(good.toString(), "--max-time", "soon"), "--max-time 'soon'");
        refused(fit("data.xlsx"), "unknown format");
        refused(fit(dir.resolve("missing.arrow").toString()), "file not found");
        refused(Run.of("gen", "decay", "--rows", "ten", "--out", "x.csv"), "--rows = 'ten'");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Run r = Run.of("fit", "--dataa", "x.csv");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown options: '--dataa'"), r.err());
    }

    @Test
    void debugShowsTheStackTrace() {
        Run r = Run.of("--debug", "fit", "--data", dir.resolve("nope.csv").toString(), "--model", "a*x", "--p0", "a=1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }
}
