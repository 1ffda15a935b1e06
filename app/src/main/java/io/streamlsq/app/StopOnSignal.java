package io.streamlsq.app;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM during an {@code lsq} run. While a checkpointed fit runs ({@link #armCheckpoint}), the
 * first asks the fit to stop (it writes a checkpoint at the next chunk or resume point and ends with exit code
 * 130) and a second one exits at once with 130. Otherwise (no --checkpoint-dir, or before the fit has started)
 * there is nothing to save: the run says so on stderr and exits with 130 at once. Uses {@code sun.misc.Signal}
 * (module jdk.unsupported), the JDK's only way to handle a signal without running the shutdown sequence.
 */
final class StopOnSignal {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile boolean checkpointing;
    private volatile String notArmedReason = "no --checkpoint-dir was given, so there is nothing to resume";
    private final BooleanSupplier external;
    private final List<io.streamlsq.phase.FitListener> listeners;

    private StopOnSignal() {
        this(() -> false, List.of());
    }

    private StopOnSignal(BooleanSupplier external, List<io.streamlsq.phase.FitListener> listeners) {
        this.external = external;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * For a fit run inside a host (the service) rather than as a process of its own: no signal handler is
     * installed (the host's jobs share one JVM); {@code stop} asks the fit to checkpoint and stop, as a signal
     * would, and {@code listeners} observe the fit besides the command's own.
     */
    static StopOnSignal embedded(BooleanSupplier stop, List<io.streamlsq.phase.FitListener> listeners) {
        return new StopOnSignal(stop, listeners);
    }

    /** The host's listeners ({@link #embedded}); none for a command run. */
    List<io.streamlsq.phase.FitListener> listeners() {
        return listeners;
    }

    static StopOnSignal install(PrintStream stderr) {
        StopOnSignal s = new StopOnSignal();
        for (String name : List.of("INT", "TERM")) {
            Signal sig = new Signal(name);
            SignalHandler old = Signal.handle(sig, x -> {
                if (!s.checkpointing) {
                    stderr.println("lsq: interrupted by SIG" + x.getName() + ": " + s.notArmedReason);
                    stderr.flush();
                    Runtime.getRuntime().halt(Lsq.INTERRUPTED);
                }
                if (s.requested.getAndSet(true)) {
                    stderr.println("lsq: second SIG" + x.getName() + ": exiting without a new checkpoint");
                    stderr.flush();
                    Runtime.getRuntime().halt(Lsq.INTERRUPTED);
                }
                stderr.println("lsq: SIG" + x.getName() + ": writing a checkpoint, then stopping (send it again to stop at once)");
            });
            s.signals.add(sig);
            s.previous.add(old);
        }
        return s;
    }

    /** What a signal says before the checkpointed fit has started (e.g. while the data file is indexed). */
    void beforeFit(String reason) {
        notArmedReason = reason;
    }

    /** From now on a signal writes a checkpoint before the run stops. */
    void armCheckpoint() {
        checkpointing = true;
    }

    boolean requested() {
        return requested.get() || external.getAsBoolean();
    }

    void uninstall() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
