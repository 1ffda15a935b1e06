package io.streamlsq.search;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The whole state of a checkpointable {@link AskTellOptimizer}, as named arrays, so that a checkpoint can hold it
 * without knowing the optimizer: {@code restore(snapshot())} on a fresh optimizer of the same method, dimension and
 * seed continues with the same asks, bit for bit.
 *
 * @param method the optimizer's method name (restore refuses another)
 * @param doubles named double arrays (points, values, scalars as length-1 arrays)
 * @param longs named long arrays (counters, random generator states, ids)
 */
public record SearchState(String method, Map<String, double[]> doubles, Map<String, long[]> longs) {

    public SearchState {
        Objects.requireNonNull(method, "method");
        doubles = copy(doubles);
        longs = copyLongs(longs);
    }

    /** The array {@code name}, or an exception naming it and the method. */
    public double[] doubles(String name) {
        double[] a = doubles.get(name);
        if (a == null) {
            throw new IllegalArgumentException("search state of '" + method + "' has no array '" + name + "'");
        }
        return a.clone();
    }

    /** The long array {@code name}, or an exception naming it and the method. */
    public long[] longs(String name) {
        long[] a = longs.get(name);
        if (a == null) {
            throw new IllegalArgumentException("search state of '" + method + "' has no counter array '" + name + "'");
        }
        return a.clone();
    }

    /** {@code longs(name)[0]}. */
    public long scalar(String name) {
        return longs(name)[0];
    }

    /** Refuses a state of another method, naming both. */
    public void requireMethod(String expected) {
        if (!method.equals(expected)) {
            throw new IllegalArgumentException("search state is of method '" + method + "', not '" + expected + "'");
        }
    }

    /** A builder of states: {@code SearchState.builder("de").put("pop", x).put("rng", seed).build()}. */
    public static Builder builder(String method) {
        return new Builder(method);
    }

    public static final class Builder {
        private final String method;
        private final Map<String, double[]> doubles = new LinkedHashMap<>();
        private final Map<String, long[]> longs = new LinkedHashMap<>();

        private Builder(String method) {
            this.method = method;
        }

        public Builder put(String name, double... values) {
            doubles.put(name, values.clone());
            return this;
        }

        public Builder put(String name, long... values) {
            longs.put(name, values.clone());
            return this;
        }

        public SearchState build() {
            return new SearchState(method, doubles, longs);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SearchState s) || !method.equals(s.method) || !doubles.keySet().equals(s.doubles.keySet())
                || !longs.keySet().equals(s.longs.keySet())) {
            return false;
        }
        for (var e : doubles.entrySet()) {
            if (!Arrays.equals(e.getValue(), s.doubles.get(e.getKey()))) {
                return false;
            }
        }
        for (var e : longs.entrySet()) {
            if (!Arrays.equals(e.getValue(), s.longs.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return method.hashCode() * 31 + doubles.keySet().hashCode();
    }

    private static Map<String, double[]> copy(Map<String, double[]> m) {
        Map<String, double[]> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.clone()));
        return java.util.Collections.unmodifiableMap(c);
    }

    private static Map<String, long[]> copyLongs(Map<String, long[]> m) {
        Map<String, long[]> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.clone()));
        return java.util.Collections.unmodifiableMap(c);
    }
}
