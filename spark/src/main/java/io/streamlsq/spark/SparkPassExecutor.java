package io.streamlsq.spark;

import io.streamlsq.accumulate.NonFinite;
import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.SampledDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.exec.PassRequest;
import io.streamlsq.exec.PassResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Runs each pass as one Spark job. The pass's chunks {@code [firstChunk, K)} are cut into contiguous ranges, one per
 * partition; each task evaluates its chunks with a {@link io.streamlsq.accumulate.ChunkEvaluator} built from the
 * driver's (same model, same code) into one empty contribution per chunk, exactly as a local worker does, and sends
 * the contributions back. The driver merges them onto {@code initial} strictly in chunk order as partitions finish,
 * telling the observer after each chunk, so checkpoints and resume work as in a local fit and the sums have the same
 * bits as the local engine's, whatever the number of partitions, executors or task retries.
 *
 * <p>Full passes need a {@link SparkDataSource} (a source the executors can open again) or a {@link DatasetSource}
 * (a Dataset's rows cut into chunks and kept by Spark); sample passes (warmup, presolve) over a sample of one are run
 * on Spark too, reading the sample's chunks of the base source. A pass over
 * any other source runs on the driver with the sequential executor (same bits) and is counted in
 * {@link #passesOnDriver()}.
 *
 * <p>Driver memory: the contributions of the chunks not yet merged, at most {@code K × (2P + 5)} doubles with
 * {@code P = (p+1)(p+2)/2}. Not thread-safe: one pass at a time.
 */
public final class SparkPassExecutor implements PassExecutor {
    private final JavaSparkContext jsc;
    private final int partitions;
    private final AtomicLong sparkPasses = new AtomicLong();
    private final AtomicLong driverPasses = new AtomicLong();

    /**
     * @param sc the Spark context (the caller owns it)
     * @param partitions partitions per pass (at most one per chunk); 0 for the context's default parallelism
     */
    public SparkPassExecutor(SparkContext sc, int partitions) {
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions = " + partitions + " must be >= 0");
        }
        this.jsc = JavaSparkContext.fromSparkContext(sc);
        this.partitions = partitions;
    }

    /** One evaluator on the driver: it is the template of the executors' and runs the passes kept on the driver. */
    @Override
    public int workers() {
        return 1;
    }

    /** Passes run as Spark jobs so far. */
    public long passesOnSpark() {
        return sparkPasses.get();
    }

    /** Passes run on the driver so far (sources that cannot be opened on executors). */
    public long passesOnDriver() {
        return driverPasses.get();
    }

    @Override
    public PassResult run(PassRequest req) throws IOException {
        Plan plan = Plan.of(req.source());
        if (plan == null) {
            driverPasses.incrementAndGet();
            return PassExecutor.sequential().run(req);
        }
        long end = plan.chunkMap == null ? plan.base.chunkCount() : plan.chunkMap.length;
        long first = req.firstChunk();
        NormalEquations total = req.initial().copy();
        if (first >= end) {
            return new PassResult(total, null, 0);
        }
        sparkPasses.incrementAndGet();
        BitSet wanted = digestsWanted(req, first, end);
        PassSpec pass = new PassSpec(EvaluatorSpec.of(req.evaluators().get(0)), req.columns(), req.theta(), req.level(),
                total.form(), total.dimension(), wanted);
        DistributedSource.PassJob job = plan.base.job(jsc, pass, first, end, plan.chunkMap, partitions);
        Results results = new Results(job.partitions().length);
        @SuppressWarnings({"unchecked", "rawtypes"})
        scala.collection.immutable.Seq<Object> ids = (scala.collection.immutable.Seq) scala.jdk.javaapi.CollectionConverters
                .asScala(java.util.Arrays.stream(job.partitions()).boxed().toList()).toSeq();
        jsc.setJobDescription("streamlsq " + req.level() + " pass over " + plan.base.describe() + " (chunks " + first
                + ".." + (end - 1) + ")");
        @SuppressWarnings("unchecked")
        SimpleFutureAction<BoxedUnit> running = jsc.sc().submitJob(job.rdd(), job.task(), ids, results, new Unit());
        try {
            return merge(req, plan, total, job.ranges(), results, running, wanted);
        } finally {
            if (!running.isCompleted()) {
                running.cancel();
            }
        }
    }

    private PassResult merge(PassRequest req, Plan plan, NormalEquations total, List<long[]> ranges, Results results,
            SimpleFutureAction<BoxedUnit> job, BitSet wanted) throws IOException {
        long merged = 0;
        int p = total.dimension();
        for (int i = 0; i < ranges.size(); i++) {
            List<ChunkOutcome> outcomes = results.await(i, job);
            long expect = ranges.get(i)[0];
            for (ChunkOutcome o : outcomes) {
                if (o.chunk() != expect) {
                    throw new IllegalStateException("a task returned chunk " + o.chunk() + " where chunk " + expect
                            + " was due");
                }
                expect++;
                if (wanted != null && wanted.get((int) o.chunk())) {
                    // recorded the first time (so the fit's checkpoints hold it), compared after a resume
                    req.digests().check(req.source(), o.chunk(), o.digest());
                }
                plan.base.accept(plan.chunkMap == null ? o.chunk() : plan.chunkMap[(int) o.chunk()], o);
                NonFinite bad = o.nonFinite();
                if (bad != null) {
                    return new PassResult(total, bad, merged);
                }
                total.merge(NormalEquations.fromArray(p, o.sums(), total.form()).withSeries(o.series(),
                        req.evaluators().get(0).curvature(), req.evaluators().get(0).smoothness()));
                merged++;
                req.observer().onChunkMerged(o.chunk() + 1, total.rows(), total);
            }
            if (expect != ranges.get(i)[1]) {
                throw new IllegalStateException("a task returned chunks " + ranges.get(i)[0] + ".." + (expect - 1)
                        + " of " + ranges.get(i)[0] + ".." + (ranges.get(i)[1] - 1));
            }
        }
        return new PassResult(total, null, merged);
    }

    /**
     * The chunks of this pass whose digest the fit needs: not yet checked by this process, i.e. never read (their
     * digest is recorded) or read before a checkpoint (it is compared). Null for a pass without digests (samples).
     */
    private static BitSet digestsWanted(PassRequest req, long first, long end) {
        if (req.digests() == null) {
            return null;
        }
        BitSet wanted = new BitSet();
        for (long k = first; k < Math.min(end, Integer.MAX_VALUE); k++) {
            if (!req.digests().isChecked(k)) {
                wanted.set((int) k);
            }
        }
        return wanted.isEmpty() ? null : wanted;
    }

    /** The source the executors open and, for a sample pass, the base chunk read for each sample chunk. */
    private record Plan(DistributedSource base, long[] chunkMap) {
        static Plan of(DataSource source) {
            if (source instanceof DistributedSource s) {
                return new Plan(s, null);
            }
            // SampledDataSource has no accessor for its base source yet: read reflectively, as EvaluatorSpec does
            if (source instanceof SampledDataSource sample && sample.isRandomAccess()
                    && EvaluatorSpec.field(sample, "base") instanceof DistributedSource s) {
                return new Plan(s, sample.chunks());
            }
            return null;
        }
    }

    /** Partition results as they arrive (called by Spark's scheduler thread), awaited in order by the driver. */
    private static final class Results extends AbstractFunction2<Object, ArrayList<ChunkOutcome>, BoxedUnit> {
        private final AtomicReferenceArray<List<ChunkOutcome>> parts;

        Results(int n) {
            this.parts = new AtomicReferenceArray<>(n);
        }

        @Override
        public BoxedUnit apply(Object index, ArrayList<ChunkOutcome> outcome) {
            parts.set((Integer) index, outcome);
            synchronized (this) {
                notifyAll();
            }
            return BoxedUnit.UNIT;
        }

        List<ChunkOutcome> await(int part, SimpleFutureAction<BoxedUnit> job) throws IOException {
            while (true) {
                List<ChunkOutcome> r = parts.get(part);
                if (r != null) {
                    return r;
                }
                if (job.isCompleted()) {
                    r = parts.get(part);
                    if (r != null) {
                        return r;
                    }
                    failure(job);
                }
                synchronized (this) {
                    if (parts.get(part) == null) {
                        try {
                            wait(50);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("Spark pass interrupted", e);
                        }
                    }
                }
            }
        }

        private static void failure(SimpleFutureAction<BoxedUnit> job) throws IOException {
            try {
                job.get();
            } catch (Exception e) {
                throw new IOException("the Spark pass failed: " + e.getMessage(), e);
            }
            throw new IllegalStateException("the Spark job finished without all its partitions' results");
        }
    }

    private static final class Unit extends AbstractFunction0<BoxedUnit> {
        @Override
        public BoxedUnit apply() {
            return BoxedUnit.UNIT;
        }
    }
}
