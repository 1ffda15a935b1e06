package io.streamlsq.search;

/**
 * SplitMix64: a small, fast generator whose whole state is one {@code long}, so a search's randomness goes into a
 * checkpoint exactly ({@link #state()}, {@link #of(long)}). Not thread-safe.
 */
public final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    private Rng(long state) {
        this.state = state;
    }

    /** A generator continuing from {@code state} (a seed or a {@link #state()}). */
    public static Rng of(long state) {
        return new Rng(state);
    }

    /** The state: {@code Rng.of(state())} draws what this one draws next. */
    public long state() {
        return state;
    }

    public long nextLong() {
        long z = (state += GOLDEN);
        return mixBits(z);
    }

    /** Uniform in [0, 1), 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), bound &gt; 0 (Lemire's rejection, unbiased). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound = " + bound + " must be > 0");
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long t = (0x1_0000_0000L - bound) % bound;
            while (low < t) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Standard normal (Box–Muller, one of the pair; two uniforms per draw, so no hidden cached state). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * A seed derived from {@code seed} and the given parts (method, slot, restart, …): distinct parts give unrelated
     * streams, the same parts the same stream.
     */
    public static long derive(long seed, long... parts) {
        long h = mixBits(seed + GOLDEN);
        for (long p : parts) {
            h = mixBits(h ^ mixBits(p + GOLDEN));
        }
        return h;
    }

    /** A seed derived from {@code seed} and a name (e.g. the method's). */
    public static long derive(long seed, String name, long... parts) {
        long[] all = new long[parts.length + 1];
        all[0] = name.hashCode();
        System.arraycopy(parts, 0, all, 1, parts.length);
        return derive(seed, all);
    }

    private static long mixBits(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
