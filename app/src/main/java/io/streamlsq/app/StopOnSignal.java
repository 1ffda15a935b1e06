package io.streamlsq.app;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM while a checkpointed fit runs: the first asks the fit to stop (it writes a checkpoint
 * at the next chunk or resume point and ends with exit code 130); a second one exits at once with 130.
 * Uses {@code sun.misc.Signal} (module jdk.unsupported), the JDK's only way to handle a signal without
 * running the shutdown sequence.
 */
final class StopOnSignal {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private StopOnSignal() {
    }

    static StopOnSignal install(PrintStream stderr) {
        StopOnSignal s = new StopOnSignal();
        for (String name : List.of("INT", "TERM")) {
            Signal sig = new Signal(name);
            SignalHandler old = Signal.handle(sig, x -> {
                if (s.requested.getAndSet(true)) {
                    stderr.println("lsq: second " + x.getName() + ": exiting without a new checkpoint");
                    Runtime.getRuntime().halt(Lsq.INTERRUPTED);
                }
                stderr.println("lsq: " + x.getName() + ": writing a checkpoint, then stopping (send it again to stop at once)");
            });
            s.signals.add(sig);
            s.previous.add(old);
        }
        return s;
    }

    boolean requested() {
        return requested.get();
    }

    void uninstall() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
