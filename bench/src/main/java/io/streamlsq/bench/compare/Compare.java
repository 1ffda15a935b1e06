package io.streamlsq.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.arrow.ArrowWriters;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.problems.BuiltinProblem;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * The end-to-end comparison: for each problem and size, the same generated rows fitted by StreamLSQ (in
 * memory and from an Arrow file), Hipparchus and Commons Math (Levenberg-Marquardt, analytic Jacobians,
 * in memory) and scipy ({@code least_squares}, trf) when python3 has it. Every measurement runs in its own
 * process; a tool that fails or runs out of time at a size is not run at the larger sizes. Writes
 * {@code results.csv}, {@code results.md} and log-log PNG plots of time and memory against rows.
 *
 * <pre>bench/compare.sh --rows 1e5,1e6,1e7,1e8</pre>
 */
public final class Compare {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> TOOLS = List.of("streamlsq-memory", "streamlsq-arrow", "hipparchus", "commons-math", "scipy");

    record Result(String problem, long rows, String tool, String status, double seconds, int runs, long iterations,
            double rssMib, double cost, double maxRelError) {
        boolean ok() {
            return status.equals("ok");
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        List<Long> sizes = new ArrayList<>();
        for (String r : opt.getOrDefault("rows", "1e5,1e6,1e7,1e8").split(",")) {
            sizes.add((long) Double.parseDouble(r.trim()));
        }
        List<String> problems = List.of(opt.getOrDefault("problems", "decay,peaks").split(","));
        int reps = Integer.parseInt(opt.getOrDefault("reps", "3"));
        long limit = Long.parseLong(opt.getOrDefault("time-limit", "600"));
        String heap = opt.getOrDefault("heap", "8g");
        Path out = Path.of(opt.getOrDefault("out", "bench/target/compare"));
        Path data = out.resolve("data");
        Files.createDirectories(data);
        boolean scipy = scipyAvailable();
        List<Result> results = new ArrayList<>();
        for (String name : problems) {
            BuiltinProblem p = BuiltinProblem.named(name);
            Map<String, String> failedAt = new LinkedHashMap<>();
            for (long rows : sizes) {
                Path bin = data.resolve(name + "-" + rows + ".bin");
                Path arrow = data.resolve(name + "-" + rows + ".arrow");
                writeData(p, rows, bin, arrow);
                for (String tool : TOOLS) {
                    if (tool.equals("scipy") && !scipy) {
                        results.add(new Result(name, rows, tool, "skipped: python3 has no scipy", Double.NaN, 0, 0,
                                Double.NaN, Double.NaN, Double.NaN));
                        continue;
                    }
                    if (failedAt.containsKey(tool)) {
                        results.add(new Result(name, rows, tool, "not run: " + failedAt.get(tool), Double.NaN, 0, 0,
                                Double.NaN, Double.NaN, Double.NaN));
                        continue;
                    }
                    Result r = measure(p, rows, tool, tool.equals("streamlsq-arrow") ? arrow : bin, reps, limit, heap, out);
                    System.err.printf(Locale.ROOT, "%-6s %10d %-17s %-10s %9.3f s  %8.1f MiB  cost %.10g%n", name, rows,
                            tool, r.status, r.seconds, r.rssMib, r.cost);
                    results.add(r);
                    if (!r.ok()) {
                        failedAt.put(tool, r.status + " at " + rows + " rows");
                    }
                }
                Files.deleteIfExists(bin);
                Files.deleteIfExists(arrow);
            }
        }
        writeCsv(results, out.resolve("results.csv"));
        String md = markdown(results, sizes, problems, opt, limit, heap);
        Files.writeString(out.resolve("results.md"), md);
        for (String name : problems) {
            plot(results, name, true, out.resolve("time-" + name + ".png"));
            plot(results, name, false, out.resolve("memory-" + name + ".png"));
        }
        System.out.println(md);
    }

    static boolean scipyAvailable() {
        try {
            Process pr = new ProcessBuilder("python3", "-c", "import scipy, numpy").redirectErrorStream(true).start();
            return pr.waitFor(60, TimeUnit.SECONDS) && pr.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static void writeData(BuiltinProblem p, long rows, Path bin, Path arrow) throws IOException {
        SyntheticDataSource src = SyntheticDataSource.of(p, rows, 65_536, 1);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(bin), 1 << 20);
                ChunkCursor c = src.open(List.of("x", "y"), 0)) {
            ByteBuffer b = ByteBuffer.allocate(16 * 65_536).order(ByteOrder.LITTLE_ENDIAN);
            for (Chunk ch = c.next(); ch != null; ch = c.next()) {
                b.clear();
                for (int i = 0; i < ch.rows(); i++) {
                    b.putDouble(ch.get(0, i)).putDouble(ch.get(1, i));
                }
                os.write(b.array(), 0, b.position());
            }
        }
        try (BufferAllocator a = new RootAllocator(1L << 30)) {
            ArrowWriters.writeFile(src, List.of("x", "y"), arrow, 65_536, a);
        }
    }

    static Result measure(BuiltinProblem p, long rows, String tool, Path file, int reps, long limit, String heap, Path out)
            throws IOException, InterruptedException {
        List<Double> times = new ArrayList<>();
        JsonNode first = null;
        for (int run = 0; run < reps; run++) {
            List<String> cmd = command(tool, p, file, heap);
            Path err = out.resolve("stderr-" + tool + ".txt");
            Process pr = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            byte[] stdout;
            boolean done = pr.waitFor(limit, TimeUnit.SECONDS);
            if (!done) {
                pr.destroyForcibly().waitFor();
                return failure(p, rows, tool, "timeout (> " + limit + " s)");
            }
            stdout = pr.getInputStream().readAllBytes();
            if (pr.exitValue() != 0) {
                String e = Files.readString(err);
                String why = e.contains("OutOfMemoryError") ? "out of memory (heap cap " + heap + ")"
                        : e.contains("MemoryError") ? "out of memory" : "error: " + lastLine(e);
                return failure(p, rows, tool, why);
            }
            JsonNode j = JSON.readTree(new String(stdout, StandardCharsets.UTF_8).trim());
            if (first == null) {
                first = j;
            }
            times.add(j.get("seconds").asDouble());
            if (j.get("seconds").asDouble() > 60) {
                break; // one run is enough for runs over a minute
            }
        }
        double[] params = new double[first.get("params").size()];
        for (int k = 0; k < params.length; k++) {
            params[k] = first.get("params").get(k).asDouble();
        }
        double[] truth = p.truth();
        double err = 0;
        for (int k = 0; k < truth.length; k++) {
            err = Math.max(err, Math.abs(params[k] - truth[k]) / Math.abs(truth[k]));
        }
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(p.name(), rows, tool, "ok", sorted[sorted.length / 2], sorted.length,
                first.get("iterations").asLong(), first.get("rss_kib").asDouble() / 1024, first.get("cost").asDouble(), err);
    }

    private static Result failure(BuiltinProblem p, long rows, String tool, String why) {
        return new Result(p.name(), rows, tool, why, Double.NaN, 0, 0, Double.NaN, Double.NaN, Double.NaN);
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }

    static List<String> command(String tool, BuiltinProblem p, Path file, String heap) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> jvm = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", cp));
        switch (tool) {
            case "streamlsq-memory" -> {
                jvm.add(1, "-Xmx" + heap);
                jvm.addAll(List.of(StreamLsqPeer.class.getName(), p.name(), "memory", file.toString()));
            }
            case "streamlsq-arrow" -> {
                jvm.add(1, "-Xmx256m");
                jvm.addAll(List.of(StreamLsqPeer.class.getName(), p.name(), "arrow", file.toString()));
            }
            case "hipparchus" -> {
                jvm.add(1, "-Xmx" + heap);
                jvm.addAll(List.of(HipparchusPeer.class.getName(), p.name(), file.toString()));
            }
            case "commons-math" -> {
                jvm.add(1, "-Xmx" + heap);
                jvm.addAll(List.of(CommonsMathPeer.class.getName(), p.name(), file.toString()));
            }
            case "scipy" -> {
                return List.of("python3", scipyScript().toString(), p.name(), file.toString());
            }
            default -> throw new IllegalArgumentException(tool);
        }
        return jvm;
    }

