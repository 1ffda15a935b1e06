package io.streamlsq.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One NIST StRD nonlinear regression problem read from its {@code .dat} file in ../shared/nist: starts,
 * certified values and standard deviations, certified residual sum of squares, and the data.
 */
public record NistProblem(String name, List<String> params, double[] start1, double[] start2, double[] certified,
        double[] certifiedSd, double certifiedRss, double[] y, double[][] x) {

    private static final Pattern LINES = Pattern.compile("\\(lines\\s+(\\d+)\\s+to\\s+(\\d+)\\)");

    /** Names in NIST's order. */
    public static final List<String> ORDER = List.of("Misra1a", "Chwirut2", "Chwirut1", "Lanczos3", "Gauss1",
            "Gauss2", "DanWood", "Misra1b", "Kirby2", "Hahn1", "Nelson", "MGH17", "Lanczos1", "Lanczos2", "Gauss3",
            "Misra1c", "Misra1d", "Roszman1", "ENSO", "MGH09", "Thurber", "BoxBOD", "Rat42", "MGH10", "Eckerle4",
            "Rat43", "Bennett5");

    /** ../shared/nist as set by the build ({@code streamlsq.shared}). */
    public static Path directory() {
        return SharedFiles.root().resolve("nist");
    }

    public static NistProblem load(String name) {
        try {
            return parse(name, Files.readAllLines(directory().resolve(name + ".dat"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int predictors() {
        return x.length;
    }

    public double[] start(int which) {
        return which == 1 ? start1.clone() : start2.clone();
    }

    static NistProblem parse(String name, List<String> lines) {
        int[] startLines = null;
        int[] dataLines = null;
        for (String l : lines) {
            Matcher m = LINES.matcher(l);
            if (l.contains("Starting Values") && m.find()) {
                startLines = new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
            } else if (l.trim().startsWith("Data") && m.find() && dataLines == null) {
                dataLines = new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
            }
        }
        if (startLines == null || dataLines == null) {
            throw new IllegalStateException(name + ": cannot find the line ranges in the header");
        }
        List<String> params = new ArrayList<>();
        int p = startLines[1] - startLines[0] + 1;
        double[] s1 = new double[p];
        double[] s2 = new double[p];
        double[] cert = new double[p];
        double[] sd = new double[p];
        for (int k = 0; k < p; k++) {
            String[] f = lines.get(startLines[0] - 1 + k).trim().split("\\s+");
            params.add(f[0]);
            s1[k] = Double.parseDouble(f[2]);
            s2[k] = Double.parseDouble(f[3]);
            cert[k] = Double.parseDouble(f[4]);
            sd[k] = Double.parseDouble(f[5]);
        }
        double rss = Double.NaN;
        for (String l : lines) {
            if (l.trim().startsWith("Residual Sum of Squares:")) {
                String[] f = l.trim().split("\\s+");
                rss = Double.parseDouble(f[f.length - 1]);
                break;
            }
        }
        int n = dataLines[1] - dataLines[0] + 1;
        String[] first = lines.get(dataLines[0] - 1).trim().split("\\s+");
        int k = first.length - 1;
        double[] y = new double[n];
        double[][] x = new double[k][n];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(dataLines[0] - 1 + i).trim().split("\\s+");
            y[i] = Double.parseDouble(f[0]);
            for (int v = 0; v < k; v++) {
                x[v][i] = Double.parseDouble(f[v + 1]);
            }
        }
        return new NistProblem(name, params, s1, s2, cert, sd, rss, y, x);
    }

    /** NIST's log relative error, capped at 11 and floored at 0. */
    public static double lre(double estimate, double certified) {
        if (!Double.isFinite(estimate)) {
            return 0;
        }
        double rel = certified == 0 ? Math.abs(estimate) : Math.abs(estimate - certified) / Math.abs(certified);
        if (rel == 0) {
            return 11;
        }
        double l = -Math.log10(rel);
        return Math.max(0, Math.min(11, l));
    }
}
