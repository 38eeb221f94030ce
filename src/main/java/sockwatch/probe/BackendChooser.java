package sockwatch.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sockwatch.probe.bpftrace.BpftraceBackend;
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
        return new BackendChooser(List.of(new BpftraceBackend(), new StraceBackend()));
    }

    public List<String> names() {
        return List.copyOf(backends.keySet());
    }

    /** Every backend, best first. */
    public List<TraceBackend> backends() {
        return List.copyOf(backends.values());
    }

    /** The backend picked, and a few words on why (for the banner). */
    public record Choice(TraceBackend backend, String why) {
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
        for (TraceBackend b : backends.values()) {
            try {
                b.checkServes(request);
                b.checkAvailable();
                return new Choice(b, passedOver.isEmpty() ? "auto: the best that runs here"
                        : "auto; passed over " + String.join("; ", passedOver));
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
