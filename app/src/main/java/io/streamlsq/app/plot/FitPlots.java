package io.streamlsq.app.plot;

import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import java.awt.Color;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The plots of a fit as PNG files ({@code lsq fit --plot DIR}; the service shows the same files), each
 * {@link #WIDTH}×{@link #HEIGHT} pixels:
 *
 * <ul>
 *   <li>{@code fit.png}: the data and the model over the {@link PlotSample} (at most 10⁴ rows). With one variable
 *       the model is a curve over the sample's range; with several, the x axis is the first variable and the model is
 *       shown at each sampled row (the title says so);
 *   <li>{@code residuals.png}: {@code y − f} against the same variable;
 *   <li>{@code residual-histogram.png}: the residuals of the sample in bins;
 *   <li>{@code cost.png}: the cost after each accepted iteration ({@link CostHistory}), one series per phase, on a
 *       log axis when every cost is positive.
 * </ul>
 *
 * Each file is written to a temporary name in {@code dir} and renamed over the target. Rendering needs no display:
 * the JVM runs AWT headless (set here when nobody chose otherwise). The first call takes about 2 s (fonts).
 */
public final class FitPlots {
    /** Image size in pixels. */
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    /** File names, in the order {@link #write} returns them. */
    public static final List<String> FILES = List.of("fit.png", "residuals.png", "residual-histogram.png", "cost.png");
    /** Points of the model curve of a one-variable model. */
    static final int CURVE_POINTS = 400;

    private static final Color DATA = new Color(31, 119, 180, 110);
    private static final Color MODEL = new Color(214, 39, 40);

    private FitPlots() {
    }

    /**
     * Reads the sample of {@code problem}'s data, evaluates the model at {@code result}'s values on it, and writes
     * the four plots into {@code dir} (created if missing; files of the same names are replaced).
     *
     * @param problem the problem that was fitted (its model and data source; the source must be open)
     * @param result the fit's result
     * @param costs the accepted iterations, oldest first ({@link CostHistory#costs()}); may be empty
     * @return the paths written, in the order of {@link #FILES}
     * @throws IOException if the data cannot be read (or has no rows) or a file cannot be written
     */
    public static List<Path> write(FitProblem problem, FitResult result, List<IterationCost> costs, Path dir)
            throws IOException {
        headless();
        PlotSample sample = PlotSample.read(problem, result.values(), result.rows());
        if (sample.rows() == 0) {
            throw new IOException(problem.source().describe() + " gave no rows to plot");
        }
        long rows = result.rows();
        Files.createDirectories(dir);
        List<XYChart> charts = List.of(fitChart(problem, result, sample, rows), residualChart(sample, rows),
                histogramChart(sample, rows), costChart(costs, result));
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < charts.size(); i++) {
            Path p = dir.resolve(FILES.get(i));
            writeAtomically(p, BitmapEncoder.getBitmapBytes(charts.get(i), BitmapEncoder.BitmapFormat.PNG));
            written.add(p);
        }
        return written;
    }

    /**
     * Refuses, before a fit, a plot directory that cannot hold the plots: a path that is a file, or a place where no
     * directory or file can be created (the directory is created if missing).
     *
     * @param option how the user named it ({@code --plot}), for the message
     * @throws io.streamlsq.app.UsageException naming the option, the path and the rule
     */
    public static void checkDirectory(String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new io.streamlsq.app.UsageException(option + " " + dir + " is a file; give a directory (it is created"
                    + " if missing; the plots are " + String.join(", ", FILES) + ")");
        }
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".plot", ".probe"));
        } catch (IOException e) {
            throw new io.streamlsq.app.UsageException(option + " " + dir + ": cannot create the plots there ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** AWT without a display, unless the JVM was told otherwise (a server has no screen). */
    private static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static XYChart fitChart(FitProblem problem, FitResult result, PlotSample s, long rows) {
        List<String> vars = s.variables();
        String var = vars.isEmpty() ? "row" : vars.get(0);
        String title = "Data and model: " + shorten(problem.model().describe(), 45) + " " + sampleNote(s, rows);
        if (vars.size() > 1) {
            title = "Data and model against " + var + ", the first of " + String.join(", ", vars) + " " + sampleNote(s, rows);
        }
        XYChart c = chart(title, axisLabel(problem, 0, var), problem.yColumn());
        double[] x = xValues(s);
        c.addSeries("data (" + problem.yColumn() + ")", x, finiteOrZero(s.y()));
        if (vars.size() == 1 && s.rows() > 0) {
            double[][] grid = new double[1][CURVE_POINTS];
            double lo = min(x);
            double hi = max(x);
            for (int i = 0; i < CURVE_POINTS; i++) {
                grid[0][i] = lo + (hi - lo) * i / (CURVE_POINTS - 1);
            }
            double[] f = PlotSample.evaluate(problem.model(), grid, CURVE_POINTS, result.values());
            XYSeries m = c.addSeries("model", grid[0], finiteOrZero(f));
            m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            m.setMarker(SeriesMarkers.NONE);
            m.setLineColor(MODEL);
        } else {
            XYSeries m = c.addSeries("model at each row", x, finiteOrZero(s.values()));
            m.setMarkerColor(new Color(214, 39, 40, 70)); // translucent: the data must show through
        }
        c.getSeriesMap().values().iterator().next().setMarkerColor(DATA);
        return c;
    }

    static XYChart residualChart(PlotSample s, long rows) {
        String var = s.variables().isEmpty() ? "row" : s.variables().get(0);
        XYChart c = chart("Residuals y - f against " + var + " " + sampleNote(s, rows), var, "y - f");
        double[] x = xValues(s);
        XYSeries r = c.addSeries("residual", x, finiteOrZero(s.residuals()));
        r.setMarkerColor(DATA);
        if (s.rows() > 0) {
            XYSeries zero = c.addSeries("0", new double[] {min(x), max(x)}, new double[] {0, 0});
            zero.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            zero.setMarker(SeriesMarkers.NONE);
            zero.setLineColor(Color.DARK_GRAY);
        }
        return c;
    }

    static XYChart histogramChart(PlotSample s, long rows) {
        double[] r = finiteOnly(s.residuals());
        int bins = Math.max(10, Math.min(60, (int) Math.ceil(2 * Math.cbrt(r.length)))); // Rice's rule, clamped
        double lo = r.length == 0 ? -1 : min(r);
        double hi = r.length == 0 ? 1 : max(r);
        if (hi <= lo) {
            hi = lo + 1;
            lo = lo - 1;
        }
        double[] counts = new double[bins];
        for (double v : r) {
            counts[Math.min(bins - 1, (int) ((v - lo) / (hi - lo) * bins))]++;
        }
        // a step line over the bin edges: (edge k, count k), and the last count again at the upper edge
        double[] ex = new double[bins + 1];
        double[] ey = new double[bins + 1];
        for (int k = 0; k <= bins; k++) {
            ex[k] = lo + (hi - lo) * k / bins;
            ey[k] = counts[Math.min(k, bins - 1)];
        }
        XYChart c = chart("Residual histogram, " + bins + " bins " + sampleNote(s, rows), "y - f", "rows");
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisDecimalPattern(decimalPattern(lo, hi));
        XYSeries h = c.addSeries("rows", ex, ey);
        h.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
        h.setMarker(SeriesMarkers.NONE);
        h.setFillColor(new Color(31, 119, 180, 160));
        h.setLineColor(new Color(31, 119, 180));
        return c;
    }

    static XYChart costChart(List<IterationCost> costs, FitResult result) {
        Map<String, List<double[]>> byPhase = new LinkedHashMap<>();
        for (int i = 0; i < costs.size(); i++) {
            double cost = costs.get(i).cost();
            if (Double.isFinite(cost)) {
                byPhase.computeIfAbsent(costs.get(i).phase(), k -> new ArrayList<>()).add(new double[] {i + 1, cost});
            }
        }
        String title = byPhase.isEmpty() ? "Cost: no accepted iteration recorded (final cost shown)"
                : "Cost per accepted iteration (" + costs.size() + ")" + (byPhase.containsKey("warmup")
                        ? "; warmup: loss on its sample" : "");
        boolean twoScales = byPhase.containsKey("warmup") && byPhase.size() > 1;
        XYChart c = chart(title, "iteration", twoScales ? "cost (all rows)" : "cost");
        if (byPhase.isEmpty()) {
            byPhase.put("final cost", List.of(new double[] {0, Double.isFinite(result.cost()) ? result.cost() : 0}));
        }
        // per axis (0: cost; 1: the warmup's loss): lowest and highest value
        double[][] range = {{Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY},
            {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}};
        for (Map.Entry<String, List<double[]>> e : byPhase.entrySet()) {
            int group = twoScales && e.getKey().equals("warmup") ? 1 : 0;
            double[] xs = new double[e.getValue().size()];
            double[] ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = e.getValue().get(i)[0];
                ys[i] = e.getValue().get(i)[1];
                range[group][0] = Math.min(range[group][0], ys[i]);
                range[group][1] = Math.max(range[group][1], ys[i]);
            }
            XYSeries s = c.addSeries(e.getKey(), xs, ys);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            if (group == 1) {
                // the warmup's loss is of its sample, in its own units: an axis of its own, on the right
                s.setYAxisGroup(1);
                c.setYAxisGroupTitle(1, "warmup loss (its sample)");
                c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
            }
        }
        // a log axis when every axis spans a decade or more of positive costs; else linear, with the digits that differ
        boolean log = true;
        for (int g = 0; g < (twoScales ? 2 : 1); g++) {
            log &= range[g][0] > 0 && range[g][1] >= 10 * range[g][0];
        }
        c.getStyler().setYAxisLogarithmic(log);
        if (!log) {
            // the cost's axis only: XChart 3.8.8 applies one group's pattern to the other axis as well, and the
            // warmup's loss spans a wide range, which its default format shows well
            c.getStyler().setYAxisDecimalPattern(decimalPattern(range[0][0], range[0][1]));
        }
        c.getStyler().setMarkerSize(6);
        return c;
    }

    private static XYChart chart(String title, String xLabel, String yLabel) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        org.knowm.xchart.style.XYStyler st = c.getStyler();
        st.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        st.setMarkerSize(3);
        st.setLegendPosition(Styler.LegendPosition.OutsideS); // never over the data
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setChartTitleFont(st.getChartTitleFont().deriveFont(13f));
        return c;
    }

    /**
     * A number format that tells about 8 ticks over {@code [lo, hi]} apart: decimals down to an eighth of the range
     * (a cost that changed in its 7th digit shows 7 digits), scientific notation for magnitudes below 1e-4 or from 1e6.
     */
    static String decimalPattern(double lo, double hi) {
        double mag = Math.max(Math.abs(lo), Math.abs(hi));
        double step = (hi - lo) / 8;
        if (!(step > 0) || !Double.isFinite(step)) {
            step = mag > 0 ? mag / 8 : 1;
        }
        if (mag >= 1e6 || (mag > 0 && mag < 1e-4)) {
            int sig = (int) Math.max(1, Math.min(12, Math.ceil(Math.log10(mag / step))));
            return "0." + "0".repeat(sig) + "E0";
        }
        int decimals = (int) Math.max(0, Math.min(12, Math.ceil(-Math.log10(step))));
        return decimals == 0 ? "0" : "0." + "0".repeat(decimals);
    }

    private static String axisLabel(FitProblem problem, int v, String var) {
        List<String> cols = problem.columns();
        String col = v < cols.size() - 1 ? cols.get(v) : var;
        return col.equals(var) ? var : var + " (column " + col + ")";
    }

    private static String sampleNote(PlotSample s, long rows) {
        return rows > s.rows() ? String.format(Locale.ROOT, "(%d of %d rows)", s.rows(), rows)
                : String.format(Locale.ROOT, "(%d rows)", s.rows());
    }

    /** The first variable, or the row number in the sample for a model without variables. */
    private static double[] xValues(PlotSample s) {
        if (!s.variables().isEmpty()) {
            return finiteOrZero(s.x(0));
        }
        double[] x = new double[s.rows()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        return x;
    }

    /** XChart refuses NaN in a series; a point without a value is drawn at 0 (rare: the fit had finite values). */
    private static double[] finiteOrZero(double[] a) {
        double[] b = a.clone();
        for (int i = 0; i < b.length; i++) {
            if (!Double.isFinite(b[i])) {
                b[i] = 0;
            }
        }
        return b;
    }

    private static double[] finiteOnly(double[] a) {
        return java.util.Arrays.stream(a).filter(Double::isFinite).toArray();
    }

    private static double min(double[] a) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : a) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    /** Writes {@code bytes} to a temporary file beside {@code target}, forces it, and renames it over the target. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(
                ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
