package io.streamlsq.bench.compare;

import io.streamlsq.problems.BuiltinProblem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The compared problems as plain formulas with analytic Jacobians over whole arrays (what a user of an
 * in-memory library writes), and the raw data file all tools read: float64 little-endian records [x, y].
 */
final class Problems {
    private Problems() {
    }

    /** Reads a [x, y] record file into two arrays. */
    static double[][] read(Path bin) throws IOException {
        try (FileChannel ch = FileChannel.open(bin, StandardOpenOption.READ)) {
            long n = ch.size() / 16;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IOException(bin + ": " + n + " rows do not fit in Java arrays");
            }
            double[] x = new double[(int) n];
            double[] y = new double[(int) n];
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            int i = 0;
            while (i < n) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // fill
                }
                buf.flip();
                while (buf.remaining() >= 16) {
                    x[i] = buf.getDouble();
                    y[i] = buf.getDouble();
                    i++;
                }
            }
            return new double[][] {x, y};
        }
    }

    /** Values and, when {@code jac != null}, the Jacobian (row-major n×p) of the problem at θ. */
    static void evaluate(BuiltinProblem p, double[] t, double[] x, double[] f, double[][] jac) {
        if (p == BuiltinProblem.DECAY) {
            for (int i = 0; i < x.length; i++) {
                double e = Math.exp(-t[1] * x[i]);
                f[i] = t[0] * e + t[2];
                if (jac != null) {
                    jac[i][0] = e;
                    jac[i][1] = -t[0] * x[i] * e;
                    jac[i][2] = 1;
                }
            }
            return;
        }
        for (int i = 0; i < x.length; i++) {
            double v = t[9] + t[10] * x[i];
            for (int q = 0; q < 3; q++) {
                double a = t[3 * q], mu = t[3 * q + 1], s = t[3 * q + 2];
                double d = x[i] - mu;
                double g = Math.exp(-d * d / (2 * s * s));
                v += a * g;
                if (jac != null) {
                    jac[i][3 * q] = g;
                    jac[i][3 * q + 1] = a * g * d / (s * s);
                    jac[i][3 * q + 2] = a * g * d * d / (s * s * s);
                }
            }
            f[i] = v;
            if (jac != null) {
                jac[i][9] = 1;
                jac[i][10] = x[i];
            }
        }
    }

    /** ½ Σ (f − y)² at θ, computed the same way for every tool. */
    static double cost(BuiltinProblem p, double[] t, double[] x, double[] y) {
        double[] f = new double[Math.min(x.length, 1 << 20)];
        double s = 0;
        for (int start = 0; start < x.length; start += f.length) {
            int len = Math.min(f.length, x.length - start);
            double[] xs = java.util.Arrays.copyOfRange(x, start, start + len);
            double[] fs = new double[len];
            evaluate(p, t, xs, fs, null);
            for (int i = 0; i < len; i++) {
                double r = fs[i] - y[start + i];
                s += r * r;
            }
        }
        return 0.5 * s;
    }

    /** VmHWM of this process in KiB (Linux), or -1. */
    static long peakRssKib() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** One JSON line, the runners' output contract. */
    static String json(String tool, BuiltinProblem p, long rows, double seconds, long iterations, double cost,
            double[] params) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(java.util.Locale.ROOT,
                "{\"tool\":\"%s\",\"problem\":\"%s\",\"rows\":%d,\"seconds\":%.6f,\"iterations\":%d,\"cost\":%.17g,"
                        + "\"rss_kib\":%d,\"params\":[", tool, p.name(), rows, seconds, iterations, cost, peakRssKib()));
        for (int k = 0; k < params.length; k++) {
            b.append(k > 0 ? "," : "").append(params[k]);
        }
        return b.append("]}").toString();
    }
}
