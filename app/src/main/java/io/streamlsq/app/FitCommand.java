package io.streamlsq.app;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.expr.ExpressionModel;
import io.streamlsq.hdf5.Hdf5DataSource;
import io.streamlsq.loss.Loss;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.WarmupOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.scale.ScalingStrategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lsq fit}: fits a model expression to a data file (DESIGN.md §5.1). */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fit a model expression to data. The report goes to stdout, progress to stderr.%n",
            "Names in --p0 are parameters; the model's other names are data variables, read from the columns of the"
                + " same name unless --x binds them.%n",
            "Exit codes: 0 converged, 2 bad usage or bad input, 3 stopped by --max-passes or --max-time, 1 failed"
                + " (numerical failure, full disk), 130 interrupted by SIGINT/SIGTERM."},
        footer = {"", "Examples:",
            "  lsq fit --data decay.csv --model \"a*exp(-b*x)+c\" --p0 a=1,b=0.5,c=0",
            "  lsq fit --data runs.parquet --model \"A*exp(-k*t)\" --x t=time \\",
            "      --y counts --sigma err --p0 A=100,k=0.1 --bounds k=0: \\",
            "      --loss soft_l1 --out result.json",
            "  lsq fit --data big.arrow --model \"a*exp(-b*x)+c\" --p0 a=1,b=0.5,c=0 \\",
            "      --checkpoint-dir ck --out result.json   # if killed: lsq resume ck",
            "  lsq fit --config fit.yaml --threads 2",
            "  lsq fit --data big.parquet --model \"a*exp(-b*x)+c\" --p0 a=1,b=0.5,c=0 \\",
            "      --engine spark --spark-master local[4]   # docs/spark.md"})
final class FitCommand implements Callable<Integer> {
    static final Set<String> SETTINGS = Set.of("data", "model", "x", "y", "sigma", "p0", "bounds", "fix", "loss",
            "f-scale", "ftol", "xtol", "gtol", "chunk-rows", "threads", "max-passes", "max-time", "scaling",
            "absolute-sigma", "out", "quiet", "skip-invalid", "memory", "warmup", "warmup-sample-rows", "warmup-max-weight",
            "warmup-method", "metrics-file", "checkpoint-dir", "checkpoint-every", "checkpoint-chunks", "checkpoint-keep",
            "schedule", "solver", "no-presolve", "engine", "spark-master", "spark-partitions", "global", "global-budget",
            "global-sample-rows", "global-keep", "global-trial-passes", "seed", "search", "ties", "penalties", "group-by", "p0-table", "checkpoint-groups", "curvature", "smoothness", "plot");
    /** Settings of where a fit runs, not of the fit: not stored for lsq resume (a checkpoint resumes on either engine). */
    static final Set<String> ENGINE_SETTINGS = Set.of("engine", "spark-master", "spark-partitions");

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML or JSON file with the same names as the options; options given here override it.")
    Path config;

    @Option(names = "--data", paramLabel = "FILE", description = "Data file: .csv (with a header), .arrow/.feather/.ipc (Arrow IPC file), .arrows (Arrow IPC stream), "
                    + ".parquet, .h5/.hdf5; or synthetic:PROBLEM[:ROWS[:SEED]] (docs/data.md).")
    String data;

    @Option(names = "--model", paramLabel = "EXPR", description = "Model expression, e.g. \"a*exp(-b*x)+c\" (docs/model-language.md).")
    String model;

    @Option(names = "--x", paramLabel = "COL[,COL...]",
            description = "Columns for the model's variables, in their order of first use, or name=COL pairs.")
    String x;

    @Option(names = "--y", paramLabel = "COL", description = "Response column (default: y).")
    String y;

    @Option(names = "--sigma", paramLabel = "COL", description = "Column of per-row standard deviations; weights 1/sigma^2.")
    String sigma;

    @Option(names = "--p0", paramLabel = "name=value,...", description = "Parameters and their starting values.")
    String p0;

    @Option(names = "--bounds", paramLabel = "name=lo:hi,...", description = "Bounds; an empty side is unbounded (b=0: means b >= 0).")
    String bounds;

    @Option(names = "--fix", paramLabel = "name,...", description = "Parameters held at their starting values.")
    String fix;

    @Option(names = "--tie", paramLabel = "NAME=EXPR", description = "A tied parameter: NAME is EXPR, an expression of"
            + " parameters (not of data), substituted into the model (exact derivatives; NAME is not free). Repeatable;"
            + " config: ties: {m2: \"m1 + 1.2\"}. --out gives its value and delta-method standard error.")
    List<String> tie;

    @Option(names = "--penalty", paramLabel = "EXPR", description = "An extra residual row, an expression of parameters"
            + " (not of data): --penalty \"(b-1.3)/0.1\" is a Gaussian prior b = 1.3 +/- 0.1. Added once per pass, outside"
            + " the loss; counts as a row. Repeatable; config: penalties: [...].")
    List<String> penalty;

