package io.streamlsq.accumulate;

import java.util.Arrays;

/**
 * sheap's curvature and smoothness terms, streamed: extra residual rows {@code √(2γ)·(D2 r)_i} and
 * {@code √(2δ)·(D1 r)_i} for every row i of the residual series {@code r = f(x; θ) − y} (unweighted, in data units,
 * unit index spacing, rows in the order the pass reads them), so that the cost gains {@code γ Σ (D2 r)² + δ Σ (D1 r)²}.
 * D1 is {@code numpy.gradient}: {@code (r[i+1] − r[i−1])/2} inside, {@code r[1] − r[0]} and {@code r[n−1] − r[n−2]}
 * at the ends; {@code D2 = D1∘D1}, which inside is the wide stencil {@code (r[i+2] − 2r[i] + r[i−2])/4}. The rows
 * carry the loss-free weight 1 and do not count as data rows (rows, degrees of freedom, weight sum).
 *
 * <p>A row's stencil reaches two rows either side, across chunk boundaries. So each chunk's sums hold the rows of
 * its interior (two rows from either end of the chunk) and keep the raw residual and Jacobian of its first and last
 * four rows (the halo); the chunk-ordered {@link NormalEquations#merge merge} of two neighbours adds the rows of the
 * seam from the left's last four and the right's first four, and {@link NormalEquations#finishSeries()} adds the
 * series' first and last two rows with the end stencils once the pass has read everything. The bits therefore
 * depend only on the chunking, as the rest of the sums do, and the totals equal the direct formula on the whole
 * series. One instance is the state of one span of consecutive rows. Not thread-safe.
 */
public final class ResidualSeries {
    /** Rows kept at each end of a span. */
    static final int HALO = 4;
    /** Rows buffered before they go to the sums in one kernel call (64 made the Gram kernel's set-up dominate). */
    private static final int ROWS_PER_FLUSH = 512;

    private final int p;
    private final int w;
    private final double curvatureWeight;
    private final double smoothnessWeight;
    private final double curvature;
    private final double smoothness;
    /** Rows in the span; 0 is the identity of the merge. */
    private long n;
    private boolean withJacobian = true;
    /**
     * Whether the pass sums only the gradient (a GRADIENT pass): the rows then add to Jᵀr and Σr² alone, as the data
     * rows do, not to JᵀJ (which such a pass does not form: p+1 numbers a row instead of (p+1)(p+2)/2).
     */
    private boolean gradientOnly;
    private final double[] head;
    private int headLen;
    private final double[] tail;
    private int tailLen;
    // streaming within one chunk
    private final double[] ring;
    private long pushed;
    /** The ring slot the next row goes to (pushed mod 5, kept without a division per row). */
    private int ringNext;
    private NormalEquations target;
    private final double[][] outJ;
    private final double[] outR;
    private int outLen;
    private double emitted;
    private final double[] window;
    private final double[] scratchRow;

    private ResidualSeries(int p, double curvature, double smoothness) {
        this.p = p;
        this.w = p + 1;
        this.curvature = curvature;
        this.smoothness = smoothness;
        this.curvatureWeight = Math.sqrt(2 * curvature);
        this.smoothnessWeight = Math.sqrt(2 * smoothness);
        this.head = new double[HALO * w];
        this.tail = new double[HALO * w];
        this.ring = new double[5 * w];
        this.outJ = new double[p][ROWS_PER_FLUSH];
        this.outR = new double[ROWS_PER_FLUSH];
        this.window = new double[2 * HALO * w];
        this.scratchRow = new double[w];
    }

    /**
     * The state for sums of {@code p} parameters with weights γ = {@code curvature} and δ = {@code smoothness}.
     *
     * @throws IllegalArgumentException if a weight is negative or not finite, or both are 0
     */
    public static ResidualSeries of(int p, double curvature, double smoothness) {
        if (!(curvature >= 0 && Double.isFinite(curvature)) || !(smoothness >= 0 && Double.isFinite(smoothness))) {
            throw new IllegalArgumentException("curvature = " + curvature + " and smoothness = " + smoothness
                    + " must be finite and >= 0");
        }
        if (curvature == 0 && smoothness == 0) {
            throw new IllegalArgumentException("curvature and smoothness are both 0: there is no series term");
        }
        return new ResidualSeries(p, curvature, smoothness);
    }

    /** γ, the weight of Σ (D2 r)² in the cost. */
    public double curvature() {
        return curvature;
    }

    /** δ, the weight of Σ (D1 r)² in the cost. */
    public double smoothness() {
        return smoothness;
    }

