package io.streamlsq.phase;

import io.streamlsq.model.EvalLevel;
import io.streamlsq.resume.GlobalSnapshot.FinalistRecord;
import io.streamlsq.resume.TerminationRecord;
import io.streamlsq.result.Termination;
import java.io.IOException;
import java.util.List;

/**
 * After the global phase: fits each finalist on the full data (the fit's own local phases: warmup if asked, presolve,
 * Gauss-Newton), records each result, and leaves the state at the finalist with the lowest full-data cost. A budget
 * limit or a stop ends the round early: the best finished finalist (or the one running) is the answer. Resumable at
 * every finalist's phases; the winner is chosen once (stage DONE) and its sums recomputed by one NORMAL pass when it
 * is not the last finalist fitted.
 */
final class Finalists {
    private final PhaseOrchestrator orchestrator;
    private final PassRunner passes;

    Finalists(PhaseOrchestrator orchestrator, PassRunner passes) {
        this.orchestrator = orchestrator;
        this.passes = passes;
    }

    void run(FitState s, List<Phase> local, PhaseOrchestrator.ResumeAt at) throws IOException {
        GlobalState g = s.global;
        if (g.stage == GlobalState.DONE) {
            return;
        }
        boolean early = false;
        for (; g.finalist < g.finalists.size(); g.finalist++) {
            if (!at.pending()) {
                start(s, g.finalists.get(g.finalist));
            }
            orchestrator.runPhases(local, s, at);
            g.results.add(record(s));
            if (s.termination instanceof Termination.LimitReached || s.termination instanceof Termination.Stopped) {
                g.finalist++;
                early = true;
                break;
            }
            if (g.finalist + 1 < g.finalists.size()) {
                s.termination = null;
            }
        }
        chooseWinner(s, g, early);
    }

    /** Resets the local fit's state and starts it at {@code theta}. */
    private static void start(FitState s, double[] theta) {
        s.theta = theta.clone();
        s.q = null;
        s.diag = null;
        s.radius = Double.NaN;
        s.damping = 0;
        s.current = null;
        s.termination = null;
        s.invalidSteps = 0;
        s.gaussNewtonIterations = 0;
        s.presolveStage = 0;
        s.presolveStart = null;
        s.presolveOutcome = "not run";
        s.resumeWarmup = null;
        s.resumePending = null;
    }

    private static FinalistRecord record(FitState s) {
        double cost = s.current != null && Double.isFinite(s.current.cost()) ? s.current.cost() : Double.POSITIVE_INFINITY;
        return new FinalistRecord(s.theta.clone(), cost, TerminationRecord.of(s.termination), s.gaussNewtonIterations,
                s.presolveOutcome);
    }

    private void chooseWinner(FitState s, GlobalState g, boolean early) throws IOException {
        int best = g.results.size() - 1;
        for (int i = 0; i < g.results.size(); i++) {
            if (g.results.get(i).cost() < g.results.get(best).cost()) {
                best = i;
            }
        }
        g.winner = best;
        g.stage = GlobalState.DONE;
        if (best != g.results.size() - 1) {
            FinalistRecord r = g.results.get(best);
            s.theta = r.theta().clone();
            Termination t = r.termination() == null ? null : r.termination().toTermination();
            s.termination = early && !(t instanceof Termination.Converged) ? s.termination : t;
            s.gaussNewtonIterations = r.iterations();
            s.presolveOutcome = r.presolveOutcome();
            s.q = null;
            var pass = passes.run(FinalizePhase.NAME, s.theta, EvalLevel.NORMAL);
            s.current = pass.isFinite() ? pass.sums() : null;
        }
    }
}