    @Option(names = "--loss", paramLabel = "NAME", description = "linear (default), soft_l1, huber, cauchy, arctan or log_cosh"
            + " (cost = sum of log cosh r).")
    String loss;

    @Option(names = "--f-scale", paramLabel = "C", description = "Soft threshold of a robust loss (default 1).")
    Double fScale;

    @Option(names = "--curvature", paramLabel = "GAMMA", description = "Adds GAMMA * sum (D2 r)^2 to the cost: sheap's"
            + " curvature term on the unweighted residual series r = f - y in row order (D2 = numpy.gradient twice).")
    Double curvature;

    @Option(names = "--smoothness", paramLabel = "DELTA", description = "Adds DELTA * sum (D1 r)^2 to the cost: sheap's"
            + " smoothness term (D1 = numpy.gradient of the unweighted residual series, unit spacing).")
    Double smoothness;

    @Option(names = "--ftol", description = "Relative cost-reduction tolerance (default 1e-13).")
    Double ftol;

    @Option(names = "--xtol", description = "Relative parameter-change tolerance (default 1e-12).")
    Double xtol;

    @Option(names = "--gtol", description = "Gradient tolerance (default 1e-12).")
    Double gtol;

    @Option(names = "--chunk-rows", paramLabel = "N", description = "Rows per chunk (default 65536, at most 4194304; 1e5 works).")
    String chunkRows;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--max-passes", paramLabel = "N", description = "Passes over the data the fit may spend (default 500).")
    String maxPasses;

    @Option(names = "--max-time", paramLabel = "DURATION", description = "Wall time limit, e.g. 90s, 20m, 2h.")
    String maxTime;

    @Option(names = "--scaling", paramLabel = "NAME", description = "Parameter scaling: auto (default), p0, bounds or none.")
    String scaling;

    @Option(names = "--absolute-sigma", description = "Sigma is absolute: do not scale the covariance by the reduced chi-square.")
    boolean absoluteSigma;

    @Option(names = "--warmup", description = "Run the warmup (L-BFGS, or --warmup-method adam) on a sample before Gauss-Newton (docs/algorithm.md).")
    boolean warmup;

    @Option(names = "--warmup-sample-rows", paramLabel = "N", description = "Rows of the warmup's sample (default 1e6), or 'full' for all rows (each warmup evaluation is then a full pass).")
    String warmupSampleRows;

    @Option(names = "--warmup-method", paramLabel = "M", description = "The warmup's optimizer: lbfgs (default) or adam.")
    String warmupMethod;

    @Option(names = "--warmup-max-weight", paramLabel = "ALPHA", description = "sheap's max-residual term: the warmup"
            + " minimizes mean rho_i + ALPHA * max rho_i on its sample (default 0: off). Warmup only; needs --warmup and a"
            + " sampled warmup; not with --engine spark.")
    Double warmupMaxWeight;

    @Option(names = "--no-presolve", description = "Start the full-data Gauss-Newton passes from the start point, not from "
            + "fits of growing samples (the presolve runs by default on data of 16 chunks or more; docs/algorithm.md).")
    boolean noPresolve;

    @Option(names = "--solver", paramLabel = "S", description = "How steps and the covariance are solved: auto (default: the "
            + "normal equations JᵀJ while they keep 8 digits, QR of J from the first ill-conditioned point on), normal, qr "
            + "(docs/accuracy.md#conditioning).")
    String solver;

    @Option(names = "--global", paramLabel = "METHOD", description = "Search for the global minimum before the fit "
            + "(docs/global-search.md): sobol, halton, lhs, random, de, de-best, cmaes, bobyqa, nelder-mead, powell, portfolio"
            + " or bo. Every free parameter needs finite --bounds or a --search range.")
    String global;

    @Option(names = "--global-budget", paramLabel = "N", description = "Trials of the global search (default 200).")
    String globalBudget;

    @Option(names = "--global-sample-rows", paramLabel = "N", description = "Rows of the sample every trial is fitted on "
            + "(default 1e5).")
    String globalSampleRows;

    @Option(names = "--global-keep", paramLabel = "K", description = "Finalists fitted on the full data (default 3).")
    String globalKeep;

    @Option(names = "--global-trial-passes", paramLabel = "N", description = "Sample passes a trial's local fit may "
            + "spend (default 30).")
    String globalTrialPasses;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the global search (default 0).")
    String seed;

    @Option(names = "--search", paramLabel = "name=lo:hi[:log]", description = "A search range tighter than the bounds "
            + "(:log searches log(value)); repeatable or comma-separated.")
    List<String> search;