    /** An empty span with the same dimension and weights. */
    ResidualSeries emptyLike() {
        return new ResidualSeries(p, curvature, smoothness);
    }

    /** Rows in the span. */
    long rows() {
        return n;
    }

    void reset() {
        n = 0;
        headLen = 0;
        tailLen = 0;
        withJacobian = true;
        gradientOnly = false;
    }

    void copyFrom(ResidualSeries o) {
        n = o.n;
        headLen = o.headLen;
        tailLen = o.tailLen;
        withJacobian = o.withJacobian;
        gradientOnly = o.gradientOnly;
        System.arraycopy(o.head, 0, head, 0, head.length);
        System.arraycopy(o.tail, 0, tail, 0, tail.length);
    }

    // ---- one chunk, row by row (ChunkEvaluator) ----

    /**
     * Starts the rows of one chunk, whose rows go to {@code out} (empty span: {@code out} was reset), for a pass with
     * a Jacobian ({@code jacobian}) that sums only the gradient ({@code gradientOnly}) or the normal equations.
     */
    void begin(NormalEquations out, boolean jacobian, boolean gradientOnly) {
        if (n != 0) {
            throw new IllegalStateException("a chunk's series starts on an empty span, not one of " + n + " rows");
        }
        this.target = out;
        this.withJacobian = jacobian;
        this.gradientOnly = jacobian && gradientOnly;
        this.pushed = 0;
        this.ringNext = 0;
        this.outLen = 0;
        this.emitted = 0;
    }

    /** Σ of the squares of the rows this chunk has added to its sums so far (before {@link #end()}). */
    double emittedSsr() {
        return emitted; // rows still buffered are added by end(), after the caller's count
    }

    /**
     * The next row of the chunk: raw residual {@code r} and, when the pass has a Jacobian, its derivatives
     * {@code jacobian[active[k]][i]}. Adds the rows of every position that now has its two neighbours either side
     * within the chunk.
     */
    void push(double r, double[][] jacobian, int[] active, int i) {
        int slot = ringNext * w;
        ring[slot] = r;
        if (withJacobian) {
            for (int k = 0; k < p; k++) {
                ring[slot + 1 + k] = jacobian[active[k]][i];
            }
        }
        if (pushed < HALO) {
            System.arraycopy(ring, slot, head, (int) pushed * w, w);
            headLen++;
        }
        pushed++;
        ringNext = ringNext == 4 ? 0 : ringNext + 1;
        if (pushed >= 5) {
            // interior position pushed − 3 (0-based in the chunk): rows pushed−5 .. pushed−1 are in the ring, the
            // oldest in the slot the next row will take
            emitInterior(ring, ringNext, 5);
        }
    }

    /** Ends the chunk: keeps its last rows as the tail and flushes the rows added. */
    void end() {
        n = pushed;
        tailLen = (int) Math.min(pushed, HALO);
        for (int t = 0; t < tailLen; t++) {
            long row = pushed - tailLen + t;
            System.arraycopy(ring, (int) (row % 5) * w, tail, t * w, w);
        }
        flush();
        target = null;
    }

    /**
     * Adds the rows of the centre of five consecutive rows held in {@code rows} (a ring of {@code size} slots of
     * w numbers, the first at slot {@code first}): interior stencils.
     */
    private void emitInterior(double[] rows, int first, int size) {
        // slots first .. first+4 around the ring, without a division per row (this runs for every row)
        int ia = first;
        int ib = ia + 1 == size ? 0 : ia + 1;
        int ic = ib + 1 == size ? 0 : ib + 1;
        int id = ic + 1 == size ? 0 : ic + 1;
        int ie = id + 1 == size ? 0 : id + 1;
        int a = ia * w;
        int b = ib * w;
        int c = ic * w;
        int d = id * w;
        int e = ie * w;
        int cols = withJacobian ? w : 1;
        if (curvature != 0) {
            double s = curvatureWeight * 0.25;
            for (int j = 0; j < cols; j++) {
                scratchRow[j] = s * (rows[a + j] - 2 * rows[c + j] + rows[e + j]);
            }
            emit(scratchRow);
        }
        if (smoothness != 0) {
            double s = smoothnessWeight * 0.5;
            for (int j = 0; j < cols; j++) {
                scratchRow[j] = s * (rows[d + j] - rows[b + j]);
            }
            emit(scratchRow);
        }
    }

    private void emit(double[] row) {
        outR[outLen] = row[0];
        for (int k = 0; k < p; k++) {
            outJ[k][outLen] = withJacobian ? row[1 + k] : 0.0;
        }
        if (++outLen == outR.length) {
            flush();
        }
    }

