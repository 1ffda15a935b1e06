package io.streamlsq.phase;

import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problem.Parameter;
import io.streamlsq.result.FitResult;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointMismatchException;
import io.streamlsq.resume.CheckpointStore;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.resume.CorruptCheckpointException;
import io.streamlsq.resume.FitInterruptedException;
import io.streamlsq.resume.FitSnapshot;
import io.streamlsq.resume.ProblemRecord;
import io.streamlsq.resume.ScheduleSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The phases of a fit as a managed schedule (after spectracles' managed schedule, without its misaligned
 * reset): each phase is a warmup or a Gauss-Newton run with its own options, parameters frozen by glob
 * pattern and values set at its start. States PENDING → RUNNING → COMPLETED, or SKIPPED; phases run in
 * order. On entry to phase i the parameters and the fixed mask are snapshotted; {@code resetFrom(i)}
 * restores that snapshot (a skipped phase hands its entry snapshot on, so the snapshot of phase i is
 * always what phase i started from). Optimizer state starts fresh in every phase; only the parameters and
 * the mask carry over. A phase that throws goes back to PENDING with its entry snapshot intact.
 */
public final class PhaseSchedule {
    /** A phase's state. */
    public enum State { PENDING, RUNNING, COMPLETED, SKIPPED }

    /** What a phase runs. */
    public enum Kind { WARMUP, GAUSS_NEWTON }

    /**
     * One phase.
     *
     * @param freeze glob pattern on parameter names → true (frozen) or false (free) in this phase; later
     *     entries override earlier ones. {@code *} matches within a dotted segment, {@code **} across them.
     * @param set values given to parameters (by pattern) at the phase's start
     * @param plateau ends the phase when its loss stops falling; null = off (the default)
     */
    public record PhaseSpec(String name, Kind kind, FitOptions options, Map<String, Boolean> freeze, Map<String, InitSpec> set,
            PlateauRule plateau, Long seed) {
        public PhaseSpec {
            if (options != null && options.global() != null) {
                throw new io.streamlsq.options.InvalidOptionsException(List.of("phase '" + name + "': options.global = "
                        + options.global().method().name() + "; a schedule's phases have no global search (run it as a"
                        + " fit of its own first, then start the schedule from its result)"));
            }
            freeze = new LinkedHashMap<>(freeze);
            set = new LinkedHashMap<>(set);
        }

        public static PhaseSpec warmup(String name, FitOptions options) {
            return new PhaseSpec(name, Kind.WARMUP, options, Map.of(), Map.of(), null, null);
        }

        public static PhaseSpec gaussNewton(String name, FitOptions options) {
            return new PhaseSpec(name, Kind.GAUSS_NEWTON, options, Map.of(), Map.of(), null, null);
        }

        public PhaseSpec freeze(String pattern, boolean frozen) {
            Map<String, Boolean> f = new LinkedHashMap<>(freeze);
            f.put(pattern, frozen);
            return new PhaseSpec(name, kind, options, f, set, plateau, seed);
        }

        /** Sets the matching parameters to {@code value} at the phase's start. */
        public PhaseSpec set(String pattern, double value) {
            return set(pattern, new InitSpec.Constant(value));
        }

        /** Sets the matching parameters at the phase's start; a random spec needs {@link #seed}. */
        public PhaseSpec set(String pattern, InitSpec init) {
            Map<String, InitSpec> v = new LinkedHashMap<>(set);
            v.put(pattern, init);
            return new PhaseSpec(name, kind, options, freeze, v, plateau, seed);
        }

        /** This phase with a plateau stop (null turns it off). */
        public PhaseSpec plateau(PlateauRule rule) {
            return new PhaseSpec(name, kind, options, freeze, set, rule, seed);
        }

        /** The seed of this phase's random initial values (drawn in set-entry order, then parameter order). */
        public PhaseSpec seed(long s) {
            return new PhaseSpec(name, kind, options, freeze, set, plateau, s);
        }
    }

    /** A value given to parameters at a phase's start. */
    public sealed interface InitSpec {
        /** A constant. */
        record Constant(double value) implements InitSpec {
        }

        /** A draw from N(mean, std²). */
        record Normal(double mean, double std) implements InitSpec {
        }

        /** A draw from U[lo, hi). */
        record Uniform(double lo, double hi) implements InitSpec {
        }
    }

    /** {@code current} is the index of the next phase to run (= total when none is left). */
    public record Status(int current, int total, int completed, List<State> states, boolean complete) {
    }

