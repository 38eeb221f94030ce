package sockwatch.snapshot;

import java.util.Locale;

/**
 * pidfd_open(2) and pidfd_getfd(2) (Linux 5.6): duplicate another process's fd into ours without stopping it.
 * pidfd_getfd needs PTRACE_MODE_ATTACH_REALCREDS over the target, like attaching a debugger, but it does not stop
 * or signal it. A pidfd also pins the process: once it exits, every call fails with ESRCH, so a recycled PID can
 * never be read by mistake.
 */
final class Pidfd implements AutoCloseable {
    /** The same numbers on x86_64 and aarch64 (the unified syscall table since Linux 5.1). */
    static final long SYS_PIDFD_SEND_SIGNAL = 424;
    static final long SYS_PIDFD_OPEN = 434;
    static final long SYS_PIDFD_GETFD = 438;

    static final int EPERM = 1;
    static final int ESRCH = 3;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int EMFILE = 24;
    static final int ENOSYS = 38;

    private final long pid;
    private final int fd;
    private boolean closed;

    private Pidfd(long pid, int fd) {
        this.pid = pid;
        this.fd = fd;
    }

    /** Opens a pidfd for a thread-group leader. */
    static Pidfd open(long pid) throws SyscallException {
        requireSupportedArch();
        long r = Libc.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0);
        if (r < 0) {
            throw new SyscallException("pidfd_open", Libc.errno());
        }
        return new Pidfd(pid, (int) r);
    }

    long pid() {
        return pid;
    }

    /** A duplicate of the target's fd in this process (close-on-exec); the caller must close it. */
    int getfd(int targetFd) throws SyscallException {
        long r = Libc.syscall(SYS_PIDFD_GETFD, fd, targetFd, 0, 0);
        if (r < 0) {
            throw new SyscallException("pidfd_getfd", Libc.errno());
        }
        return (int) r;
    }

    /** Signal 0 only checks that the process still lives: nothing is delivered. */
    boolean alive() {
        return Libc.syscall(SYS_PIDFD_SEND_SIGNAL, fd, 0, 0, 0) == 0 || Libc.errno() != ESRCH;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }

    static void requireSupportedArchOrThrow() throws SnapshotException {
        try {
            requireSupportedArch();
        } catch (SyscallException e) {
            throw new SnapshotException(SnapshotException.Kind.UNSUPPORTED, e.getMessage());
        }
    }

    static void requireSupportedArch() throws SyscallException {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            throw new SyscallException("pidfd_open", ENOSYS, "unsupported architecture " + arch
                    + " (syscall numbers are known for x86_64 and aarch64 only)");
        }
    }

    /** A failed syscall with its errno. */
    static final class SyscallException extends Exception {
        private final String call;
        private final int errno;

        SyscallException(String call, int errno) {
            this(call, errno, null);
        }

        SyscallException(String call, int errno, String detail) {
            super(call + ": " + (detail != null ? detail : sockwatch.decode.Errno.name(errno) != null
                    ? sockwatch.decode.Errno.name(errno) : "errno " + errno));
            this.call = call;
            this.errno = errno;
        }

        String call() {
            return call;
        }

        int errno() {
            return errno;
        }
    }
}
