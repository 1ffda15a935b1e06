package io.streamlsq.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One in-process run of {@code lsq} with captured streams. */
record Run(int code, String out, String err) {
    static Run of(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Lsq.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** Lines of stderr without the "Try ... --help" hint picocli adds to usage errors. */
    long errorLines() {
        return err.lines().filter(l -> !l.startsWith("Try '")).count();
    }

    /** {@code lsq fit} of decay's model from (1, 0.5, 0) on {@code data}, --quiet, with {@code more} options. */
    static Run fitDecay(String data, String... more) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("fit", "--data", data, "--model",
                "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0", "--quiet"));
        a.addAll(java.util.List.of(more));
        return of(a.toArray(String[]::new));
    }
}
