package sockwatch.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one way pidfd_getfd changes a socket: like receiving it over SCM_RIGHTS, it re-tags the socket with the
 * receiver's cgroup v1 net_cls classid and net_prio index (__receive_sock in the kernel). Where those v1
 * controllers are mounted and the target sits in another cgroup of them than sockwatch, reading would change
 * how tc and netfilter classify the target's traffic, so snapshot refuses. On cgroup v2 they do not apply.
 */
final class CgroupGuard {
    private CgroupGuard() {
    }

    /** Why reading this process would re-tag its sockets, or empty when it would not. */
    static Optional<String> check(long pid) {
        String self;
        String target;
        try {
            self = Files.readString(Path.of("/proc/self/cgroup"));
        } catch (IOException e) {
            return Optional.empty(); // no cgroups at all
        }
        try {
            target = Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"));
        } catch (IOException e) {
            target = null;
        }
        return conflict(self, target);
    }

    /**
     * Compares the net_cls and net_prio lines ("ID:CONTROLLERS:PATH") of /proc/self/cgroup and the target's.
     * An unreadable target file counts as a conflict only where those controllers are in use.
     */
    static Optional<String> conflict(String selfCgroup, String targetCgroupOrNull) {
        Map<String, String> mine = netHierarchies(selfCgroup);
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        if (targetCgroupOrNull == null) {
            return Optional.of("its cgroups cannot be read, and net_cls/net_prio (cgroup v1) are in use here");
        }
        Map<String, String> theirs = netHierarchies(targetCgroupOrNull);
        for (Map.Entry<String, String> e : mine.entrySet()) {
            String path = theirs.get(e.getKey());
            if (path != null && !path.equals(e.getValue())) {
                return Optional.of("it is in the " + e.getKey() + " cgroup " + path + " and sockwatch in "
                        + e.getValue() + ": pidfd_getfd would re-tag its sockets with sockwatch's " + e.getKey()
                        + " (cgroup v1); run sockwatch in the same cgroup (cgexec -g " + e.getKey() + ":" + path + ")");
            }
        }
        return Optional.empty();
    }

    /** Controller list (e.g. "net_cls,net_prio") -> path, for the v1 hierarchies that carry either controller. */
    private static Map<String, String> netHierarchies(String cgroupFile) {
        Map<String, String> out = new HashMap<>();
        for (String line : cgroupFile.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length == 3) {
                for (String c : f[1].split(",")) {
                    if (c.equals("net_cls") || c.equals("net_prio")) {
                        out.put(f[1], f[2]);
                        break;
                    }
                }
            }
        }
        return out;
    }
}