    static Path scipyScript() {
        String repo = System.getProperty("streamlsq.repo", ".");
        return Path.of(repo, "bench", "peers", "scipy_peer.py");
    }

    static void writeCsv(List<Result> results, Path file) throws IOException {
        StringBuilder b = new StringBuilder("problem,rows,tool,status,seconds_median,runs,iterations_or_passes,peak_rss_mib,"
                + "final_cost,max_rel_error_vs_truth\n");
        for (Result r : results) {
            b.append(String.format(Locale.ROOT, "%s,%d,%s,\"%s\",%.6f,%d,%d,%.1f,%.17g,%.3e%n", r.problem, r.rows, r.tool,
                    r.status, r.seconds, r.runs, r.iterations, r.rssMib, r.cost, r.maxRelError));
        }
        Files.writeString(file, b);
    }

    static String markdown(List<Result> results, List<Long> sizes, List<String> problems, Map<String, String> opt,
            long limit, String heap) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Run: %s, Java %s, %d cores, `bench/compare.sh --rows %s` (reps %s, time limit %d s, "
                + "heap cap %s for in-memory JVM tools, 256 MiB for streamlsq-arrow).%n%n", java.time.LocalDate.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                opt.getOrDefault("rows", "1e5,1e6,1e7,1e8"), opt.getOrDefault("reps", "3"), limit, heap));
        for (String name : problems) {
            b.append("### ").append(name).append("\n\n");
            b.append("| rows | tool | status | time (s, median) | runs | iterations / passes | peak RSS (MiB) | final cost | max rel. error vs truth |\n");
            b.append("|---|---|---|---|---|---|---|---|---|\n");
            for (Result r : results) {
                if (!r.problem.equals(name)) {
                    continue;
                }
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %d | %s | %s | %s |%n", rows(r.rows), r.tool,
                        r.status, r.ok() ? String.format(Locale.ROOT, "%.3f", r.seconds) : "", r.runs, r.iterations,
                        r.ok() ? String.format(Locale.ROOT, "%.0f", r.rssMib) : "",
                        r.ok() ? String.format(Locale.ROOT, "%.12g", r.cost) : "",
                        r.ok() ? String.format(Locale.ROOT, "%.2e", r.maxRelError) : ""));
            }
            b.append('\n');
        }
        b.append(targets(results, sizes, problems));
        return b.toString();
    }

    static String rows(long n) {
        int e = (int) Math.round(Math.log10(n));
        return Math.pow(10, e) == n ? "10^" + e : Long.toString(n);
    }

    /** The targets, each stated as met or missed with the figure. */
    static String targets(List<Result> results, List<Long> sizes, List<String> problems) {
        StringBuilder b = new StringBuilder("Targets:\n\n");
        for (String name : problems) {
            Result ours = find(results, name, 10_000_000L, "streamlsq-memory");
            for (String peer : List.of("hipparchus", "commons-math")) {
                Result theirs = find(results, name, 10_000_000L, peer);
                if (ours == null || !ours.ok()) {
                    continue;
                }
                if (theirs == null || !theirs.ok()) {
                    b.append(String.format(Locale.ROOT, "- %s, 10^7 rows, vs %s: %s (%s did not finish)%n", name, peer,
                            theirs == null ? "not measured" : "met", theirs == null ? peer + " was not run" : theirs.status));
                } else {
                    double ratio = theirs.seconds / ours.seconds;
                    b.append(String.format(Locale.ROOT, "- %s, 10^7 rows, ≥ 10× faster than %s: %s (%.1f×: %.2f s vs %.2f s)%n",
                            name, peer, ratio >= 10 ? "met" : "missed", ratio, ours.seconds, theirs.seconds));
                }
            }
            double lo = Double.POSITIVE_INFINITY;
            double hi = 0;
            for (Result r : results) {
                if (r.problem.equals(name) && r.tool.equals("streamlsq-arrow") && r.ok()) {
                    lo = Math.min(lo, r.rssMib);
                    hi = Math.max(hi, r.rssMib);
                }
            }
            if (hi > 0) {
                b.append(String.format(Locale.ROOT, "- %s, peak memory of streamlsq-arrow flat over the sizes: %s (%.0f to %.0f MiB)%n",
                        name, hi <= 1.5 * lo ? "met" : "missed", lo, hi));
            }
            for (long rows : sizes) {
                double best = Double.POSITIVE_INFINITY;
                for (String peer : List.of("hipparchus", "commons-math", "scipy")) {
                    Result r = find(results, name, rows, peer);
                    if (r != null && r.ok()) {
                        best = Math.min(best, r.cost);
                    }
                }
                double mine = Double.POSITIVE_INFINITY;
                for (String t : List.of("streamlsq-memory", "streamlsq-arrow")) {
                    Result r = find(results, name, rows, t);
                    if (r != null && r.ok()) {
                        mine = Math.min(mine, r.cost);
                    }
                }
                if (Double.isFinite(best) && Double.isFinite(mine)) {
                    b.append(String.format(Locale.ROOT, "- %s, %s rows, final cost ≤ best peer × (1 + 1e-9): %s (%.12g vs %.12g)%n",
                            name, rows(rows), mine <= best * (1 + 1e-9) ? "met" : "missed", mine, best));
                }
            }
        }
        return b.toString();
    }

    static Result find(List<Result> results, String problem, long rows, String tool) {
        for (Result r : results) {
            if (r.problem.equals(problem) && r.rows == rows && r.tool.equals(tool)) {
                return r;
            }
        }
        return null;
    }

    static void plot(List<Result> results, String problem, boolean time, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(520)
                .title(problem + ": " + (time ? "wall time" : "peak memory") + " against rows")
                .xAxisTitle("rows").yAxisTitle(time ? "seconds" : "peak RSS (MiB)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        for (String tool : TOOLS) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Result r : results) {
                if (r.problem.equals(problem) && r.tool.equals(tool) && r.ok()) {
                    xs.add((double) r.rows);
                    ys.add(Math.max(time ? r.seconds : r.rssMib, 1e-3));
                }
            }
            if (!xs.isEmpty()) {
                chart.addSeries(tool, xs, ys);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: Compare [--rows 1e5,1e6] [--problems decay,peaks] [--reps 3] "
                        + "[--time-limit 600] [--heap 8g] [--out DIR]; got " + Arrays.toString(args));
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}
