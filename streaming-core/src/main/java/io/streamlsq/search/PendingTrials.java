package io.streamlsq.search;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * Trials asked and not yet told, by id, with a number the optimizer attaches to each (a population slot, an index);
 * refuses tells for unknown ids by name. Part of an optimizer's checkpointable state.
 */
final class PendingTrials {
    private final TreeMap<Long, Long> pending = new TreeMap<>();

    void add(long id, long slot) {
        pending.put(id, slot);
    }

    /** The slot of {@code id}, removing it; an exception naming the id when it is not pending. */
    long remove(String method, long id) {
        Long slot = pending.remove(id);
        if (slot == null) {
            throw new IllegalArgumentException(method + ": trial " + id + " is not pending (never asked, or told already)");
        }
        return slot;
    }

    int size() {
        return pending.size();
    }

    long[] toArray() {
        long[] a = new long[2 * pending.size()];
        int i = 0;
        for (var e : pending.entrySet()) {
            a[i++] = e.getKey();
            a[i++] = e.getValue();
        }
        return a;
    }

    void restore(long[] a) {
        pending.clear();
        for (int i = 0; i + 1 < a.length; i += 2) {
            pending.put(a[i], a[i + 1]);
        }
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
