package sockwatch.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import sockwatch.decode.SockOption;
import sockwatch.event.SetsockoptEvent;

/**
 * The filters applied in Java, after the probe: PIDs, process names, options and levels. An empty set means
 * "any"; tcpOnly keeps calls on TCP sockets (the socket must be known by then). Process names match the kernel's name exactly, or its first 15 bytes for longer names (the kernel
 * truncates comm to 15).
 */
public record EventFilter(Set<Integer> pids, List<byte[]> comms, Set<SockOption> options, Set<Integer> levels,
                          boolean tcpOnly) implements Predicate<SetsockoptEvent> {
    private static final int COMM_LEN = 15;

    public static EventFilter of(Set<Integer> pids, List<String> comms, Set<SockOption> options,
                                 Set<Integer> levels, boolean tcpOnly) {
        List<byte[]> names = comms.stream().map(c -> {
            byte[] b = c.getBytes(StandardCharsets.UTF_8);
            return b.length > COMM_LEN ? Arrays.copyOf(b, COMM_LEN) : b;
        }).toList();
        return new EventFilter(Set.copyOf(pids), names, Set.copyOf(options), Set.copyOf(levels), tcpOnly);
    }

    public static EventFilter any() {
        return new EventFilter(Set.of(), List.of(), Set.of(), Set.of(), false);
    }

    @Override
    public boolean test(SetsockoptEvent e) {
        if (!pids.isEmpty() && !pids.contains(e.pid())) {
            return false;
        }
        if (tcpOnly && !e.socket().isTcp()) {
            return false;
        }
        if (!levels.isEmpty() && !levels.contains(e.level())) {
            return false;
        }
        if (!options.isEmpty() && options.stream().noneMatch(o -> o.level() == e.level() && o.optname() == e.optname())) {
            return false;
        }
        if (!comms.isEmpty()) {
            byte[] comm = e.comm();
            return comms.stream().anyMatch(c -> Arrays.equals(c, comm));
        }
        return true;
    }
}