    private final FitProblem problem;
    private final PhaseOrchestrator orchestrator;
    private final List<PhaseSpec> specs;
    private final State[] states;
    private final double[][] entryValues;
    private final boolean[][] entryFixed;
    private final List<List<Double>> losses = new ArrayList<>();
    private final String[] stopReasons;
    private final FitResult[] results;
    private final LossRecorder recorder = new LossRecorder();
    private double[] values;
    private boolean[] fixed;
    private FitResult last;
    private Checkpointing checkpointing;
    private ProblemRecord record;
    private int resumeRunning = -1;
    private FitSnapshot resumeFit;
    private double[] resumeLosses;
    private boolean resumePlateau;

    /**
     * @throws IllegalArgumentException if a pattern matches no parameter, or a phase list is empty
     */
    public PhaseSchedule(FitProblem problem, List<PhaseSpec> phases, PassExecutor executor, Ticker ticker,
            List<FitListener> listeners) {
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one phase");
        }
        this.problem = problem;
        this.specs = List.copyOf(phases);
        List<FitListener> all = new ArrayList<>(listeners);
        all.add(recorder);
        this.orchestrator = new PhaseOrchestrator(FitOptions.defaults(), executor, ticker, all);
        List<String> names = problem.parameterNames();
        for (PhaseSpec p : specs) {
            for (String pattern : p.freeze().keySet()) {
                requireMatch(pattern, names, p.name());
            }
            for (Map.Entry<String, InitSpec> e : p.set().entrySet()) {
                requireMatch(e.getKey(), names, p.name());
                validate(p, e.getKey(), e.getValue());
            }
        }
        int n = specs.size();
        this.states = new State[n];
        this.entryValues = new double[n][];
        this.entryFixed = new boolean[n][];
        this.stopReasons = new String[n];
        this.results = new FitResult[n];
        for (int i = 0; i < n; i++) {
            losses.add(List.of());
        }
        reset();
    }

    /** Back to the problem's starting point, every phase PENDING. */
    public void reset() {
        Arrays.fill(states, State.PENDING);
        values = problem.initial();
        fixed = new boolean[values.length];
        for (int k = 0; k < fixed.length; k++) {
            fixed[k] = problem.parameters().get(k).fixed();
        }
        Arrays.fill(entryValues, null);
        Arrays.fill(entryFixed, null);
        Arrays.fill(stopReasons, null);
        Arrays.fill(results, null);
        for (int i = 0; i < losses.size(); i++) {
            losses.set(i, List.of());
        }
        last = null;
    }

    /** Runs the next PENDING phase; false when none is left. */
    public boolean runNext() throws IOException {
        OptionalInt next = nextPhase();
        if (next.isEmpty()) {
            return false;
        }
        runPhase(next.getAsInt());
        return true;
    }

    /**
     * Runs phase i, which must be the next one.
     *
     * @throws IllegalStateException if an earlier phase is still PENDING or phase i is not PENDING
     */
    public void runPhase(int i) throws IOException {
        check(i);
        if (states[i] != State.PENDING) {
            throw new IllegalStateException("phase " + i + " (" + specs.get(i).name() + ") is " + states[i]
                    + "; resetFrom(" + i + ") first");
        }
        OptionalInt next = nextPhase();
        if (next.isEmpty() || next.getAsInt() != i) {
            throw new IllegalStateException("phase " + i + " cannot run before phase " + next.orElse(-1) + " is done");
        }
        snapshot(i);
        PhaseSpec spec = specs.get(i);
        double[] start = values.clone();
        boolean[] mask = fixed.clone();
        apply(spec, start, mask);
        states[i] = State.RUNNING;
        recorder.current = new ArrayList<>();
        recorder.rule = spec.plateau();
        recorder.plateau = false;
        FitSnapshot from = null;
        if (resumeRunning == i) {
            from = resumeFit;
            for (double l : resumeLosses) {
                recorder.current.add(l);
            }
            recorder.plateau = resumePlateau;
        }
        resumeRunning = -1;
        resumeFit = null;
        try {
            FitProblem phaseProblem = withStart(start, mask);
            FitOptions opts = spec.kind() == Kind.WARMUP
                    ? spec.options().toBuilder().warmup(spec.options().warmup().withEnabled(true)).build()
                    : spec.options().toBuilder().warmup(spec.options().warmup().withEnabled(false)).build();
            ProblemRecord rec = checkpointing == null ? null : record();
            last = orchestrator.fit(phaseProblem, opts, spec.kind() == Kind.WARMUP, spec.kind() == Kind.GAUSS_NEWTON,
                    checkpointing, from, checkpointing == null ? null
                            : f -> new Checkpoint(rec, f, snapshot(i, recorder.current, recorder.plateau),
                                    checkpointing.attributes()));
        } catch (IOException | RuntimeException e) {
            states[i] = State.PENDING;
            values = entryValues[i].clone();
            fixed = entryFixed[i].clone();
            throw e;
        }
        values = last.values().clone();
        fixed = mask;
        losses.set(i, List.copyOf(recorder.current));
        // the rule may fire on the iteration where the phase converged anyway: then convergence is the reason
        boolean byPlateau = recorder.plateau && last.termination() instanceof io.streamlsq.result.Termination.Stopped;
        stopReasons[i] = byPlateau ? "plateau"
                : spec.kind() == Kind.WARMUP ? "warmup: " + last.warmupOutcome() : last.termination().reason();
        results[i] = last;
        states[i] = State.COMPLETED;
        if (checkpointing != null) {
            checkpointing.store().save(new Checkpoint(record(), null, snapshot(-1, List.of(), false),
                    checkpointing.attributes()));
            if (checkpointing.stopRequested().getAsBoolean()) {
                throw new FitInterruptedException("stopped on request after phase " + i + "; resume from "
                        + checkpointing.store().describe());
            }
        }
    }

    /**
     * Writes checkpoints from now on: inside each phase by {@code c}'s policy (with this schedule's state),
     * and after each phase completes. Returns this schedule.
     */
    public PhaseSchedule checkpointing(Checkpointing c) {
        this.checkpointing = java.util.Objects.requireNonNull(c, "checkpointing");
        return this;
    }

    /**
     * Puts this schedule (built with the same problem and phases) where the newest checkpoint in
     * {@code store} left it: phase states, entry snapshots, values, mask, stop reasons, loss histories and
     * results; a phase that was running continues from its own resume point on the next {@link #runNext}.
     *
     * @throws CheckpointMismatchException if the checkpoint is not a schedule's, or has other phases,
     *     parameters, model or data
     * @throws CorruptCheckpointException if the store holds no readable checkpoint
     */
    public void restore(CheckpointStore store) throws IOException {
        Checkpoint c = store.latest().orElseThrow(() -> new CorruptCheckpointException(
                store.describe() + " holds no checkpoint to resume from"));
        ScheduleSnapshot sn = c.schedule();
        if (sn == null) {
            throw new CheckpointMismatchException(store.describe() + " holds a plain fit's checkpoint, not a schedule's:"
                    + " resume it with PhaseOrchestrator.resume");
        }
        c.problem().requireCompatible(ProblemRecord.of(problem, c.problem().options(), problem.source().fingerprint()),
                store.describe());
        List<String> names = specs.stream().map(PhaseSpec::name).toList();
        if (!sn.phaseNames().equals(names)) {
            throw new CheckpointMismatchException(store.describe() + " was written by a schedule with phases "
                    + sn.phaseNames() + " but this schedule has " + names);
        }
        int n = specs.size();
        for (int i = 0; i < n; i++) {
            State st = State.valueOf(sn.states().get(i));
            states[i] = st == State.RUNNING ? State.PENDING : st;
            entryValues[i] = sn.entryValues().get(i) == null ? null : sn.entryValues().get(i).clone();
            entryFixed[i] = sn.entryFixed().get(i) == null ? null : sn.entryFixed().get(i).clone();
            stopReasons[i] = sn.stopReasons().get(i);
            List<Double> l = new ArrayList<>();
            for (double v : sn.losses().get(i)) {
                l.add(v);
            }
            losses.set(i, List.copyOf(l));
            results[i] = sn.results().get(i);
        }
        values = sn.values().clone();
        fixed = sn.fixed().clone();
        last = null;
        for (int i = n - 1; i >= 0 && last == null; i--) {
            last = results[i];
        }
        resumeRunning = sn.running();
        resumeFit = c.fit();
        resumeLosses = sn.runningLosses() == null ? new double[0] : sn.runningLosses().clone();
        resumePlateau = sn.runningPlateau();
        if (resumeRunning >= 0) {
            // the running phase starts again from its entry snapshot, then its fit continues from the checkpoint
            values = entryValues[resumeRunning].clone();
            fixed = entryFixed[resumeRunning].clone();
        }
    }

    /** The schedule's state for a checkpoint; {@code running} is the phase in progress or -1. */
    private ScheduleSnapshot snapshot(int running, List<Double> runningLosses, boolean plateau) {
        List<String> st = new ArrayList<>();
        for (State s : states) {
            st.add(s.name());
        }
        List<double[]> ev = new ArrayList<>();
        List<boolean[]> ef = new ArrayList<>();
        List<double[]> ls = new ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            ev.add(entryValues[i] == null ? null : entryValues[i].clone());
            ef.add(entryFixed[i] == null ? null : entryFixed[i].clone());
            ls.add(losses.get(i).stream().mapToDouble(Double::doubleValue).toArray());
        }
        double[] rl = runningLosses.stream().mapToDouble(Double::doubleValue).toArray();
        // while a phase runs, values/fixed are still its entry point: the resumed phase re-applies its spec from there
        return new ScheduleSnapshot(specs.stream().map(PhaseSpec::name).toList(), st, ev, ef, values.clone(),
                fixed.clone(), java.util.Arrays.asList(stopReasons.clone()), ls, java.util.Arrays.asList(results.clone()),
                running, rl, plateau);
    }

    private ProblemRecord record() throws IOException {
        if (record == null) {
            record = ProblemRecord.of(problem, checkpointing.options() == null ? "schedule " + specs.stream()
                    .map(PhaseSpec::name).toList() : checkpointing.options(), problem.source().fingerprint());
        }
        return record;
    }

    /** Skips phase i (PENDING only): its entry snapshot becomes the next phase's. */
    public void skip(int i) {
        check(i);
        if (states[i] != State.PENDING) {
            throw new IllegalStateException("phase " + i + " (" + specs.get(i).name() + ") is " + states[i]
                    + "; only a PENDING phase can be skipped");
        }
        OptionalInt next = nextPhase();
        if (next.isEmpty() || next.getAsInt() != i) {
            throw new IllegalStateException("phase " + i + " cannot be skipped before phase " + next.orElse(-1) + " is done");
        }
        snapshot(i);
        states[i] = State.SKIPPED;
    }

    /** Restores the entry snapshot of phase i and makes phases i.. PENDING. */
    public void resetFrom(int i) {
        check(i);
        if (entryValues[i] == null) {
            throw new IllegalStateException("phase " + i + " has not been entered yet");
        }
        values = entryValues[i].clone();
        fixed = entryFixed[i].clone();
        for (int j = i; j < states.length; j++) {
            states[j] = State.PENDING;
            losses.set(j, List.of());
            stopReasons[j] = null;
            results[j] = null;
            if (j > i) {
                entryValues[j] = null;
                entryFixed[j] = null;
            }
        }
        last = null;
    }

    public Status status() {
        int completed = 0;
        for (State s : states) {
            completed += s == State.COMPLETED ? 1 : 0;
        }
        return new Status(nextPhase().orElse(states.length), states.length, completed, List.of(states), isComplete());
    }

    public boolean isComplete() {
        return nextPhase().isEmpty();
    }

    /** The next PENDING phase, if any. */
    public OptionalInt nextPhase() {
        for (int i = 0; i < states.length; i++) {
            if (states[i] == State.PENDING || states[i] == State.RUNNING) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** Current parameters (a copy). */
    public double[] parameters() {
        return values.clone();
    }

    /** Current fixed mask (a copy). */
    public boolean[] fixedMask() {
        return fixed.clone();
    }

    /** The loss of every iteration of phase i (cost for Gauss-Newton, mean loss for the warmup); empty unless COMPLETED. */
    public List<Double> lossHistory(int i) {
        check(i);
        return losses.get(i);
    }

    /**
     * Why COMPLETED phase i ended: "plateau" when its plateau rule stopped it, otherwise "warmup: " and the
     * warmup's outcome for a warmup phase, or the termination's reason for a Gauss-Newton phase; null for a
     * phase that has not completed.
     */
    public String stopReason(int i) {
        check(i);
        return stopReasons[i];
    }

    /** The result of COMPLETED phase i (its own passes, iterations and covariance), or null. */
    public FitResult result(int i) {
        check(i);
        return results[i];
    }

    /**
     * The best point so far: the COMPLETED phase with the lowest full-data cost (earliest on a tie), if any
     * completed phase has a finite cost. Its parameters are {@code result(i).values()}. Warmup phases count
     * through the full-data NORMAL pass run at their end.
     */
    public OptionalInt bestPhase() {
        int best = -1;
        for (int i = 0; i < results.length; i++) {
            if (states[i] == State.COMPLETED && results[i] != null && Double.isFinite(results[i].cost())
                    && (best < 0 || results[i].cost() < results[best].cost())) {
                best = i;
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    /** The phases, as given. */
    public List<PhaseSpec> phases() {
        return specs;
    }

    /** The result of the last phase run, or null. */
    public FitResult lastResult() {
        return last;
    }

    private void snapshot(int i) {
        entryValues[i] = values.clone();
        entryFixed[i] = fixed.clone();
    }

    private void check(int i) {
        if (i < 0 || i >= states.length) {
            throw new IndexOutOfBoundsException("phase " + i + " of " + states.length);
        }
    }

    private void apply(PhaseSpec spec, double[] start, boolean[] mask) {
        List<String> names = problem.parameterNames();
        for (Map.Entry<String, Boolean> e : spec.freeze().entrySet()) {
            Pattern p = glob(e.getKey());
            for (int k = 0; k < names.size(); k++) {
                if (p.matcher(names.get(k)).matches()) {
                    mask[k] = e.getValue() || problem.parameters().get(k).fixed();
                }
            }
        }
        java.util.SplittableRandom rng = spec.seed() == null ? null : new java.util.SplittableRandom(spec.seed());
        for (Map.Entry<String, InitSpec> e : spec.set().entrySet()) {
            Pattern p = glob(e.getKey());
            for (int k = 0; k < names.size(); k++) {
                if (p.matcher(names.get(k)).matches()) {
                    InitSpec init = e.getValue();
                    double v;
                    if (init instanceof InitSpec.Constant c) {
                        v = c.value();
                    } else if (init instanceof InitSpec.Normal n) {
                        v = n.mean() + n.std() * rng.nextGaussian();
                    } else {
                        InitSpec.Uniform u = (InitSpec.Uniform) init;
                        v = u.lo() + (u.hi() - u.lo()) * rng.nextDouble();
                    }
                    Parameter par = problem.parameters().get(k);
                    if (!(v >= par.lower() && v <= par.upper())) {
                        throw new IllegalArgumentException("phase '" + spec.name() + "': set " + e.getKey() + " gives "
                                + par.name() + " = " + v + ", outside its bounds [" + par.lower() + ", " + par.upper() + "]");
                    }
                    start[k] = v;
                }
            }
        }
    }

    private FitProblem withStart(double[] start, boolean[] mask) {
        FitProblem.Builder b = problem.toBuilder();
        List<Parameter> ps = problem.parameters();
        for (int k = 0; k < ps.size(); k++) {
            b.initial(ps.get(k).name(), start[k]);
            if (mask[k]) {
                b.fix(ps.get(k).name());
            }
        }
        return b.build();
    }

    /** Glob on dotted names: {@code *} within a segment, {@code **} across segments ({@code **.p} also matches p). */
    static Pattern glob(String pattern) {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (pattern.startsWith("**.", i)) {
                r.append("(?:.*\\.)?");
                i += 2;
            } else if (pattern.startsWith("**", i)) {
                r.append(".*");
                i++;
            } else if (c == '*') {
                r.append("[^.]*");
            } else if (c == '?') {
                r.append("[^.]");
            } else {
                r.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(r.toString());
    }

    private static void validate(PhaseSpec p, String pattern, InitSpec init) {
        String where = "phase '" + p.name() + "': set " + pattern;
        if (init instanceof InitSpec.Constant c && !Double.isFinite(c.value())) {
            throw new IllegalArgumentException(where + " = " + c.value() + ": must be finite");
        }
        if (init instanceof InitSpec.Normal n && (!Double.isFinite(n.mean()) || !(n.std() > 0) || !Double.isFinite(n.std()))) {
            throw new IllegalArgumentException(where + " = normal(" + n.mean() + ", " + n.std()
                    + "): needs a finite mean and 0 < std < inf");
        }
        if (init instanceof InitSpec.Uniform u && (!Double.isFinite(u.lo()) || !Double.isFinite(u.hi()) || !(u.lo() < u.hi()))) {
            throw new IllegalArgumentException(where + " = uniform(" + u.lo() + ", " + u.hi() + "): needs finite lo < hi");
        }
        if (!(init instanceof InitSpec.Constant) && p.seed() == null) {
            throw new IllegalArgumentException(where + ": a random initial value needs a seed (PhaseSpec.seed; 'seed:' in a config file's phase)");
        }
    }

    private static void requireMatch(String pattern, List<String> names, String phase) {
        Pattern p = glob(pattern);
        if (names.stream().noneMatch(n -> p.matcher(n).matches())) {
            throw new IllegalArgumentException("phase '" + phase + "': pattern '" + pattern + "' matches no parameter ("
                    + String.join(", ", names) + ")");
        }
    }

    /** Collects the losses of the running phase. */
    private static final class LossRecorder implements FitListener {
        List<Double> current = new ArrayList<>();
        PlateauRule rule;
        boolean plateau;

        @Override
        public Decision onIteration(IterationSummary s) {
            if (s.accepted()) {
                current.add(s.cost());
                if (rule != null && rule.reached(current)) {
                    plateau = true;
                    return Decision.STOP;
                }
            }
            return Decision.CONTINUE;
        }
    }
}
