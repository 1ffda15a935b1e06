package io.streamlsq.exec;

import io.streamlsq.accumulate.ChunkEvaluator;
import io.streamlsq.accumulate.NonFinite;
import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import java.io.IOException;

/** One cursor, one evaluator, on the calling thread. */
final class SequentialPassExecutor implements PassExecutor {

    @Override
    public int workers() {
        return 1;
    }

    @Override
    public PassResult run(PassRequest req) throws IOException {
        ChunkEvaluator evaluator = req.evaluators().get(0);
        NormalEquations total = req.initial().copy();
        NormalEquations contribution = total.emptyLike();
        long chunks = 0;
        try (ChunkCursor cursor = req.source().open(req.columns(), req.firstChunk())) {
            Chunk chunk;
            while ((chunk = cursor.next()) != null) {
                req.checkContent(chunk);
                contribution.reset();
                NonFinite bad = evaluator.evaluate(chunk, req.theta(), req.level(), contribution);
                if (bad != null) {
                    return new PassResult(total, bad, chunks);
                }
                total.merge(contribution);
                chunks++;
                req.observer().onChunkMerged(chunk.index() + 1, total.rows(), total);
            }
        }
        return new PassResult(total, null, chunks);
    }
}
