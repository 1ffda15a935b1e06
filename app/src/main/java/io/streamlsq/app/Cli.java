package io.streamlsq.app;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** Small helpers shared by the commands. */
final class Cli {
    private Cli() {
    }

    /** Parses a row count such as {@code 10000000}, {@code 1e7} or {@code 1_000_000}. */
    static long parseCount(String option, String text) {
        String t = text.replace("_", "").trim();
        try {
            double d = Double.parseDouble(t);
            if (d >= 0 && d == Math.rint(d) && d <= 9.0e18) {
                return (long) d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " = '" + text + "' is not a whole number >= 0 (examples: 1000000, 1e7)");
    }

    static Map<String, Object> named(List<String> names, double[] values) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            m.put(names.get(k), values[k]);
        }
        return m;
    }

    /** The command's stdout as a PrintStream (tests capture it). */
    static PrintStream out(CommandSpec spec) {
        return asStream(spec.commandLine().getOut());
    }

    static PrintStream err(CommandSpec spec) {
        return asStream(spec.commandLine().getErr());
    }

    private static PrintStream asStream(PrintWriter w) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                w.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                w.write(new String(b, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void flush() {
                w.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
