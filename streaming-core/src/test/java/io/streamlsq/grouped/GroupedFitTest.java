package io.streamlsq.grouped;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.InvalidDataException;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.loss.Loss;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GroupedFitTest {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(4);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    static FitProblem problem(DataSource source, boolean weighted) {
        FitProblem.Builder b = FitProblem.builder(new GaussLine(), source).y("y").initial(1, 0, 1);
        if (weighted) {
            b.sigma("sigma");
        }
        return b.build();
    }

    static List<GroupResult> run(GroupedFit fit, int threads, long skip) throws IOException {
        List<GroupResult> out = new ArrayList<>();
        fit.run(threads == 1 ? null : POOL, threads, skip, r -> {
            out.add(r.copy());
            return GroupListener.Decision.CONTINUE;
        });
        return out;
    }

    static void assertSameBits(List<GroupResult> a, List<GroupResult> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(a.get(i).sameBits(b.get(i)), "group " + i + ": " + a.get(i) + " vs " + b.get(i));
        }
    }

    /** Mode 4 and 5 tables: starts 20 % off the truth, boxes ±60 % around it. */
    static GroupStarts table(FitProblem problem, Spectra s, boolean bounds) {
        double[] keys = new double[s.groups];
        Map<String, double[]> starts = new LinkedHashMap<>();
        Map<String, double[]> lo = new LinkedHashMap<>();
        Map<String, double[]> hi = new LinkedHashMap<>();
        List<String> names = List.of("A", "mu", "w");
        for (String n : names) {
            starts.put(n, new double[s.groups]);
            lo.put(n, new double[s.groups]);
            hi.put(n, new double[s.groups]);
        }
        for (int g = 0; g < s.groups; g++) {
            keys[g] = s.keyOf(g);
            for (int k = 0; k < 3; k++) {
                double t = s.truth[g][k];
                starts.get(names.get(k))[g] = t * 1.2 + (k == 1 ? 0.1 : 0);
                lo.get(names.get(k))[g] = t - 0.6 * Math.abs(t) - (k == 1 ? 0.5 : 0);
                hi.get(names.get(k))[g] = t + 0.6 * Math.abs(t) + (k == 1 ? 0.5 : 0);
            }
        }
        return GroupStarts.table(problem, "test table", keys, starts, bounds ? lo : Map.of(), bounds ? hi : Map.of());
    }

    /** T2.5: 10 000 spectra of 100 rows; parallel = sequential bits in modes 3, 4 and 5; identical data, identical output. */
    @Test
    void t25ParallelEqualsSequentialInModes345() throws IOException {
        Spectra s = new Spectra(10_000, 100, 25, 100);
        FitProblem problem = problem(s.source(7_919), true); // a chunk size that splits groups
        for (int mode = 3; mode <= 5; mode++) {
            GroupStarts starts = mode == 3 ? GroupStarts.shared(problem) : table(problem, s, mode == 5);
            assertEquals(GroupStarts.Mode.values()[mode - 3], starts.mode());
            GroupedFit fit = new GroupedFit(problem, "id", starts, GroupedOptions.defaults());
            List<GroupResult> seq = run(fit, 1, 0);
            List<GroupResult> par = run(fit, 4, 0);
            assertEquals(10_000, seq.size());
            assertSameBits(seq, par);
            int converged = 0;
            for (int g = 0; g < s.groups; g++) {
                GroupResult r = seq.get(g);
                assertEquals(s.keyOf(g), r.key());
                assertEquals(g, r.index());
                assertEquals(100L * g, r.firstRow());
                assertEquals(100, r.rows());
                if (r.status() == GroupStatus.CONVERGED) {
                    converged++;
                    // the fit finds the truth within a few standard errors
                    for (int k = 0; k < 3; k++) {
                        assertTrue(Math.abs(r.values()[k] - s.truth[g][k]) < 8 * r.stderr()[k] + 1e-9,
                                "mode " + mode + " group " + g + " parameter " + k + ": " + r);
                    }
                }
            }
            assertEquals(10_000, converged, "mode " + mode);
            if (mode == 3) {
                for (int g = 0; g < 100; g++) { // groups 0..99 carry the data of groups 100..199
                    GroupResult a = seq.get(g);
                    GroupResult b = seq.get(g + 100);
                    for (int k = 0; k < 3; k++) {
                        assertEquals(Double.doubleToRawLongBits(a.values()[k]), Double.doubleToRawLongBits(b.values()[k]));
                        assertEquals(Double.doubleToRawLongBits(a.stderr()[k]), Double.doubleToRawLongBits(b.stderr()[k]));
                    }
                    assertEquals(Double.doubleToRawLongBits(a.cost()), Double.doubleToRawLongBits(b.cost()));
                    assertEquals(a.iterations(), b.iterations());
                }
            }
        }
    }

    /** Per group, the same answer as the streaming fit of those rows alone: cost to 1e-12, values and errors close. */
    @Test
    void eachGroupEqualsTheSingleFitOfItsRows() throws IOException {
        Spectra s = new Spectra(200, 100, 3, 0);
        for (String lossName : List.of("linear", "soft_l1", "cauchy")) {
            for (boolean weighted : List.of(true, false)) {
                Loss loss = Loss.parse(lossName, weighted ? 1.5 : 0.03); // about 1.5 noise levels either way
                FitProblem problem = problem(s.source(1000), weighted).toBuilder().loss(loss).build();
                List<GroupResult> all = run(new GroupedFit(problem, "id", GroupStarts.shared(problem),
                        GroupedOptions.defaults()), 2, 0);
                for (int g = 0; g < s.groups; g += 17) {
                    FitProblem one = problem(s.group(g), weighted).toBuilder().loss(loss).build();
                    FitResult single = Fits.fit(one, FitOptions.defaults(), PassExecutor.sequential());
                    GroupResult r = all.get(g);
                    String where = "group " + g + " loss " + loss + " weighted " + weighted;
                    assertTrue(single.termination().isConverged(), where);
                    assertEquals(GroupStatus.CONVERGED, r.status(), where + ": " + r);
                    assertEquals(single.cost(), r.cost(), 1e-12 * single.cost(), where);
                    if (loss.isLinear()) {
                        // with a robust loss the streaming fit's ssr is the sum of the corrected residuals' squares, not
                        // the documented Σ w r² that the grouped fit reports
                        assertEquals(single.ssr(), r.ssr(), 1e-9 * single.ssr(), where);
                    }
                    for (int k = 0; k < 3; k++) {
                        assertEquals(single.values()[k], r.values()[k], 1e-6 * Math.abs(single.values()[k]) + 1e-9, where);
                        assertEquals(single.stderr()[k], r.stderr()[k], 1e-5 * single.stderr()[k], where);
                    }
                }
            }
        }
    }

    @Test
    void aKeyThatReappearsAfterAnotherGroupIsRefusedNamingItAndBothRows() {
        double[] key = {5, 5, 5, 6, 6, 6, 5, 5, 5};
        double[] x = {0, 1, 2, 0, 1, 2, 0, 1, 2};
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("id", key);
        m.put("x", x);
        m.put("y", x.clone());
        FitProblem problem = problem(new InMemoryDataSource(m, 4), false);
        List<GroupResult> heard = new ArrayList<>();
        GroupedFit fit = new GroupedFit(problem, "id", GroupStarts.shared(problem), GroupedOptions.defaults());
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> fit.run(null, 1, 0, r -> {
            heard.add(r.copy());
            return GroupListener.Decision.CONTINUE;
        }));
        assertTrue(e.getMessage().contains("group key 5 ") && e.getMessage().contains("row 6")
                && e.getMessage().contains("row 0") && e.getMessage().contains("contiguous"), e.getMessage());
        assertEquals(6, e.row());
        assertTrue(heard.isEmpty(), "no group may be reported before the refusal of a wave it is in: " + heard);
    }

    @Test
    void failingGroupsAreReportedAndTheRunGoesOn() throws IOException {
        // group 1: two rows for three parameters; group 2: NaN in y; group 3: x constant (w and mu not identifiable)
        List<double[]> rows = new ArrayList<>();
        Spectra s = new Spectra(5, 40, 9, 0);
        for (int g = 0; g < 5; g++) {
            int n = g == 1 ? 2 : 40;
            for (int i = 0; i < n; i++) {
                int row = g * 40 + i;
                double xi = g == 3 ? 0.3 : s.x[row];
                double yi = g == 2 && i == 7 ? Double.NaN : (g == 3 ? 1.0 : s.y[row]);
                rows.add(new double[] {g, xi, yi});
            }
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("id", rows.stream().mapToDouble(r -> r[0]).toArray());
        m.put("x", rows.stream().mapToDouble(r -> r[1]).toArray());
        m.put("y", rows.stream().mapToDouble(r -> r[2]).toArray());
        FitProblem problem = problem(new InMemoryDataSource(m, 64), false);
        List<GroupResult> r = run(new GroupedFit(problem, "id", GroupStarts.shared(problem), GroupedOptions.defaults()), 2, 0);
        assertEquals(5, r.size());
        assertEquals(GroupStatus.CONVERGED, r.get(0).status());
        assertEquals(GroupStatus.FAILED, r.get(1).status());
        assertTrue(r.get(1).message().contains("2 rows but 3 free parameters"), r.get(1).message());
        assertEquals(GroupStatus.FAILED, r.get(2).status());
        assertTrue(r.get(2).message().contains("column 'y' is NaN at row 49"), r.get(2).message());
        assertTrue(Double.isNaN(r.get(2).cost()));
        assertEquals(GroupStatus.SINGULAR, r.get(3).status(), r.get(3).toString());
        assertTrue(r.get(3).message().contains("cannot be determined"), r.get(3).message());
        assertEquals(GroupStatus.CONVERGED, r.get(4).status());
    }

    @Test
    void aKeyMissingFromTheStartTableIsRefusedNamingIt() {
        Spectra s = new Spectra(20, 30, 4, 0);
        FitProblem problem = problem(s.source(100), true);
        double[] keys = new double[19];
        double[] a = new double[19];
        for (int g = 0; g < 19; g++) {
            keys[g] = s.keyOf(g == 12 ? 19 : g); // key of group 12 missing
            a[g] = 1.1;
        }
        GroupStarts starts = GroupStarts.table(problem, "starts.csv", keys, Map.of("A", a), Map.of(), Map.of());
        GroupedFit fit = new GroupedFit(problem, "id", starts, GroupedOptions.defaults());
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> run(fit, 1, 0));
        assertTrue(e.getMessage().contains("group key 1084 has no row in the start table starts.csv"), e.getMessage());
    }

    /** A model that leaves an output unwritten fails the group (the fitter fills NaN first), on any thread count. */
    @Test
    void anOutputTheModelLeavesUnwrittenFailsTheGroup() throws IOException {
        Spectra s = new Spectra(30, 40, 13, 0);
        io.streamlsq.model.Model lazy = new GaussLine() {
            @Override
            public void evaluate(io.streamlsq.data.Chunk chunk, double[] t, io.streamlsq.model.EvalLevel level,
                    double[] values, double[][] jac) {
                int last = chunk.rows() - 1;
                double before = jac[2][last];
                super.evaluate(chunk, t, level, values, jac);
                if (chunk.firstRow() == 40 * 7) { // group 7: the last row's w-derivative is left as it was
                    jac[2][last] = before;
                }
            }
        };
        FitProblem problem = FitProblem.builder(lazy, s.source(100)).y("y").sigma("sigma").initial(1, 0, 1).build();
        GroupedFit fit = new GroupedFit(problem, "id", GroupStarts.shared(problem), GroupedOptions.defaults());
        List<GroupResult> one = run(fit, 1, 0);
        assertSameBits(one, run(fit, 3, 0));
        assertEquals(GroupStatus.FAILED, one.get(7).status());
        assertTrue(one.get(7).message().contains("derivative with respect to w is NaN at row 319"), one.get(7).message());
        assertEquals(GroupStatus.CONVERGED, one.get(8).status());
    }

    /** A group that spends its evaluation budget reports its best point so far with status max_evaluations. */
    @Test
    void aSpentBudgetIsMaxEvaluationsWithTheBestPointSoFar() throws IOException {
        Spectra s = new Spectra(20, 60, 7, 0);
        FitProblem problem = problem(s.source(500), true);
        List<GroupResult> r = run(new GroupedFit(problem, "id", GroupStarts.shared(problem),
                GroupedOptions.defaults().withMaxEvaluations(3)), 2, 0);
        List<GroupResult> full = run(new GroupedFit(problem, "id", GroupStarts.shared(problem),
                GroupedOptions.defaults()), 2, 0);
        for (int g = 0; g < s.groups; g++) {
            GroupResult a = r.get(g);
            assertEquals(GroupStatus.MAX_EVALUATIONS, a.status(), a.toString());
            assertEquals(3, a.evaluations());
            assertTrue(Double.isFinite(a.cost()) && a.cost() >= full.get(g).cost(), a.toString());
            assertTrue(a.message().contains("maxEvaluations"), a.message());
        }
    }

    /** A fixed parameter with a start column is held at each group's own value; its error is 0. */
    @Test
    void aFixedParameterTakesEachGroupsValueFromTheTable() throws IOException {
        Spectra s = new Spectra(50, 60, 6, 0);
        FitProblem problem = problem(s.source(500), true).toBuilder().fix("w").build();
        double[] keys = new double[s.groups];
        double[] w = new double[s.groups];
        for (int g = 0; g < s.groups; g++) {
            keys[g] = s.keyOf(g);
            w[g] = s.truth[g][2];
        }
        GroupStarts starts = GroupStarts.table(problem, "t", keys, Map.of("w", w), Map.of(), Map.of());
        List<GroupResult> r = run(new GroupedFit(problem, "id", starts, GroupedOptions.defaults()), 2, 0);
        for (int g = 0; g < s.groups; g++) {
            assertEquals(w[g], r.get(g).values()[2], 0.0);
            assertEquals(0.0, r.get(g).stderr()[2], 0.0);
            assertEquals(GroupStatus.CONVERGED, r.get(g).status());
            assertEquals(s.truth[g][1], r.get(g).values()[1], 8 * r.get(g).stderr()[1]);
        }
    }

    @Test
    void aProblemWithSeriesTermsIsRefused() {
        Spectra s = new Spectra(3, 30, 4, 0);
        FitProblem problem = problem(s.source(100), true).toBuilder().seriesTerms(10, 0).build();
        Exception e = assertThrows(io.streamlsq.problem.InvalidProblemException.class,
                () -> new GroupedFit(problem, "id", GroupStarts.shared(problem), GroupedOptions.defaults()));
        assertTrue(e.getMessage().contains("curvature = 10.0, smoothness = 0.0: grouped fits do not have the series terms"),
                e.getMessage());
    }

    @Test
    void aBadStartTableIsRefusedWithEveryViolation() {
        Spectra s = new Spectra(3, 30, 4, 0);
        FitProblem problem = problem(s.source(100), true);
        double[] keys = {1000, 1007, 1000};
        Map<String, double[]> starts = Map.of("A", new double[] {1, 5, 1}, "q", new double[3]);
        Exception e = assertThrows(io.streamlsq.problem.InvalidProblemException.class, () -> GroupStarts.table(problem,
                "t.csv", keys, starts, Map.of("A", new double[] {0, 0, 0}), Map.of("A", new double[] {2, 2, 2})));
        assertTrue(e.getMessage().contains("'q' is not a parameter"), e.getMessage());
        Exception e2 = assertThrows(io.streamlsq.problem.InvalidProblemException.class, () -> GroupStarts.table(problem,
                "t.csv", keys, Map.of("A", new double[] {1, 5, 1}), Map.of("A", new double[] {0, 0, 0}),
                Map.of("A", new double[] {2, 2, 2})));
        assertTrue(e2.getMessage().contains("key 1000 appears twice (rows 0 and 2)"), e2.getMessage());
        assertTrue(e2.getMessage().contains("key 1007: start of 'A' = 5.0 must be finite and within its bounds [0.0, 2.0]"),
                e2.getMessage());
    }

    /** A run stopped by its listener and continued with skipGroups gives the uninterrupted run's results. */
    @Test
    void aStoppedRunContinuedAtTheNextGroupGivesTheSameBits() throws IOException {
        Spectra s = new Spectra(500, 50, 8, 0);
        FitProblem problem = problem(s.source(333), true);
        GroupedFit fit = new GroupedFit(problem, "id", GroupStarts.shared(problem), GroupedOptions.defaults()
                .withGroupsPerTask(16));
        List<GroupResult> whole = run(fit, 3, 0);
        List<GroupResult> first = new ArrayList<>();
        GroupedFit.Summary sum = fit.run(POOL, 3, 0, r -> {
            first.add(r.copy());
            return r.index() == 211 ? GroupListener.Decision.STOP : GroupListener.Decision.CONTINUE;
        });
        assertTrue(sum.stopped());
        assertEquals(212, first.size());
        List<GroupResult> rest = run(fit, 1, 212);
        first.addAll(rest);
        assertSameBits(whole, first);
    }

    /** The warmups (Adam, L-BFGS) move the start, not the minimum; their results do not depend on the threads either. */
    @ParameterizedTest
    @EnumSource(GroupedOptions.WarmupMethod.class)
    void theWarmupReachesTheSameMinimumWithTheSameBitsOnAnyThreads(GroupedOptions.WarmupMethod method) throws IOException {
        Spectra s = new Spectra(300, 60, 12, 0);
        FitProblem problem = problem(s.source(1000), true);
        List<GroupResult> plain = run(new GroupedFit(problem, "id", GroupStarts.shared(problem),
                GroupedOptions.defaults()), 1, 0);
        GroupedFit warm = new GroupedFit(problem, "id", GroupStarts.shared(problem),
                GroupedOptions.defaults().withWarmup(method, 50, 1e-2));
        List<GroupResult> one = run(warm, 1, 0);
        assertSameBits(one, run(warm, 3, 0));
        int moved = 0;
        for (int g = 0; g < s.groups; g++) {
            GroupResult a = plain.get(g);
            GroupResult b = one.get(g);
            assertEquals(GroupStatus.CONVERGED, b.status(), b.toString());
            assertEquals(a.cost(), b.cost(), 1e-12 * a.cost(), "group " + g);
            assertTrue(b.evaluations() > (method == GroupedOptions.WarmupMethod.ADAM ? 50 : 1),
                    "the warmup's evaluations count: " + b);
            moved += b.iterations() < a.iterations() ? 1 : 0;
        }
        assertTrue(moved > 0, "from a better start some groups need fewer Levenberg-Marquardt steps");
    }

    /** In the steady state (buffers grown) a fit allocates nothing: measured on this thread's allocation counter. */
    @Test
    void aConvergedFitAllocatesNothingOnceTheBuffersHaveGrown() {
        Spectra s = new Spectra(300, 50, 5, 0);
        FitProblem problem = problem(s.source(100_000), true);
        GroupFitter f = new GroupFitter(problem.model(), true, Loss.linear(), new boolean[3], problem.columns(),
                GroupedOptions.defaults());
        io.streamlsq.data.Chunk c = new io.streamlsq.data.Chunk(3);
        c.setColumn(0, s.x);
        c.setColumn(1, s.y);
        c.setColumn(2, s.sigma);
        GroupResult out = new GroupResult(3);
        double[] ini = {1, 0, 1};
        double[] lo = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] hi = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (int rep = 0; rep < 20; rep++) { // warm the JIT up
            for (int g = 0; g < 300; g++) {
                f.fit(c.set(g, g * 50L, g * 50, 50), ini, lo, hi, out);
            }
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        int converged = 0;
        for (int g = 0; g < 300; g++) {
            f.fit(c.set(g, g * 50L, g * 50, 50), ini, lo, hi, out);
            converged += out.status() == GroupStatus.CONVERGED ? 1 : 0;
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(300, converged);
        assertTrue(bytes < 2_000, "300 fits allocated " + bytes + " bytes");
    }
}
