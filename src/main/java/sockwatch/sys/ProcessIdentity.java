package sockwatch.sys;

import java.util.List;

/**
 * Who a process is, beyond its short name and PID, as read from /proc once per process (see IdentityCache).
 * Everything is null where it could not be read (the process had exited, or /proc would not say).
 *
 * @param pid              process id
 * @param startTime        when it started, in clock ticks after boot (/proc/PID/stat field 22); -1 when unknown.
 *                         With the pid it names the process: a pid is reused, a pid and start time are not
 * @param args             its argv from /proc/PID/cmdline, each escaped like comm (output.Printable); what the
 *                         process made of it: a process may rewrite it (nginx sets "nginx: worker process")
 * @param argsTruncated    cmdline was longer than sockwatch reads (IdentityReader.CMDLINE_MAX), the rest is cut
 * @param cgroup           its cgroup v2 path ("0::" line of /proc/PID/cgroup), escaped like comm
 * @param netns            the inode number of its network namespace (/proc/PID/ns/net), 0 when unknown
 * @param container        the container's runtime and id, when the cgroup path tells (decode.CgroupNames)
 * @param unit             its systemd unit, when the cgroup path tells
 * @param otherNetns       its network namespace is not sockwatch's own: its addresses are not the host's
 * @param otherUnit        its unit is known and is not sockwatch's own
 */
public record ProcessIdentity(int pid, long startTime, List<String> args, boolean argsTruncated, String cgroup,
                              long netns, sockwatch.decode.CgroupNames.Container container, String unit,
                              boolean otherNetns, boolean otherUnit) {

    public ProcessIdentity {
        args = args == null ? null : List.copyOf(args);
    }

    /** A process we could not read: all unknown. */
    public static ProcessIdentity unknown(int pid) {
        return new ProcessIdentity(pid, -1, null, false, null, 0, null, null, false, false);
    }

    /** A process whose start time is known but whose files could not be read in time (see BoundedReads). */
    public static ProcessIdentity unreadable(int pid, long startTime) {
        return new ProcessIdentity(pid, startTime, null, false, null, 0, null, null, false, false);
    }

    /** Its start time is known: it was found (its other fields may still be null). */
    public boolean known() {
        return startTime >= 0;
    }

    /** argv joined by spaces (as ps shows it), null when unknown, "" for a kernel thread. */
    public String title() {
        return args == null ? null : String.join(" ", args);
    }
}
