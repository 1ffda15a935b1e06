package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.CheckpointMismatchException;
import io.streamlsq.resume.Checkpointing;
import io.streamlsq.testkit.MemoryCheckpointStore;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint resumes only a fit with the same curvature and smoothness terms (none, or the same γ and δ), as it
 * resumes only the same model: its sums (the last pass's, and a pass in progress's partial sums with or without the
 * series' halo) and its point were made with those terms. Resumed by a fit with other terms, the fit used to go on
 * silently with sums of the other cost (a fit with the terms reported the cost without them) or failed on the halo
 * with a NullPointerException.
 */
class SeriesTermsResumeTest {

    private static FitProblem problem(double curvature, double smoothness) {
        return ResumeExactnessTest.problem(40_000).toBuilder().seriesTerms(curvature, smoothness).build();
    }

    /** The last checkpoint written while a pass was in progress. */
    private static Checkpoint lastMidPass(FitProblem p) throws IOException {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        ResumeExactnessTest.orchestrator(FitOptions.defaults(), 1)
                .fit(p, Checkpointing.to(store, ResumeExactnessTest.EVERY_5_CHUNKS));
        Checkpoint found = null;
        for (Checkpoint c : store.all) {
            if (c.fit() != null && c.fit().pending() != null) {
                found = c;
            }
        }
        assertNotNull(found, "no checkpoint caught a pass in progress");
        return found;
    }

    private static FitResult resume(FitProblem p, Checkpoint c) throws IOException {
        MemoryCheckpointStore from = new MemoryCheckpointStore();
        from.chosen = c;
        return ResumeExactnessTest.orchestrator(FitOptions.defaults(), 1)
                .resume(p, Checkpointing.to(from, ResumeExactnessTest.EVERY_5_CHUNKS));
    }

    private static void refused(FitProblem p, Checkpoint c) {
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> resume(p, c));
        assertTrue(e.getMessage().contains("curvature"), e.getMessage());
    }

    @Test
    void aCheckpointResumesOnlyTheSameSeriesTerms() throws IOException {
        FitProblem plain = problem(0, 0);
        FitProblem terms = problem(5.0, 0.5);
        Checkpoint withoutTerms = lastMidPass(plain);
        Checkpoint withTerms = lastMidPass(terms);
        refused(terms, withoutTerms);
        refused(plain, withTerms);
        refused(problem(5.0, 0.25), withTerms);
        // the same terms still resume to the uninterrupted fit's bits
        FitResult straight = ResumeExactnessTest.orchestrator(FitOptions.defaults(), 1).fit(terms);
        assertArrayEquals(straight.values(), resume(terms, withTerms).values());
        assertArrayEquals(ResumeExactnessTest.orchestrator(FitOptions.defaults(), 1).fit(plain).values(),
                resume(plain, withoutTerms).values());
    }
}