    private void flush() {
        if (outLen > 0) {
            for (int i = 0; i < outLen; i++) {
                emitted += outR[i] * outR[i];
            }
            target.addSeriesRows(outJ, outR, outLen, withJacobian, gradientOnly);
            outLen = 0;
        }
    }

    // ---- merging spans and closing the series (NormalEquations) ----

    /**
     * Appends the span {@code right} (the rows read just after this span's) and adds the rows whose stencils
     * straddle the seam to {@code into}.
     */
    void append(ResidualSeries right, NormalEquations into) {
        if (right.n == 0) {
            return;
        }
        if (n == 0) {
            copyFrom(right);
            return;
        }
        withJacobian &= right.withJacobian;
        gradientOnly = withJacobian && (gradientOnly || right.gradientOnly);
        long nl = n;
        long nc = n + right.n;
        // the window: this span's last rows, then the right's first rows (consecutive positions)
        long winStart = nl - tailLen;
        System.arraycopy(tail, 0, window, 0, tailLen * w);
        System.arraycopy(right.head, 0, window, tailLen * w, right.headLen * w);
        int winLen = tailLen + right.headLen;
        target = into;
        outLen = 0;
        // positions pending on either side (within two rows of a span end) that are not pending in the union
        long[] candidates = {nl - 2, nl - 1, nl, nl + 1};
        for (long q : candidates) {
            boolean pendingLeft = q >= 0 && q < nl && (q < 2 || q >= nl - 2);
            boolean pendingRight = q >= nl && q < nc && (q - nl < 2 || q >= nc - 2);
            boolean pendingUnion = q < 2 || q >= nc - 2;
            if ((pendingLeft || pendingRight) && !pendingUnion) {
                int first = (int) (q - 2 - winStart);
                if (first < 0 || first + 5 > winLen) {
                    throw new AssertionError("halo window misses rows for position " + q);
                }
                emitWindow(first);
            }
        }
        flush();
        target = null;
        // the union's first and last rows
        if (headLen < HALO) {
            int take = Math.min(HALO - headLen, right.headLen);
            System.arraycopy(right.head, 0, head, headLen * w, take * w);
            headLen += take;
        }
        if (right.tailLen >= HALO) {
            System.arraycopy(right.tail, 0, tail, 0, HALO * w);
            tailLen = HALO;
        } else {
            int keepLeft = (int) Math.min(HALO - right.tailLen, tailLen);
            double[] t = new double[HALO * w];
            System.arraycopy(tail, (tailLen - keepLeft) * w, t, 0, keepLeft * w);
            System.arraycopy(right.tail, 0, t, keepLeft * w, right.tailLen * w);
            System.arraycopy(t, 0, tail, 0, HALO * w);
            tailLen = keepLeft + right.tailLen;
        }
        n = nc;
    }

    private void emitWindow(int first) {
        emitInterior(window, first, 2 * HALO);
    }

    /**
     * Adds the rows of the series' first and last two positions, with numpy.gradient's end stencils, to
     * {@code into}; the span is the whole series. Afterwards the span is empty.
     *
     * @throws IllegalArgumentException if the series has fewer than 2 rows (numpy.gradient's minimum)
     */
    void finish(NormalEquations into) {
        if (n == 0) {
            return;
        }
        if (n < 2) {
            throw new IllegalArgumentException("the curvature and smoothness terms need a residual series of at least"
                    + " 2 rows, not " + n);
        }
        target = into;
        outLen = 0;
        long[] positions = n <= 4 ? range(n) : new long[] {0, 1, n - 2, n - 1};
        double[] c = new double[5];
        for (long q : positions) {
            int cols = withJacobian ? w : 1;
            if (curvature != 0) {
                long from = d2Stencil(q, n, c);
                combine(c, from, curvatureWeight, cols);
            }
            if (smoothness != 0) {
                long from = d1Stencil(q, n, c);
                combine(c, from, smoothnessWeight, cols);
            }
        }
        flush();
        target = null;
        reset();
    }

