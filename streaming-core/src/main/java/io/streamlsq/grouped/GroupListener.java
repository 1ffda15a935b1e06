package io.streamlsq.grouped;

/** Told of every group's result, in input order, on the thread that called {@link GroupedFit#run}. */
@FunctionalInterface
public interface GroupListener {
    /** What the run does after a group. */
    enum Decision { CONTINUE, STOP }

    /**
     * One group's result, borrowed: valid during the call only ({@link GroupResult#copy()} keeps it).
     *
     * @return {@link Decision#STOP} to end the run after this group (the next run may resume at the next group)
     */
    Decision onGroup(GroupResult result) throws java.io.IOException;
}
