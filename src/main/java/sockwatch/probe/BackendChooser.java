package sockwatch.probe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sockwatch.probe.bpftrace.BpftraceBackend;
import sockwatch.probe.stap.StapBackend;
import sockwatch.probe.strace.StraceBackend;

/**
 * Knows every trace backend, in order of preference, and picks one that can actually run here and watch what
 * the request asks for. "auto" tries them in order and remembers why the better ones were passed over, for the
 * banner.
 */
public final class BackendChooser {
    private final Map<String, TraceBackend> backends = new LinkedHashMap<>();

    public BackendChooser(List<TraceBackend> inPreferenceOrder) {
        inPreferenceOrder.forEach(b -> backends.put(b.name(), b));
    }

    public static BackendChooser standard() {
        return standard(null);
    }

    /**
     * stap first: where it runs it needs no BTF and its module can be built elsewhere; on kernels without
     * loadable modules or kprobes (or locked down) it is passed over, with the reason, for bpftrace.
     *
     * @param stapModule a module from `sockwatch stap-compile` for the stap backend to load; null: stap compiles
     */
    public static BackendChooser standard(Path stapModule) {
        return new BackendChooser(List.of(new StapBackend(stapModule), new BpftraceBackend(), new StraceBackend()));
    }

    public List<String> names() {
        return List.copyOf(backends.keySet());
    }

    /** Every backend, best first. */
    public List<TraceBackend> backends() {
        return List.copyOf(backends.values());
    }

    /**
     * The backend picked, and a few words on why (for the banner). With auto, {@code fallbacks} are the backends
     * after it, in order, still to be tried should it fail to start or arm; chosen by name there are none.
     */
    public record Choice(TraceBackend backend, String why, List<TraceBackend> fallbacks) {
        public Choice(TraceBackend backend, String why) {
            this(backend, why, List.of());
        }

        /**
         * With auto, the next backend that can run here and serve the request, after this one failed as
         * {@code failure} says; null when there is none.
         */
        public Choice next(TraceRequest request, String failure) {
            List<String> passedOver = new ArrayList<>();
            for (int i = 0; i < fallbacks.size(); i++) {
                TraceBackend b = fallbacks.get(i);
                try {
                    checkUsable(b, request);
                    return new Choice(b, "auto; " + failure + (passedOver.isEmpty() ? ""
                            : "; passed over " + String.join("; ", passedOver)), fallbacks.subList(i + 1, fallbacks.size()));
                } catch (BackendUnavailableException e) {
                    passedOver.add(b.name() + ": " + e.getMessage());
                }
            }
            return null;
        }
    }

    /** Can b serve this request (whatever the machine), and run here? */
    private static void checkUsable(TraceBackend b, TraceRequest request) throws BackendUnavailableException {
        b.checkServes(request);
        if (request.changesOnly() && !b.countsRepeats()) {
            throw new BackendUnavailableException("it cannot count repeats in the kernel, which --changes-only needs",
                    "use --backend bpftrace");
        }
        if (request.countsOnly() && !b.countsRepeats()) {
            throw new BackendUnavailableException("it cannot count calls in the kernel, which --count needs",
                    "use --backend bpftrace");
        }
        b.checkAvailable();
    }

    /**
     * @throws IllegalArgumentException for an unknown name, or a named backend that cannot watch what the request
     *                                  asks for (a usage error, whatever the machine)
     */
    public Choice choose(String name, TraceRequest request) throws BackendUnavailableException {
        if (!"auto".equals(name)) {
            TraceBackend b = backends.get(name);
            if (b == null) {
                throw new IllegalArgumentException("unknown backend '" + name + "' (known: auto, "
                        + String.join(", ", backends.keySet()) + ")");
            }
            try {
                b.checkServes(request);
            } catch (BackendUnavailableException e) {
                throw new IllegalArgumentException(e.oneLine());
            }
            b.checkAvailable();
            return new Choice(b, "chosen with --backend");
        }
        List<String> passedOver = new ArrayList<>();
        List<String> withFixes = new ArrayList<>();
        BackendUnavailableException last = null;
        List<TraceBackend> order = List.copyOf(backends.values());
        for (int i = 0; i < order.size(); i++) {
            TraceBackend b = order.get(i);
            try {
                checkUsable(b, request);
                return new Choice(b, passedOver.isEmpty() ? "auto: the best that runs here"
                        : "auto; passed over " + String.join("; ", passedOver), order.subList(i + 1, order.size()));
            } catch (BackendUnavailableException e) {
                passedOver.add(b.name() + ": " + e.getMessage());
                withFixes.add(b.name() + ": " + e.oneLine());
                last = e;
            }
        }
        if (backends.size() == 1 && last != null) {
            throw last;
        }
        // Each backend's own fix, since there is no single one; doctor shows the same with the kernel facts.
        throw new BackendUnavailableException("no trace backend can do this here: " + String.join("; ", withFixes),
                "`sockwatch doctor` explains each");
    }
}