    private static long[] range(long n) {
        long[] r = new long[(int) n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private void combine(double[] c, long from, double weight, int cols) {
        Arrays.fill(scratchRow, 0.0);
        for (int t = 0; t < 5; t++) {
            if (c[t] != 0) {
                double[] src = rowAt(from + t);
                int off = rowOffset(from + t);
                for (int j = 0; j < cols; j++) {
                    scratchRow[j] += weight * c[t] * src[off + j];
                }
            }
        }
        emit(scratchRow);
    }

    private double[] rowAt(long pos) {
        return pos < headLen ? head : tail;
    }

    private int rowOffset(long pos) {
        if (pos < headLen) {
            return (int) pos * w;
        }
        long t = pos - (n - tailLen);
        if (t < 0 || t >= tailLen) {
            throw new AssertionError("row " + pos + " of " + n + " is not kept");
        }
        return (int) t * w;
    }

    /**
     * Coefficients of {@code (D1 r)_q} over rows {@code from .. from+4} (returned) in a series of {@code len} rows.
     */
    static long d1Stencil(long q, long len, double[] c) {
        Arrays.fill(c, 0.0);
        long from = q - 2;
        addGradient(q, len, 1.0, from, c);
        return from;
    }

    /** Coefficients of {@code (D2 r)_q = (D1 D1 r)_q} over rows {@code from .. from+4} (returned). */
    static long d2Stencil(long q, long len, double[] c) {
        Arrays.fill(c, 0.0);
        long from = q - 2;
        if (q == 0) {
            addGradient(1, len, 1.0, from, c);
            addGradient(0, len, -1.0, from, c);
        } else if (q == len - 1) {
            addGradient(len - 1, len, 1.0, from, c);
            addGradient(len - 2, len, -1.0, from, c);
        } else {
            addGradient(q + 1, len, 0.5, from, c);
            addGradient(q - 1, len, -0.5, from, c);
        }
        return from;
    }

    /** {@code c += scale · (coefficients of (D1 r)_j)}, rows relative to {@code from}. */
    private static void addGradient(long j, long len, double scale, long from, double[] c) {
        if (j == 0) {
            c[(int) (1 - from)] += scale;
            c[(int) (0 - from)] -= scale;
        } else if (j == len - 1) {
            c[(int) (len - 1 - from)] += scale;
            c[(int) (len - 2 - from)] -= scale;
        } else {
            c[(int) (j + 1 - from)] += 0.5 * scale;
            c[(int) (j - 1 - from)] -= 0.5 * scale;
        }
    }

    /**
     * The term {@code γ Σ (D2 r)² + δ Σ (D1 r)²} of a whole series held in memory, by the direct formula (tests,
     * and fits whose series is in memory).
     */
    public double directTerm(double[] r) {
        int len = r.length;
        if (len < 2) {
            throw new IllegalArgumentException("a residual series of " + len + " rows; the terms need at least 2");
        }
        double[] d1 = gradient(r);
        double[] d2 = gradient(d1);
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < len; i++) {
            s1 += d1[i] * d1[i];
            s2 += d2[i] * d2[i];
        }
        return curvature * s2 + smoothness * s1;
    }

    /** numpy.gradient with unit spacing and first-order ends. */
    public static double[] gradient(double[] f) {
        int len = f.length;
        double[] g = new double[len];
        g[0] = f[1] - f[0];
        g[len - 1] = f[len - 1] - f[len - 2];
        for (int i = 1; i < len - 1; i++) {
            g[i] = (f[i + 1] - f[i - 1]) / 2;
        }
        return g;
    }

    // ---- persistence (checkpoints' partial sums, Spark's chunk outcomes) ----

    /**
     * The span as numbers: n, the pass's Jacobian (0 none, 1 the normal equations, 2 the gradient only), headLen,
     * tailLen, the head rows, the tail rows.
     */
    double[] toArray() {
        double[] a = new double[4 + (headLen + tailLen) * w];
        a[0] = n;
        a[1] = withJacobian ? (gradientOnly ? 2 : 1) : 0;
        a[2] = headLen;
        a[3] = tailLen;
        System.arraycopy(head, 0, a, 4, headLen * w);
        System.arraycopy(tail, 0, a, 4 + headLen * w, tailLen * w);
        return a;
    }

    /** Inverse of {@link #toArray()}. */
    void readArray(double[] a) {
        if (a.length < 4) {
            throw new IllegalArgumentException("a residual-series halo needs at least 4 numbers, got " + a.length);
        }
        int hl = (int) a[2];
        int tl = (int) a[3];
        if (hl < 0 || hl > HALO || tl < 0 || tl > HALO || a.length != 4 + (hl + tl) * w || a[0] < Math.max(hl, tl)) {
            throw new IllegalArgumentException("a residual-series halo of " + a.length + " numbers does not hold "
                    + hl + " + " + tl + " rows of " + w + " numbers for " + (long) a[0] + " rows");
        }
        n = (long) a[0];
        withJacobian = a[1] != 0;
        gradientOnly = a[1] == 2;
        headLen = hl;
        tailLen = tl;
        System.arraycopy(a, 4, head, 0, hl * w);
        System.arraycopy(a, 4 + hl * w, tail, 0, tl * w);
    }
}