    @Option(names = "--skip-invalid", description = "Skip (and count) rows with a null, NaN or infinite value in a used column, "
            + "instead of refusing the file.")
    boolean skipInvalid;

    @Option(names = "--memory", paramLabel = "MIB", description = "Off-heap memory for Arrow and Parquet buffers, MiB (default 512).")
    String memory;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Write crash-safe checkpoints here (docs/checkpoint-format.md); continue a killed fit with lsq resume DIR.")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", paramLabel = "DURATION", description = "Checkpoint interval (default 60s).")
    String checkpointEvery;

    @Option(names = "--checkpoint-chunks", paramLabel = "N",
            description = "Also checkpoint every N chunks inside a pass (default 0: by time only).")
    Integer checkpointChunks;

    @Option(names = "--checkpoint-keep", paramLabel = "N", description = "Checkpoint files kept (default 2).")
    Integer checkpointKeep;

    @Option(names = "--engine", paramLabel = "E", description = "Where the passes run: local (default: this JVM's threads) or"
            + " spark (each pass a Spark job; Parquet data only; docs/spark.md).")
    String engine;

    @Option(names = "--spark-master", paramLabel = "URL", description = "With --engine spark: the Spark master, e.g. local[2],"
            + " spark://host:7077 (default: spark-submit's, else local[*]).")
    String sparkMaster;

    @Option(names = "--spark-partitions", paramLabel = "N", description = "With --engine spark: partitions (tasks) per pass"
            + " (default 0: Spark's default parallelism; about one per executor core).")
    Integer sparkPartitions;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the result JSON (docs/result-json.md) here.")
    Path out;

    @Option(names = "--metrics-file", paramLabel = "FILE",
            description = "Write the run's metrics (passes, rows, timers, guards, cost) as Prometheus text here.")
    Path metricsFile;

    @Option(names = "--plot", paramLabel = "DIR", description = "Write PNG plots here: data and model, residuals, residual"
            + " histogram (over at most 1e4 sampled rows), cost per iteration (docs/plots-and-predict.md).")
    Path plot;

    @Option(names = "--group-by", paramLabel = "COL", description = "One independent fit per group of consecutive rows"
            + " with the same value in COL; --out is then a results table (.csv, .arrow, .parquet; docs/grouped-fits.md).")
    String groupBy;

    @Option(names = "--p0-table", paramLabel = "FILE", description = "With --group-by: starts per group (a column per"
            + " parameter) and optionally bounds (NAME_lo, NAME_hi), keyed by the group column.")
    String p0Table;

    @Option(names = "--checkpoint-groups", paramLabel = "N", description = "With --group-by and --checkpoint-dir: a"
            + " checkpoint at least every N groups besides --checkpoint-every (default: by time only).")
    String checkpointGroups;

    @Option(names = "--quiet", description = "No progress bar and no warnings on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Settings file = config == null ? Settings.none() : Settings.read(config, SETTINGS);
        return execute(file.overriddenBy(cliValues()), null, Cli.out(spec), Cli.err(spec));
    }

    /** The options given on the command line, by setting name (absent when not given). */
    private Map<String, Object> cliValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data);
        m.put("model", model);
        m.put("x", x);
        m.put("y", y);
        m.put("sigma", sigma);
        m.put("p0", p0);
        m.put("bounds", bounds);
        m.put("fix", fix);
        m.put("ties", TieSpecs.fromOptions(tie));
        m.put("penalties", penalty == null || penalty.isEmpty() ? null : List.copyOf(penalty));
        m.put("loss", loss);
        m.put("f-scale", fScale);
        m.put("curvature", curvature);
        m.put("smoothness", smoothness);
        m.put("ftol", ftol);
        m.put("xtol", xtol);
        m.put("gtol", gtol);
        m.put("chunk-rows", chunkRows);
        m.put("threads", threads);
        m.put("max-passes", maxPasses);
        m.put("max-time", maxTime);
        m.put("scaling", scaling);
        m.put("absolute-sigma", absoluteSigma ? true : null);
        m.put("warmup", warmup ? true : null);
        m.put("warmup-sample-rows", warmupSampleRows);
        m.put("warmup-method", warmupMethod);
        m.put("warmup-max-weight", warmupMaxWeight);
        m.put("solver", solver);
        m.put("no-presolve", noPresolve ? true : null);
        m.put("global", global);
        m.put("global-budget", globalBudget);
        m.put("global-sample-rows", globalSampleRows);
        m.put("global-keep", globalKeep);
        m.put("global-trial-passes", globalTrialPasses);
        m.put("seed", seed);
        m.put("search", search == null ? null : String.join(",", search));
        m.put("skip-invalid", skipInvalid ? true : null);
        m.put("memory", memory);
        m.put("checkpoint-dir", checkpointDir == null ? null : checkpointDir.toString());
        m.put("checkpoint-every", checkpointEvery);
        m.put("checkpoint-chunks", checkpointChunks);
        m.put("checkpoint-keep", checkpointKeep);
        m.put("out", out == null ? null : out.toString());
        m.put("metrics-file", metricsFile == null ? null : metricsFile.toString());
        m.put("plot", plot == null ? null : plot.toString());
        m.put("quiet", quiet ? true : null);
        m.put("group-by", groupBy);
        m.put("p0-table", p0Table);
        m.put("checkpoint-groups", checkpointGroups);
        m.put("engine", engine);
        m.put("spark-master", sparkMaster);
        m.put("spark-partitions", sparkPartitions);
        m.values().removeIf(java.util.Objects::isNull);
        return m;
    }

    /**
     * Runs a fit from its effective settings; with {@code resumeDir}, continues the checkpoint there.
     * {@code lsq resume} comes here with the settings the checkpoint stored.
     */
    static int execute(Settings s, Path resumeDir, java.io.PrintStream stdout, java.io.PrintStream stderr) throws Exception {
        return execute(s, resumeDir, null, stdout, stderr);
    }

    /** {@code host} null: a command run (SIGINT/SIGTERM handled); else a run inside a host (FitJobs, the service). */
    static int execute(Settings s, Path resumeDir, StopOnSignal host, java.io.PrintStream stdout,
            java.io.PrintStream stderr) throws Exception {
        String dataSpec = require(s.text("data", null), "--data");
        String text = require(s.text("model", null), "--model");
        Map<String, Double> start = Specs.values("--p0", s.text("p0", null));
        if (start.isEmpty()) {
            throw new UsageException("--p0 is required: give every parameter a starting value, e.g. --p0 a=1,b=0.5");
        }
        boolean spark = sparkEngine(s);
        if (spark && !DataSpecs.sparkDataset(dataSpec)) {
            DataSpecs.checkSpark(dataSpec); // before anything is opened or started
        }
        checkOutputs(s, dataSpec, resumeDir);
        int chunk = (int) count(s, "chunk-rows", 65_536, 1, MAX_CHUNK_ROWS,
                " (a chunk's buffers hold rows x parameters doubles)");
        InvalidRows policy = s.flag("skip-invalid", false) ? InvalidRows.SKIP : InvalidRows.REFUSE;
        long memoryBytes = count(s, "memory", 512, 1, 1L << 30, " MiB") << 20;
        StopOnSignal signals = host != null ? host : StopOnSignal.install(stderr);
        if (s.text("checkpoint-dir", null) != null || resumeDir != null) {
            signals.beforeFit("the fit had not started, so no checkpoint was written"
                    + (resumeDir != null ? " (the checkpoints in " + resumeDir + " are as they were)" : ""));
        }
        try (LazyAllocator allocator = new LazyAllocator(memoryBytes)) {
            return fit(s, dataSpec, text, start, chunk, policy, allocator, resumeDir, spark, signals, stdout, stderr);
        } finally {
            signals.uninstall();
        }
    }

    private static int fit(Settings s, String dataSpec, String text, Map<String, Double> start, int chunk,
            InvalidRows policy, LazyAllocator allocator, Path resumeDir, boolean spark, StopOnSignal signals,
            java.io.PrintStream stdout, java.io.PrintStream stderr) throws Exception {
        Map<String, String> tieDefinitions = TieSpecs.parse(s.raw("ties"));
        List<String> penalties = PenaltySpecs.parse(s.raw("penalties"));
        if (!penalties.isEmpty() && s.raw("global") != null) {
            throw new UsageException("--penalty with --global: the global search's trials do not see penalties yet;"
                    + " run the search without them, then fit with --penalty from its result");
        }
        Map<String, double[]> bnd = Specs.bounds(s.text("bounds", null));
        java.util.Set<String> fixedNames = Specs.names(s.text("fix", null));
        TieSpecs.refuseOtherSettings(tieDefinitions.keySet(), start.keySet(), fixedNames, bnd.keySet());
        // the model's names, then those only the ties use (a parameter may appear in a tie only)
        java.util.Set<String> used = new java.util.LinkedHashSet<>(ExpressionCompiler.names(text));
        for (Map.Entry<String, String> t : tieDefinitions.entrySet()) {
            for (String n : io.streamlsq.expr.Ties.uses(t.getKey(), t.getValue())) {
                if (start.containsKey(n)) {
                    used.add(n);
                }
            }
        }
        for (int i = 0; i < penalties.size(); i++) {
            for (String n : ExpressionCompiler.names("penalty " + (i + 1) + " (" + penalties.get(i) + ")", penalties.get(i))) {
                if (start.containsKey(n)) {
                    used.add(n);
                }
            }
        }
        List<String> names = new ArrayList<>(used);
        List<String> params = new ArrayList<>();
        List<String> vars = new ArrayList<>();
        for (String n : names) {
            if (!tieDefinitions.containsKey(n)) {
                (start.containsKey(n) ? params : vars).add(n);
            }
        }
        io.streamlsq.expr.Ties ties = io.streamlsq.expr.Ties.resolve(tieDefinitions, params, vars);
        for (String n : start.keySet()) {
            if (ExpressionCompiler.isReserved(n)) {
                throw new UsageException("--p0 names '" + n + "', which is reserved in the model language (a function"
                        + " or the constant pi or e): give the parameter another name");
            }
            if (!names.contains(n)) {
                throw new UsageException("--p0 names '" + n + "', which the model does not use (its names: "
                        + String.join(", ", names) + ")");
            }
        }
        boolean hdf5 = !dataSpec.startsWith("synthetic:") && !(spark && DataSpecs.sparkDataset(dataSpec))
                && DataSpecs.format(dataSpec, "--data").equals("h5");
        String xSpec = s.text("x", null);
        String ySpec = orDefault(s.text("y", null), "y");
        String sig = s.text("sigma", null);
        if (hdf5) {
            xSpec = xSpec == null ? null : hdf5Paths(xSpec);
            ySpec = Hdf5DataSource.normalize(ySpec);
            sig = sig == null ? null : Hdf5DataSource.normalize(sig);
        }
        List<String> datasets = new ArrayList<>(wantedColumns(xSpec, vars, hdf5));
        datasets.add(ySpec);
        if (sig != null) {
            datasets.add(sig);
        }
        String groupBy = GroupedRunner.keyColumn(s, hdf5);
        if (groupBy != null) {
            datasets.add(groupBy);
        }
        DataSource opened = DataSpecs.open(dataSpec, chunk, allocator, policy, datasets, spark,
                spark ? s.text("spark-master", null) : null);
        // --skip-invalid also leaves out rows whose sigma gives no finite weight (sigma <= 0), before every term; on
        // Spark's executors such a row is refused as without the option (docs/data.md)
        DataSource source = sig != null && policy == InvalidRows.SKIP && !spark
                ? io.streamlsq.data.SigmaMask.of(opened, sig) : opened;
        Map<String, String> columns = bindColumns(xSpec, vars, source);
        ExpressionModel m = ExpressionCompiler.compile(text, params, vars, ties, penalties);
        FitProblem.Builder b = FitProblem.builder(m, source).y(ySpec);
        columns.forEach(b::bind);
        if (sig != null) {
            b.sigma(sig);
        }
        start.forEach(b::initial);
        for (Map.Entry<String, double[]> e : bnd.entrySet()) {
            if (!params.contains(e.getKey())) {
                throw new UsageException("--bounds names '" + e.getKey() + "', which is not a parameter (parameters from --p0: "
                        + String.join(", ", params) + ")");
            }
            b.bounds(e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
        for (String f : fixedNames) {
            if (!params.contains(f)) {
                throw new UsageException("--fix names '" + f + "', which is not a parameter (parameters from --p0: "
                        + String.join(", ", params) + ")");
            }
            b.fix(f);
        }
        b.loss(Loss.parse(orDefault(s.text("loss", null), "linear"), orDefault(s.number("f-scale", null), 1.0)));
        double gamma = orDefault(s.number("curvature", null), 0.0);
        double delta = orDefault(s.number("smoothness", null), 0.0);
        if ((gamma != 0 || delta != 0) && s.raw("global") != null) {
            throw new UsageException("--curvature/--smoothness with --global: the global search's trials do not see the"
                    + " series terms yet; run the search without them, then fit with them from its result");
        }
        b.seriesTerms(gamma, delta);
        FitProblem problem = b.build();
        FitOptions options = options(s);
        if (groupBy != null) {
            return GroupedRunner.run(s, problem, options, groupBy, dataSpec, allocator, signals, resumeDir, stdout, stderr);
        }
        int nThreads = orDefault(s.integer("threads", null), FitRunner.defaultThreads());
        if (nThreads < 1) {
            throw new UsageException("--threads = " + nThreads + " must be >= 1");
        }
        String outText = s.text("out", null);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("model", text);
        if (gamma != 0 || delta != 0) {
            Map<String, Object> terms = new LinkedHashMap<>();
            terms.put("curvature", gamma);
            terms.put("smoothness", delta);
            extra.put("series_terms", terms); // result JSON; the report prints them (FitRunner)
        }
        extra.put("data", dataSpec);
        extra.put("engine", spark ? "spark" : "local");
        extra.put("columns", io.streamlsq.app.predict.FitColumns.json(columns, ySpec, sig)); // for lsq predict
        if (!ties.isEmpty()) {
            extra.put("tied", ties); // ResultJson writes the values and delta-method errors at the result
        }
        String metricsText = s.text("metrics-file", null);
        if (s.raw("schedule") != null && options.global() != null) {
            throw new UsageException("--global cannot be combined with a schedule: run the global search as a fit of its own,"
                    + " then start the schedule from its result");
        }
        List<io.streamlsq.phase.PhaseSchedule.PhaseSpec> schedule = ScheduleSpecs.parse(s.raw("schedule"), options);
        FitRunner.Checkpoints checkpoints = checkpoints(s, resumeDir, options);
        try {
            return FitRunner.run(problem, options, schedule, nThreads, s.flag("quiet", false),
                    outText == null ? null : Path.of(outText), metricsText == null ? null : Path.of(metricsText),
                    s.text("plot", null) == null ? null : Path.of(s.text("plot", null)), extra, checkpoints, spark, s.text("spark-master", null), orDefault(s.integer("spark-partitions", null), 0),
                    signals, stdout, stderr);
        } finally {
            if (checkpoints != null) {
                checkpoints.store().close(); // releases the directory's lock
            }
        }
    }

    /** {@code --engine}: false for local (the default), true for spark; checks the --spark-* settings. */
    static boolean sparkEngine(Settings s) {
        String e = orDefault(s.text("engine", null), "local").trim().toLowerCase(Locale.ROOT);
        String master = s.text("spark-master", null);
        Integer partitions = s.integer("spark-partitions", null);
        switch (e) {
            case "local":
                if (master != null || partitions != null) {
                    throw new UsageException((master != null ? "--spark-master" : "--spark-partitions")
                            + " needs --engine spark");
                }
                return false;
            case "spark":
                if (partitions != null && partitions < 0) {
                    throw new UsageException("--spark-partitions = " + partitions
                            + " must be >= 0 (0: Spark's default parallelism)");
                }
                if (master != null && master.isBlank()) {
                    throw new UsageException("--spark-master is empty; give a master URL such as local[2] or spark://host:7077");
                }
                return true;
            default:
                throw new UsageException("--engine '" + s.text("engine", null) + "' is not one of local, spark");
        }
    }

    /** Checkpoint settings, or null without --checkpoint-dir (and when not resuming). */
    private static FitRunner.Checkpoints checkpoints(Settings s, Path resumeDir, FitOptions options) throws java.io.IOException {
        String dir = resumeDir != null ? resumeDir.toString() : s.text("checkpoint-dir", null);
        if (dir == null) {
            return null;
        }
        Duration every = s.text("checkpoint-every", null) == null ? Duration.ofSeconds(60)
                : duration("--checkpoint-every", s.text("checkpoint-every", null));
        if (every.isZero() || every.isNegative()) {
            throw new UsageException("--checkpoint-every = " + s.text("checkpoint-every", null) + " must be > 0");
        }
        int chunks = orDefault(s.integer("checkpoint-chunks", null), 0);
        if (chunks < 0) {
            throw new UsageException("--checkpoint-chunks = " + chunks + " must be >= 0 (0: by time only)");
        }
        int keep = orDefault(s.integer("checkpoint-keep", null), io.streamlsq.checkpoint.Hdf5CheckpointStore.DEFAULT_KEEP);
        if (keep < 1) {
            throw new UsageException("--checkpoint-keep = " + keep + " must be >= 1");
        }
        Path d = Path.of(dir).toAbsolutePath();
        io.streamlsq.checkpoint.Hdf5CheckpointStore store = resumeDir != null
                ? io.streamlsq.checkpoint.Hdf5CheckpointStore.existing(d)
                : io.streamlsq.checkpoint.Hdf5CheckpointStore.open(d, keep);
        if (resumeDir == null && !store.files().isEmpty()) {
            store.close();
            throw new UsageException("--checkpoint-dir " + d + " already holds checkpoints (" + store.files().get(
                    store.files().size() - 1).getFileName() + "); continue that fit with: lsq resume " + d
                    + ", or give an empty or new directory");
        }
        Map<String, Object> invocation = s.values();
        invocation.keySet().removeAll(ENGINE_SETTINGS);
        invocation.put("checkpoint-dir", d.toString());
        for (String k : List.of("data", "out", "metrics-file", "plot")) {
            // a resume may run from another directory
            if (invocation.get(k) instanceof String v && !v.startsWith("synthetic:")) {
                invocation.put(k, Path.of(v).toAbsolutePath().toString());
            }
        }
        return new FitRunner.Checkpoints(store, new io.streamlsq.resume.CheckpointPolicy(every, chunks, true),
                ResultJson.toJson(invocation), ResultJson.toJson(optionsMap(options)), resumeDir != null);
    }

    /** The fit options as a JSON-ready map (for /problem/options). */
    private static Map<String, Object> optionsMap(FitOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scaling", o.scaling().name().toLowerCase(Locale.ROOT));
        m.put("ftol", o.ftol());
        m.put("xtol", o.xtol());
        m.put("gtol", o.gtol());
        m.put("max_passes", o.maxPasses());
        m.put("max_time_seconds", o.maxTime() == null ? null : o.maxTime().toMillis() / 1000.0);
        m.put("absolute_sigma", o.absoluteSigma());
        m.put("warmup", o.warmup().enabled());
        m.put("warmup_method", o.warmup().method().name().toLowerCase(Locale.ROOT));
        m.put("warmup_sample_rows", o.warmup().sampleRows());
        m.put("solver", o.solver().name().toLowerCase(Locale.ROOT));
        m.put("presolve", o.presolve());
        if (o.global() != null) {
            m.put("global", o.global().toString());
        }
        m.put("text", o.toString());
        return m;
    }

    private static FitOptions options(Settings s) {
        FitOptions.Builder o = FitOptions.builder();
        Double v;
        if ((v = s.number("ftol", null)) != null) {
            o.ftol(v);
        }
        if ((v = s.number("xtol", null)) != null) {
            o.xtol(v);
        }
        if ((v = s.number("gtol", null)) != null) {
            o.gtol(v);
        }
        if (s.text("max-passes", null) != null) {
            o.maxPasses((int) count(s, "max-passes", 500, 1, Integer.MAX_VALUE, ""));
        }
        String t = s.text("max-time", null);
        if (t != null) {
            Duration d = duration(t);
            if (d.isZero() || d.isNegative()) {
                throw new UsageException("--max-time = " + t + " must be > 0");
            }
            o.maxTime(d);
        }
        String sc = s.text("scaling", null);
        if (sc != null) {
            try {
                o.scaling(ScalingStrategy.valueOf(sc.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--scaling '" + sc + "' is not one of auto, p0, bounds, none");
            }
        }
        o.absoluteSigma(s.flag("absolute-sigma", false));
        WarmupOptions w = WarmupOptions.defaults().withEnabled(s.flag("warmup", false));
        String sample = s.text("warmup-sample-rows", null);
        if (sample != null) {
            w = sample.trim().equalsIgnoreCase("full") ? w.withFullData()
                    : w.withSampleRows(Math.max(1, Cli.parseCount("--warmup-sample-rows", sample)));
        }
        String method = s.text("warmup-method", null);
        if (method != null) {
            try {
                w = w.withMethod(WarmupOptions.Method.valueOf(method.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--warmup-method '" + method + "' is not one of lbfgs, adam");
            }
        }
        Double maxWeight = s.number("warmup-max-weight", null);
        if (maxWeight != null && maxWeight != 0) {
            if (!w.enabled()) {
                throw new UsageException("--warmup-max-weight " + maxWeight + " needs --warmup: the term is the warmup's");
            }
            if ("spark".equals(s.text("engine", null))) {
                throw new UsageException("--warmup-max-weight with --engine spark: Spark's chunk results do not carry"
                        + " the largest row yet; run the warmup's max-residual term on the local engine");
            }
            w = w.withMaxWeight(maxWeight);
        }
        o.warmup(w);
        o.presolve(!s.flag("no-presolve", false));
        String solver = s.text("solver", null);
        if (solver != null) {
            try {
                o.solver(io.streamlsq.options.Solver.valueOf(solver.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--solver '" + solver + "' is not one of auto, normal, qr");
            }
        }
        o.global(GlobalSpecs.parse(s));
        return o.build();
    }

    /** HDF5 dataset paths with a leading slash, inside an --x spec. */
    private static String hdf5Paths(String spec) {
        List<String> items = new ArrayList<>();
        for (String item : spec.split(",")) {
            String[] kv = item.split("=", 2);
            items.add(kv.length == 2 ? kv[0].trim() + "=" + Hdf5DataSource.normalize(kv[1].trim())
                    : Hdf5DataSource.normalize(item.trim()));
        }
        return String.join(",", items);
    }

    /** The columns --x names for the variables (for HDF5, variables without a binding read /NAME). */
    private static List<String> wantedColumns(String spec, List<String> vars, boolean hdf5) {
        Map<String, String> m = new LinkedHashMap<>();
        if (spec != null && !spec.isBlank()) {
            String[] items = spec.split(",");
            for (int i = 0; i < items.length; i++) {
                String[] kv = items[i].split("=", 2);
                if (kv.length == 2) {
                    m.put(kv[0].trim(), kv[1].trim());
                } else if (i < vars.size()) {
                    m.put(vars.get(i), kv[0].trim());
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String v : vars) {
            out.add(m.getOrDefault(v, hdf5 ? Hdf5DataSource.normalize(v) : v));
        }
        return out;
    }

    /** The model's variables → columns: from --x (in order, or name=COL), else the same names. */
    static Map<String, String> bindColumns(String spec, List<String> vars, DataSource source) {
        Map<String, String> m = new LinkedHashMap<>();
        if (spec != null && !spec.isBlank()) {
            String[] items = spec.split(",");
            boolean named = spec.contains("=");
            if (!named && items.length != vars.size()) {
                throw new UsageException("--x gives " + items.length + " column(s) but the model has " + vars.size()
                        + " variable(s) (" + String.join(", ", vars) + "); use name=COL to bind some of them");
            }
            for (int i = 0; i < items.length; i++) {
                String item = items[i].trim();
                if (named) {
                    String[] kv = item.split("=", 2);
                    if (kv.length != 2 || !vars.contains(kv[0].trim())) {
                        throw new UsageException("--x: '" + item + "' must be VARIABLE=COLUMN with a variable of the model ("
                                + String.join(", ", vars) + ")");
                    }
                    m.put(kv[0].trim(), kv[1].trim());
                } else {
                    m.put(vars.get(i), item);
                }
            }
        }
        for (String v : vars) {
            String col = m.getOrDefault(v, v);
            if (!source.columnNames().contains(col)) {
                if (!m.containsKey(v)) {
                    throw new UsageException("the model uses '" + v + "', which is neither in --p0 nor a column of "
                            + source.describe() + " (columns: " + String.join(", ", source.columnNames()) + "); add " + v
                            + "=VALUE to --p0 or bind it with --x " + v + "=COLUMN");
                }
                throw new UsageException("--x binds " + v + " to column '" + col + "', which " + source.describe()
                        + " does not have (columns: " + String.join(", ", source.columnNames()) + ")");
            }
            m.put(v, col);
        }
        return m;
    }

    static Duration duration(String t) {
        return duration("--max-time", t);
    }

    static Duration duration(String option, String t) {
        String s = t.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            double v = Double.parseDouble(s.substring(0, s.length() - (Character.isLetter(s.charAt(s.length() - 1)) ? 1 : 0)));
            char unit = Character.isLetter(s.charAt(s.length() - 1)) ? s.charAt(s.length() - 1) : 's';
            double seconds = switch (unit) {
                case 's' -> v;
                case 'm' -> v * 60;
                case 'h' -> v * 3600;
                default -> throw new NumberFormatException();
            };
            return Duration.ofNanos((long) (seconds * 1e9));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new UsageException(option + " '" + t + "' is not a duration like 90s, 20m or 2h");
        }
    }

    /** Refuses an --out or --metrics-file that is the data, the other output, or cannot be written (before the fit). */
    private static void checkOutputs(Settings s, String dataSpec, Path resumeDir) {
        Map<String, Path> inputs = new LinkedHashMap<>();
        if (!dataSpec.startsWith("synthetic:")) {
            inputs.put("the data file (--data)", Path.of(dataSpec));
        }
        if (s.origin() != null && java.nio.file.Files.isRegularFile(Path.of(s.origin()))) {
            inputs.put("the config file", Path.of(s.origin()));
        }
        Map<String, Path> outputs = new LinkedHashMap<>();
        String out = s.text("out", null);
        String metrics = s.text("metrics-file", null);
        outputs.put("--out", out == null ? null : Path.of(out));
        outputs.put("--metrics-file", metrics == null ? null : Path.of(metrics));
        if (s.text("plot", null) != null) {
            io.streamlsq.app.plot.FitPlots.checkDirectory("--plot", Path.of(s.text("plot", null)));
        }
        OutputFiles.check(inputs, outputs);
    }

    /** Largest --chunk-rows: 2^22 rows (a chunk's Jacobian holds rows × parameters doubles). */
    static final int MAX_CHUNK_ROWS = 1 << 22;

    /**
     * A whole-number setting ({@code 65536}, {@code 1e6}, {@code 1_000_000}) in {@code [min, max]}, or
     * {@code fallback} when absent; the message names the option.
     */
    static long count(Settings s, String key, long fallback, long min, long max, String unit) {
        String t = s.text(key, null);
        if (t == null) {
            return fallback;
        }
        String clean = t.replace("_", "").trim();
        double d;
        try {
            d = Double.parseDouble(clean);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " = '" + t + "' is not a whole number (examples: 100000, 1e5)");
        }
        if (d != Math.rint(d)) {
            throw new UsageException("--" + key + " = '" + t + "' is not a whole number (examples: 100000, 1e5)");
        }
        if (d < min || d > max) {
            throw new UsageException("--" + key + " = " + t + " must be between " + min + " and " + max + unit);
        }
        return (long) d;
    }

    private static String require(String v, String option) {
        if (v == null || v.isBlank()) {
            throw new UsageException(option + " is required (on the command line or in --config)");
        }
        return v;
    }

    private static <T> T orDefault(T v, T d) {
        return v == null ? d : v;
    }
}
