package sockwatch.snapshot;

import sockwatch.decode.Errno;

/**
 * Can snapshot mode run here? Asked the honest way: load JNA, then really duplicate one of sockwatch's own fds
 * through pidfd_open + pidfd_getfd and close the copy. Used by doctor.
 */
public final class SnapshotSupport {
    private SnapshotSupport() {
    }

    /** Null when snapshot works here; otherwise why not, with the fix. */
    public static String problem() {
        try {
            ProcessSnapshotter.loadNative();
        } catch (SnapshotException e) {
            return e.getMessage();
        }
        try (Pidfd self = Pidfd.open(ProcessHandle.current().pid())) {
            Libc.close(self.getfd(0));
            return null;
        } catch (Pidfd.SyscallException e) {
            String errno = Errno.name(e.errno());
            if ("ENOSYS".equals(errno)) {
                return "this kernel lacks pidfd_open/pidfd_getfd (Linux 5.6 or newer is needed)";
            }
            if ("EPERM".equals(errno) || "EACCES".equals(errno)) {
                return e.getMessage() + ": needs ptrace access to the target (run as root)";
            }
            return e.getMessage();
        }
    }
}
