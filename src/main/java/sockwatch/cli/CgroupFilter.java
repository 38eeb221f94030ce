package sockwatch.cli;

import java.util.ArrayList;
import java.util.List;
import sockwatch.sys.ProcessIdentity;

/**
 * --cgroup PREFIX: keeps the calls of processes whose cgroup v2 path is PREFIX or under it, whole components only
 * (/system.slice/nginx matches /system.slice/nginx/x, not /system.slice/nginx2). Applied in Java, to the cgroup
 * read at the process's first event (IdentityCache): a process whose cgroup could not be read (it had exited)
 * does not match. No prefixes means any process.
 */
public record CgroupFilter(List<String> prefixes) {
    private static final String MOUNT = "/sys/fs/cgroup";

    public static final CgroupFilter ANY = new CgroupFilter(List.of());

    public CgroupFilter {
        prefixes = List.copyOf(prefixes);
    }

    /**
     * From the command line: each an absolute cgroup path as /proc/PID/cgroup shows it, or the same under
     * /sys/fs/cgroup (that mount point is dropped); trailing slashes are dropped.
     */
    public static CgroupFilter parse(List<String> args) {
        List<String> prefixes = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("/")) {
                throw new UserException(ExitCodes.USAGE, "--cgroup wants an absolute cgroup path such as"
                        + " /system.slice/nginx.service, not '" + sockwatch.output.Printable.of(
                        a.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "'");
            }
            String p = a.equals(MOUNT) || a.startsWith(MOUNT + "/") ? a.substring(MOUNT.length()) : a;
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            prefixes.add(p);   // "" is the root: every cgroup
        }
        return new CgroupFilter(prefixes);
    }

    public boolean test(ProcessIdentity id) {
        if (prefixes.isEmpty()) {
            return true;
        }
        String cgroup = id == null ? null : id.cgroup();
        if (cgroup == null) {
            return false;
        }
        for (String p : prefixes) {
            if (cgroup.startsWith(p) && (cgroup.length() == p.length() || cgroup.charAt(p.length()) == '/')) {
                return true;
            }
        }
        return false;
    }
}
