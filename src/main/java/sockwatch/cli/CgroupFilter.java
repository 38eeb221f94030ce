package sockwatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    public static final CgroupFilter ANY = new CgroupFilter(List.of());

    public CgroupFilter {
        prefixes = List.copyOf(prefixes);
    }

    /**
     * From the command line: each an absolute cgroup path as /proc/PID/cgroup shows it, or the directory under
     * where cgroup v2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid layout: that mount point
     * is dropped); trailing slashes are dropped.
     */
    public static CgroupFilter parse(List<String> args) {
        return args.isEmpty() ? ANY : parse(args, cgroup2Mounts());
    }

    static CgroupFilter parse(List<String> args, List<String> mounts) {
        List<String> prefixes = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("/")) {
                throw new UserException(ExitCodes.USAGE, "--cgroup wants an absolute cgroup path such as"
                        + " /system.slice/nginx.service, not '" + sockwatch.output.Printable.of(
                        a.getBytes(StandardCharsets.UTF_8)) + "'");
            }
            String p = a;
            for (String m : mounts) {
                if (a.equals(m) || a.startsWith(m + "/")) {
                    p = a.substring(m.length());
                    break;
                }
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            prefixes.add(p);   // "" is the root: every cgroup
        }
        return new CgroupFilter(prefixes);
    }

    /**
     * Where cgroup v2 is mounted (its root: "/" as the mount's root), from /proc/self/mountinfo, longest first;
     * /sys/fs/cgroup when that cannot be read. Fields: ID PARENT DEV ROOT MOUNTPOINT OPTIONS... - FSTYPE SOURCE.
     */
    static List<String> cgroup2Mounts() {
        List<String> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.ISO_8859_1)) {
                int dash = line.indexOf(" - ");
                String[] f = line.split(" ");
                if (dash > 0 && line.startsWith("cgroup2 ", dash + 3) && f.length > 4 && f[3].equals("/")
                        && !f[4].contains("\\")) {   // an escaped (odd) mount point is left out
                    mounts.add(f[4]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: the usual place
        }
        if (mounts.isEmpty()) {
            mounts.add("/sys/fs/cgroup");
        }
        mounts.sort((x, y) -> y.length() - x.length());
        return mounts;
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
