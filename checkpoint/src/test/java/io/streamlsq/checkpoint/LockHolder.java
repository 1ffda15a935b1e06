package io.streamlsq.checkpoint;

import java.nio.file.Path;

/** A child JVM for {@link DirectoryLockTest}: holds a store on args[0] until its stdin closes. */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Hdf5CheckpointStore store = Hdf5CheckpointStore.open(Path.of(args[0]))) {
            System.out.println("locked " + ProcessHandle.current().pid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
        System.out.println("released");
    }
}
