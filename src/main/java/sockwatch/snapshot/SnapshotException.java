package sockwatch.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import sockwatch.sys.Privileges;

/** Why a process could not be snapshot, as one line for the user; the CLI maps the kind to an exit code. */
public final class SnapshotException extends Exception {

    public enum Kind {
        /** The process does not exist. */
        GONE,
        /** The process exited while it was being read. */
        EXITED,
        /** We may not look at it: not root, yama, an LSM, another user namespace. */
        DENIED,
        /** This kernel or architecture cannot do it. */
        UNSUPPORTED,
        /** A kernel thread: it has no fds at all, so there is nothing to snapshot. */
        NO_FDS,
        /** Anything else that went wrong while reading. */
        FAILED
    }

    private static final Path YAMA = Path.of("/proc/sys/kernel/yama/ptrace_scope");

    private final Kind kind;

    public SnapshotException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static SnapshotException gone(Path procPid) {
        return new SnapshotException(Kind.GONE, "no process with PID " + procPid.getFileName());
    }

    static SnapshotException exitedDuring(String who) {
        return new SnapshotException(Kind.EXITED, who + " exited during the snapshot");
    }

    static SnapshotException fdsDenied(Path procPid) {
        return new SnapshotException(Kind.DENIED, "not permitted to list the fds of PID " + procPid.getFileName()
                + " (" + procPid.resolve("fd") + "): " + ptraceHint(Privileges.isRoot(), yamaScope()));
    }

    static SnapshotException getfdDenied(String who) {
        return new SnapshotException(Kind.DENIED, "not permitted to duplicate the sockets of " + who
                + ": pidfd_getfd needs ptrace access (PTRACE_MODE_ATTACH); "
                + ptraceHint(Privileges.isRoot(), yamaScope()));
    }

    static SnapshotException tooOld(String call, String detail) {
        return new SnapshotException(Kind.UNSUPPORTED, "this kernel (" + System.getProperty("os.version")
                + ") has no " + call + " (" + detail + "): sockwatch snapshot needs Linux >= 5.6");
    }

    /** What is missing for ptrace access, as precisely as we can tell from here. */
    static String ptraceHint(boolean root, OptionalInt yama) {
        if (!root) {
            String s = "run it as root (or with CAP_SYS_PTRACE)";
            if (yama.isPresent() && yama.getAsInt() >= 1) {
                s += "; kernel.yama.ptrace_scope=" + yama.getAsInt() + " also forbids it to ordinary users";
            }
            return s;
        }
        if (yama.isPresent() && yama.getAsInt() == 3) {
            return "kernel.yama.ptrace_scope=3 forbids ptrace access even to root (it cannot be lowered until reboot)";
        }
        return "root was refused: a security module (SELinux, AppArmor), a missing CAP_SYS_PTRACE"
                + " or another user namespace forbids it";
    }

    static OptionalInt yamaScope() {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(YAMA).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
