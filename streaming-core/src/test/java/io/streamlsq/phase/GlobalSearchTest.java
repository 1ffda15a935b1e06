package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.GlobalOptions;
import io.streamlsq.problem.InvalidProblemException;
import io.streamlsq.result.FitResult;
import io.streamlsq.search.SearchMethod;
import io.streamlsq.testkit.Fits;
import io.streamlsq.testkit.MultiMinimum;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GlobalSearchTest {
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    static FitOptions global(SearchMethod m, long sampleRows) {
        return FitOptions.builder().global(GlobalOptions.of(m).withSampleRows(sampleRows)).build();
    }

    /** Local fit from the bad start ends above the best known minimum; each method finds it within its default budget. */
    static void findsTheGlobalMinimum(MultiMinimum.Case c, SearchMethod m, long sampleRows) {
        double best = Fits.fit(c.from(c.truth())).cost();
        FitResult local = Fits.fit(c.from(c.badStart()));
        double floor = 1e-20; // noise-free problems: a best cost of 0
        assertTrue(local.cost() > best * (1 + 1e-3) + 1e3 * floor, c.name() + ": the local fit from the bad start found the minimum ("
                + local.cost() + " vs " + best + "); the test proves nothing");
        FitResult r = Fits.fit(c.from(c.badStart()), global(m, sampleRows), PassExecutor.parallel(pool, 2));
        assertNotNull(r.global());
        assertTrue(r.termination() instanceof io.streamlsq.result.Termination.Converged, r.termination().toString());
        assertEquals(best, r.cost(), 1e-6 * best + floor, c.name() + " with " + m.name() + ": " + r.global());
    }

    /**
     * seeds-others T4.9, at 10^5 rows: DE, 200 trials of at most 30 passes on 10^4 rows, 10 seeds, truth to 1e-6.
     * (Its premise, that a local fit from (1, 1, 1, 1) stays on the one-exponential line, does not hold for this
     * Levenberg-Marquardt: rounding breaks the symmetry and it reaches the truth from there and from every start we
     * tried; the frequency and three-peak problems are the ones a local fit gets wrong.)
     */
    @Test
    void twoExponentialsReachTheTruthWithDeForTenSeeds() {
        var c = MultiMinimum.twoExponentials(100_000, 5000);
        for (long seed = 0; seed < 10; seed++) {
            FitOptions o = FitOptions.builder().global(GlobalOptions.of(SearchMethod.de()).withSampleRows(10_000)
                    .withSeed(seed)).build();
            FitResult r = Fits.fit(c.from(c.badStart()), o, PassExecutor.parallel(pool, 2));
            double[] v = r.values();
            double[] sorted = v[1] > v[3] ? v : new double[] {v[2], v[3], v[0], v[1]}; // the faster decay first
            for (int k = 0; k < 4; k++) {
                assertEquals(c.truth()[k], sorted[k], 1e-6 * c.truth()[k], "seed " + seed + ": " + java.util.Arrays.toString(v));
            }
        }
    }

    @Test
    void frequencyWithDe() {
        findsTheGlobalMinimum(MultiMinimum.frequency(20_000, 1000, 1), SearchMethod.de(), 5_000);
    }

    @Test
    void threePeaksWithDe() {
        findsTheGlobalMinimum(MultiMinimum.threePeaks(20_000, 1000, 1), SearchMethod.de(), 5_000);
    }

    /** The search and the tournament read samples of fixed size: their cost in full passes falls as the data grows. */
    @Test
    void theGlobalPhasesCostDoesNotGrowWithTheRows() {
        double[] equivalents = new double[2];
        long[] rows = new long[2];
        long[] sizes = {1_000_000, 100_000_000};
        for (int i = 0; i < 2; i++) {
            var source = io.streamlsq.data.SyntheticDataSource.of(io.streamlsq.problems.BuiltinProblem.DECAY, sizes[i],
                    65_536, 7);
            var p = io.streamlsq.problem.FitProblem.builder(new io.streamlsq.problems.DecayModel(), source).bind("x", "x")
                    .y("y").initial(1.0, 0.5, 0.0).bounds("a", 0, 10).bounds("b", 0.01, 5).bounds("c", -2, 2).build();
            FitOptions o = FitOptions.builder().global(GlobalOptions.of(SearchMethod.de()).withBudget(40)).build();
            FitResult r = Fits.fit(p, o, PassExecutor.parallel(pool, 2));
            assertTrue(r.termination() instanceof io.streamlsq.result.Termination.Converged, r.fullReport());
            equivalents[i] = r.global().passEquivalents();
            rows[i] = r.global().rowsEvaluated();
        }
        assertTrue(rows[1] <= 1.5 * rows[0], "rows evaluated by the search: " + rows[0] + " at 10^6, " + rows[1] + " at 10^8");
        assertTrue(equivalents[1] <= equivalents[0] / 50, "pass equivalents: " + equivalents[0] + " at 10^6, "
                + equivalents[1] + " at 10^8");
    }

    @Test
    void theTimeLimitEndsTheSearchAndIsReported() {
        var c = MultiMinimum.frequency(5_000, 1000, 4);
        FitOptions o = FitOptions.builder().maxTime(java.time.Duration.ofNanos(1))
                .global(GlobalOptions.of(SearchMethod.de()).withSampleRows(1000)).build();
        FitResult r = Fits.fit(c.from(c.badStart()), o, PassExecutor.sequential());
        assertTrue(r.termination() instanceof io.streamlsq.result.Termination.LimitReached, r.termination().toString());
        assertEquals(0, r.global().trials());
        assertTrue(r.global().note().startsWith("the time limit ended the search after 0 of 200 trials"), r.global().note());
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("global search: no trial ran")), r.warnings().toString());
    }

    @Test
    void aMissingBoundIsRefusedNamingTheParameter() {
        var c = MultiMinimum.twoExponentials(1000, 100);
        var p = c.builder().bounds("k2", 0.05, Double.POSITIVE_INFINITY).initial(c.badStart()).build();
        var e = assertThrows(InvalidProblemException.class, () -> Fits.fit(p, global(SearchMethod.lhs(), 1000),
                PassExecutor.sequential()));
        assertTrue(e.getMessage().contains("'k2'"), e.getMessage());
    }

    @Test
    void theThreadCountDoesNotChangeTheBits() {
        var c = MultiMinimum.frequency(20_000, 1000, 2);
        for (SearchMethod m : new SearchMethod[] {SearchMethod.de(), SearchMethod.lhs()}) {
            FitOptions o = FitOptions.builder().global(GlobalOptions.of(m).withSampleRows(2000).withBudget(40)).build();
            FitResult one = Fits.fit(c.from(c.badStart()), o, PassExecutor.sequential());
            FitResult two = Fits.fit(c.from(c.badStart()), o, PassExecutor.parallel(pool, 2));
            assertArrayEquals(one.values(), two.values(), m.name());
            assertArrayEquals(one.stderr(), two.stderr(), m.name());
            assertEquals(one.global().rowsEvaluated(), two.global().rowsEvaluated());
            assertEquals(one.global().best().get(0).score(), two.global().best().get(0).score());
        }
    }
}
