package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.options.GlobalOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointPolicy;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.search.SearchMethod;
import io.streamlsq.testkit.MemoryCheckpointStore;
import io.streamlsq.testkit.MultiMinimum;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A killed global search resumes to the same bits (native methods): from every checkpoint the search, the tournament
 * and the first finalist write, and from every fifth checkpoint after that, with the other thread count.
 */
class GlobalResumeTest {
    static final ExecutorService POOL = Executors.newFixedThreadPool(2);
    /** Every resume point writes. */
    static final CheckpointPolicy ALWAYS = new CheckpointPolicy(Duration.ofNanos(1), 0, true);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    static PhaseOrchestrator orchestrator(FitOptions o, int threads) {
        PassExecutor ex = threads == 1 ? PassExecutor.sequential() : PassExecutor.parallel(POOL, threads);
        return new PhaseOrchestrator(o, ex, Ticker.system(), List.of());
    }

    static void resumesWithTheSameBits(SearchMethod m) throws IOException {
        var c = MultiMinimum.frequency(20_000, 1000, 3);
        FitProblem p = c.from(c.badStart());
        FitOptions o = FitOptions.builder().global(GlobalOptions.of(m).withSampleRows(1000).withBudget(40)).build();
        FitResult plain = orchestrator(o, 2).fit(p);
        assertEquals(1, plain.global().rounds().size(), "the test should cover a tournament round: " + plain.global());
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        FitResult written = orchestrator(o, 2).fit(p, Checkpointing.to(store, ALWAYS));
        assertArrayEquals(plain.values(), written.values(), "checkpointing does not change the fit");
        List<String> where = new ArrayList<>();
        int afterSearch = 0;
        for (Checkpoint ck : new ArrayList<>(store.all)) {
            boolean inSearch = ck.fit().phase().equals(GlobalPhase.NAME) || ck.fit().global().results().isEmpty();
            if (!inSearch && afterSearch++ % 5 != 0) {
                continue;
            }
            where.add(ck.fit().phase() + "/" + ck.fit().global().stage());
            MemoryCheckpointStore from = new MemoryCheckpointStore();
            from.chosen = ck;
            FitResult r = orchestrator(o, 1).resume(p, Checkpointing.to(from, ALWAYS));
            String at = "resumed at " + ck.where() + " (" + ck.fit().phase() + ", stage " + ck.fit().global().stage() + ")";
            assertArrayEquals(plain.values(), r.values(), at);
            assertArrayEquals(plain.stderr(), r.stderr(), at);
            assertEquals(plain.passes(), r.passes(), at);
            assertEquals(plain.rowsEvaluated(), r.rowsEvaluated(), at);
            assertEquals(plain.termination(), r.termination(), at);
            assertEquals(plain.global().trials(), r.global().trials(), at);
            assertEquals(plain.global().winner(), r.global().winner(), at);
            assertEquals(plain.global().best().get(0).score(), r.global().best().get(0).score(), at);
        }
        assertTrue(where.contains("global/0") && where.contains("global/1") && where.contains("finalize/3"), where.toString());
    }

    @Test
    void differentialEvolutionResumesWithTheSameBits() throws IOException {
        resumesWithTheSameBits(SearchMethod.de());
    }

    @Test
    void latinHypercubeResumesWithTheSameBits() throws IOException {
        resumesWithTheSameBits(SearchMethod.lhs());
    }
}
