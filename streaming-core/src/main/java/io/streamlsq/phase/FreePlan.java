package io.streamlsq.phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * In which phases of a schedule a parameter is free (spectracles' parameter-centric specs, seeds-others.md
 * §1(b)). Plans combine with {@link #or}: the free phases are the union. If any part of the combination
 * is a {@code fixedIn}, it overrides every other part: the parameter is then free in all phases except the
 * fixedIn ones. Phases beyond the end are ignored, so {@code freeAfter(5)} in a 3-phase schedule is never
 * free.
 */
public final class FreePlan {
    private final List<Integer> freeIn;
    private final List<Integer> freeUntil;
    private final List<Integer> freeAfter;
    private final List<Integer> fixedIn;

    private FreePlan(List<Integer> freeIn, List<Integer> freeUntil, List<Integer> freeAfter, List<Integer> fixedIn) {
        this.freeIn = List.copyOf(freeIn);
        this.freeUntil = List.copyOf(freeUntil);
        this.freeAfter = List.copyOf(freeAfter);
        this.fixedIn = List.copyOf(fixedIn);
    }

    /** Free in exactly these phases. */
    public static FreePlan freeIn(int... phases) {
        return new FreePlan(indices("freeIn", phases), List.of(), List.of(), List.of());
    }

    /** Free in phases 0..p. */
    public static FreePlan freeUntil(int p) {
        return new FreePlan(List.of(), indices("freeUntil", p), List.of(), List.of());
    }

    /** Free in phases p..end. */
    public static FreePlan freeAfter(int p) {
        return new FreePlan(List.of(), List.of(), indices("freeAfter", p), List.of());
    }

    /** Free in every phase except these (overrides the rest of a combination). */
    public static FreePlan fixedIn(int... phases) {
        return new FreePlan(List.of(), List.of(), List.of(), indices("fixedIn", phases));
    }

    /** The union of both plans (a fixedIn on either side overrides). */
    public FreePlan or(FreePlan other) {
        return new FreePlan(concat(freeIn, other.freeIn), concat(freeUntil, other.freeUntil),
                concat(freeAfter, other.freeAfter), concat(fixedIn, other.fixedIn));
    }

    /** The phases, of {@code n}, in which the parameter is free. */
    public Set<Integer> resolve(int n) {
        Set<Integer> free = new TreeSet<>();
        if (!fixedIn.isEmpty()) {
            for (int i = 0; i < n; i++) {
                if (!fixedIn.contains(i)) {
                    free.add(i);
                }
            }
            return free;
        }
        for (int p : freeIn) {
            if (p < n) {
                free.add(p);
            }
        }
        for (int p : freeUntil) {
            for (int i = 0; i <= p && i < n; i++) {
                free.add(i);
            }
        }
        for (int p : freeAfter) {
            for (int i = p; i < n; i++) {
                free.add(i);
            }
        }
        return free;
    }

    private static List<Integer> indices(String what, int... phases) {
        List<Integer> l = new ArrayList<>();
        for (int p : phases) {
            if (p < 0) {
                throw new IllegalArgumentException(what + "(" + p + "): phase indices start at 0");
            }
            l.add(p);
        }
        return l;
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        List<Integer> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }
}
