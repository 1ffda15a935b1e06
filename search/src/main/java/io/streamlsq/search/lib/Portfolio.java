package io.streamlsq.search.lib;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.streamlsq.search.AskTellOptimizer;
import io.streamlsq.search.SearchState;
import io.streamlsq.search.Trial;

/**
 * Several ask/tell optimizers over the same unit box, an {@link LcbSelector} choosing which one proposes each trial
 * (cotengra's method bandit, here over search methods). For each trial the selector ranks the members; the best ranked
 * member that has a trial right now proposes it (a member may have none, e.g. differential evolution waiting for its
 * generation, or a worker pool with every worker busy). Trial ids are the portfolio's own, mapped to
 * (member, member's id); {@link #tell} routes the value to that member and tells the selector the member's score;
 * {@link #abandon} abandons it in the member and tells the selector +∞.
 *
 * <p>Exhausted when every member is. Checkpointable when every member is: the snapshot holds each member's state under
 * {@code m<i>.}, the selector's under {@code lcb.} and the id map; restore needs a portfolio built with the same
 * members in the same order. Not thread-safe; {@link #close()} closes every member.
 */
public final class Portfolio implements AskTellOptimizer {

    private record Route(int member, long memberId) {
    }

    private final int d;
    private final List<AskTellOptimizer> members;
    private final LcbSelector selector;
    private final TreeMap<Long, Route> routes = new TreeMap<>();
    private long nextId;

    /**
     * @param members at least one optimizer, all of the same dimension; the portfolio owns them (closes them)
     * @param selector a selector with one option per member
     */
    public Portfolio(List<AskTellOptimizer> members, LcbSelector selector) {
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(selector, "selector");
        if (members.isEmpty() || selector.options() != members.size()) {
            throw new IllegalArgumentException("portfolio: " + members.size() + " members and a selector over "
                    + selector.options() + " options; needs >= 1 member and one option per member");
        }
        this.d = members.get(0).dimensions();
        for (AskTellOptimizer m : members) {
            if (m.dimensions() != d) {
                throw new IllegalArgumentException("portfolio: member '" + m.method() + "' has " + m.dimensions()
                        + " dimensions, the first member " + d);
            }
        }
        this.members = List.copyOf(members);
        this.selector = selector;
    }

    @Override
    public String method() {
        return "portfolio";
    }

    @Override
    public int dimensions() {
        return d;
    }

    /** The members, in selector option order. */
    public List<AskTellOptimizer> members() {
        return members;
    }

    /** The selector (for its counts and values). */
    public LcbSelector selector() {
        return selector;
    }

    /** Which member proposed trial {@code id} (pending trials only), or −1. */
    public int memberOf(long id) {
        Route r = routes.get(id);
        return r == null ? -1 : r.member();
    }

    @Override
    public List<Trial> ask(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("portfolio: ask(" + n + ") needs n >= 1");
        }
        List<Trial> out = new ArrayList<>(n);
        while (out.size() < n) {
            Trial t = askOne();
            if (t == null) {
                break; // no member has a trial right now
            }
            out.add(t);
        }
        return out;
    }

    private Trial askOne() {
        for (int m : selector.ranking()) {
            AskTellOptimizer member = members.get(m);
            if (member.exhausted()) {
                continue;
            }
            List<Trial> got = member.ask(1);
            if (!got.isEmpty()) {
                Trial t = got.get(0);
                selector.dispatched(m);
                long id = nextId++;
                routes.put(id, new Route(m, t.id()));
                return new Trial(id, t.u());
            }
        }
        return null;
    }

    @Override
    public void tell(long id, double value) {
        Route r = route(id);
        members.get(r.member()).tell(r.memberId(), value);
        selector.tell(r.member(), AskTellOptimizer.score(value));
    }

    @Override
    public void abandon(long id) {
        Route r = route(id);
        members.get(r.member()).abandon(r.memberId());
        selector.tell(r.member(), Double.POSITIVE_INFINITY);
    }

    private Route route(long id) {
        Route r = routes.remove(id);
        if (r == null) {
            throw new IllegalArgumentException("portfolio: trial " + id + " is not pending (never asked, or told"
                    + " already)");
        }
        return r;
    }

    @Override
    public boolean exhausted() {
        for (AskTellOptimizer m : members) {
            if (!m.exhausted()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean checkpointable() {
        for (AskTellOptimizer m : members) {
            if (!m.checkpointable()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public SearchState snapshot() {
        requireCheckpointable();
        SearchState.Builder b = SearchState.builder(method()).put("next_id", nextId).put("members", members.size());
        long[] ids = new long[3 * routes.size()];
        int k = 0;
        for (Map.Entry<Long, Route> e : routes.entrySet()) {
            ids[k++] = e.getKey();
            ids[k++] = e.getValue().member();
            ids[k++] = e.getValue().memberId();
        }
        b.put("routes", ids);
        selector.snapshot(b, "lcb.");
        for (int i = 0; i < members.size(); i++) {
            SearchState s = members.get(i).snapshot();
            String p = "m" + i + ".";
            b.put(p + "method", (long) s.method().hashCode());
            s.doubles().forEach((name, v) -> b.put(p + name, v));
            s.longs().forEach((name, v) -> b.put(p + name, v));
        }
        return b.build();
    }

    @Override
    public void restore(SearchState s) {
        requireCheckpointable();
        s.requireMethod(method());
        if (s.scalar("members") != members.size()) {
            throw new IllegalArgumentException("portfolio state has " + s.scalar("members") + " members, this one "
                    + members.size());
        }
        List<SearchState> parts = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            String p = "m" + i + ".";
            AskTellOptimizer m = members.get(i);
            if (s.scalar(p + "method") != m.method().hashCode()) {
                throw new IllegalArgumentException("portfolio state: member " + i + " is not of method '" + m.method()
                        + "'");
            }
            SearchState.Builder b = SearchState.builder(m.method());
            s.doubles().forEach((name, v) -> {
                if (name.startsWith(p)) {
                    b.put(name.substring(p.length()), v);
                }
            });
            s.longs().forEach((name, v) -> {
                if (name.startsWith(p) && !name.equals(p + "method")) {
                    b.put(name.substring(p.length()), v);
                }
            });
            parts.add(b.build());
        }
        long[] ids = s.longs("routes");
        for (int i = 0; i < members.size(); i++) {
            members.get(i).restore(parts.get(i));
        }
        selector.restore(s, "lcb.");
        nextId = s.scalar("next_id");
        routes.clear();
        for (int k = 0; k + 2 < ids.length; k += 3) {
            routes.put(ids[k], new Route((int) ids[k + 1], ids[k + 2]));
        }
    }

    private void requireCheckpointable() {
        if (!checkpointable()) {
            throw new UnsupportedOperationException("portfolio: a member runs a library optimizer on its own thread"
                    + " and is not resumable mid-search; the portfolio has no snapshot or restore");
        }
    }

    /** Closes every member; the first failure is thrown with the others suppressed. */
    @Override
    public void close() {
        Optimizers.closeAll(members);
    }
}
