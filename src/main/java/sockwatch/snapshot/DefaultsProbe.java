package sockwatch.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import sockwatch.decode.Errno;
import sockwatch.decode.SockOption;
import sockwatch.snapshot.OptionPlan.Planned;

/**
 * The kernel's defaults, measured rather than assumed: a fresh socket of the same family, type and protocol,
 * made in sockwatch's own process, read with the same getsockopt calls and closed again. Made in the target's
 * network namespace (most net.* sysctls are per namespace), so sysctl-tuned defaults count as defaults. One
 * probe per (namespace, kind), cached.
 */
public final class DefaultsProbe {
    private static final Path SELF_NETNS = Path.of("/proc/self/ns/net");

    private record Key(String netns, SocketKind kind) {
    }

    private final OptionPlan plan;
    private final Consumer<String> notes;
    private final Map<Key, Optional<Map<SockOption, byte[]>>> cache = new HashMap<>();
    private final String ownNetns = netnsOf(SELF_NETNS);
    /** Keyed by the baseline map itself (identity: one map per namespace and kind). */
    private final Map<Map<SockOption, byte[]>, byte[][]> aligned = new java.util.IdentityHashMap<>();
    private final java.util.Set<String> foreignFailed = new java.util.HashSet<>();

    public DefaultsProbe(OptionPlan plan, Consumer<String> notes) {
        this.plan = plan;
        this.notes = notes;
    }

    /** The network namespace id ("net:[4026531840]") of a process, or null when it cannot be read. */
    static String netnsOf(Path nsLink) {
        try {
            return Files.readSymbolicLink(nsLink).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Option -> the fresh socket's value bytes; null when no fresh socket of this kind could be made. */
    synchronized Map<SockOption, byte[]> baseline(long pid, String netns, SocketKind kind) {
        String ns = netns == null || foreignFailed.contains(netns) ? ownNetns : netns;
        return cache.computeIfAbsent(new Key(ns, kind), k -> Optional.ofNullable(
                ns == null || ns.equals(ownNetns) ? probe(kind) : probeInNetnsOf(pid, ns, kind))).orElse(null);
    }

    /**
     * {@link #baseline} lined up with {@code plan.forKind(kind)}: entry i is the fresh socket's value of the i-th
     * planned option, or null; the whole array is null when there is no baseline. Cached, so every socket of a
     * kind shares one array and no per-option map lookups.
     */
    synchronized byte[][] alignedBaseline(long pid, String netns, SocketKind kind) {
        Map<SockOption, byte[]> base = baseline(pid, netns, kind);
        if (base == null) {
            return null;
        }
        return aligned.computeIfAbsent(base, b -> plan.forKind(kind).stream().map(p -> b.get(p.option()))
                .toArray(byte[][]::new));
    }

    private Map<SockOption, byte[]> probe(SocketKind kind) {
        // A packet socket with a protocol starts receiving every frame at once; with 0 it receives nothing.
        int protocol = kind.family() == Libc.AF_PACKET ? 0 : kind.protocol();
        int fd = Libc.socket(kind.family(), kind.type() | Libc.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            return null;
        }
        try {
            SockoptReader reader = new SockoptReader();
            Map<SockOption, byte[]> out = new LinkedHashMap<>();
            for (Planned p : plan.forKind(kind)) {
                byte[] v = reader.read(fd, p.option());
                if (v != null) {
                    out.put(p.option(), v);
                }
            }
            return out;
        } finally {
            Libc.close(fd);
        }
    }

    /**
     * setns(CLONE_NEWNET) changes only the calling thread, so the probe runs on a thread of its own that joins
     * the target's namespace, makes and reads the socket, and ends. If that fails, our own namespace stands in.
     */
    private Map<SockOption, byte[]> probeInNetnsOf(long pid, String netns, SocketKind kind) {
        AtomicReference<Map<SockOption, byte[]>> result = new AtomicReference<>();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            int nsFd = Libc.open("/proc/" + pid + "/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (nsFd < 0) {
                failure.set("open: " + Errno.name(Libc.errno()));
                return;
            }
            try {
                if (Libc.setns(nsFd, Libc.CLONE_NEWNET) != 0) {
                    failure.set("setns: " + Errno.name(Libc.errno()));
                    return;
                }
            } finally {
                Libc.close(nsFd);
            }
            result.set(probe(kind));
        }, "sockwatch-netns-probe");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            foreignFailed.add(netns);
            notes.accept("cannot enter the network namespace " + netns + " of PID " + pid + " (" + failure.get()
                    + "): its defaults are taken from sockwatch's own namespace");
            return probe(kind);
        }
        return result.get();
    }
}
