package sockwatch.sys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sockwatch.decode.CgroupNames;
import sockwatch.output.Printable;

/**
 * Reads a process's identity from /proc: /proc/PID/stat (start time), cmdline, cgroup and the ns/net link. The
 * process is hostile and may exit at any moment: whatever cannot be read is null, nothing throws. The start time
 * is read before and after the rest, so that a pid reused meanwhile gives "unknown" rather than a mix of two
 * processes.
 */
public final class IdentityReader implements IdentityCache.Source {
    /** The most of cmdline kept: enough for any title, bounded for a hostile argv (up to 2 MiB). */
    static final int CMDLINE_MAX = 4096;

    private final Path proc;
    /** sockwatch's own namespace and unit: a process's are shown only where they differ. */
    private final long ownNetns;
    private final String ownUnit;

    public IdentityReader() {
        this(Path.of("/proc"));
    }

    IdentityReader(Path proc) {
        this.proc = proc;
        this.ownNetns = netns(proc.resolve("self"));
        this.ownUnit = CgroupNames.unit(cgroup(proc.resolve("self")));
    }

    @Override
    public long startTime(int pid) {
        return startTime(proc.resolve(Integer.toString(pid)));
    }

    @Override
    public ProcessIdentity read(int pid, long startTime) {
        Path dir = proc.resolve(Integer.toString(pid));
        byte[] raw = cmdline(dir);
        String cgroup = cgroup(dir);
        long netns = netns(dir);
        if (startTime < 0 || startTime(dir) != startTime) {
            return ProcessIdentity.unknown(pid);   // gone, or the pid is another process's by now
        }
        String unit = CgroupNames.unit(cgroup);
        return new ProcessIdentity(pid, startTime, raw == null ? null : args(raw),
                raw != null && raw.length > CMDLINE_MAX, cgroup, netns, CgroupNames.container(cgroup), unit,
                netns != 0 && ownNetns != 0 && netns != ownNetns, unit != null && !unit.equals(ownUnit));
    }

    /** Field 22 of stat, counted from the last ')' (comm may hold spaces and parentheses); -1 if unreadable. */
    static long startTime(Path dir) {
        try {
            return parseStartTime(Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long parseStartTime(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] f = stat.substring(close + 1).trim().split(" ");
        try {
            return f.length > 19 ? Long.parseLong(f[19]) : -1;   // f[0] is field 3 (state)
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Up to CMDLINE_MAX + 1 bytes of cmdline (one more to tell it was cut), null if unreadable. */
    private static byte[] cmdline(Path dir) {
        try (InputStream in = Files.newInputStream(dir.resolve("cmdline"))) {
            return in.readNBytes(CMDLINE_MAX + 1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * NUL-separated argv, each escaped. Trailing NULs are dropped: the terminator, and the padding a process
     * leaves when it writes a shorter title over its argv. Empty arguments in between are kept (argv may hold "").
     */
    static List<String> args(byte[] raw) {
        int end = Math.min(raw.length, CMDLINE_MAX);
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= end; i++) {
            if (i == end || raw[i] == 0) {
                if (end > 0) {
                    args.add(Printable.of(java.util.Arrays.copyOfRange(raw, start, i)));
                }
                start = i + 1;
            }
        }
        return args;
    }

    /** The cgroup v2 path ("0::PATH" line), escaped; null if unreadable or there is none (v1 only). */
    static String cgroup(Path dir) {
        try {
            return parseCgroup(Files.readAllBytes(dir.resolve("cgroup")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String parseCgroup(byte[] file) {
        int start = 0;
        for (int i = 0; i <= file.length; i++) {
            if (i == file.length || file[i] == '\n') {
                if (i - start > 3 && file[start] == '0' && file[start + 1] == ':' && file[start + 2] == ':') {
                    return Printable.of(java.util.Arrays.copyOfRange(file, start + 3, i));
                }
                start = i + 1;
            }
        }
        return null;
    }

    /** The inode of the namespace ns/net links to ("net:[4026531840]"), 0 if unreadable. */
    static long netns(Path dir) {
        try {
            String link = Files.readSymbolicLink(dir.resolve("ns/net")).toString();
            if (link.startsWith("net:[") && link.endsWith("]")) {
                return Long.parseLong(link.substring(5, link.length() - 1));
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not ours to read
        }
        return 0;
    }
}
