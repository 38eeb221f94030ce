package sockwatch.event;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One setsockopt(2) call as a probe saw it: who made it, on which fd, what it asked for, the value bytes it
 * passed, and what the kernel answered. Every backend produces these; every formatter consumes them.
 *
 * @param wallNanos   wall-clock time of the call's return, nanoseconds since the Unix epoch
 * @param pid         process id (thread group id)
 * @param tid         thread id
 * @param comm        the kernel's task name, raw bytes (up to 15, no NUL): hostile input, never trusted as text
 * @param fd          file descriptor argument
 * @param level       level argument (SOL_SOCKET, IPPROTO_TCP, ...)
 * @param optname     option number within the level
 * @param optlen      optlen argument as passed (may be negative or larger than what was captured)
 * @param value       the option value bytes the probe captured: at most optlen, fewer when the probe truncates,
 *                    and never key material (cut where it starts, see {@link #redacted()})
 * @param ret         the syscall's return value: 0, or -errno on failure
 * @param backend     which probe saw it ("bpftrace", "strace", "stap")
 * @param socket      what the fd was at that moment, {@link SocketContext#UNKNOWN} if the backend cannot tell
 * @param path        how the call reached the kernel: 64-bit or 32-bit syscall, or io_uring
 * @param shown       null, or the value as a struct the backend was shown field by field, its padding and
 *                    any cut-off part unknown (the strace backend); {@code value} is then its known leading bytes
 */
public record SetsockoptEvent(long wallNanos, int pid, int tid, byte[] comm, int fd, int level, int optname,
                              int optlen, byte[] value, long ret, String backend, SocketContext socket,
                              CallPath path, sockwatch.decode.ShownBytes shown) {

    public SetsockoptEvent {
        comm = comm.clone();
        // key material never gets further than this (sockwatch.decode.Secrets)
        value = sockwatch.decode.Secrets.keep(level, optname, value).clone();
        if (sockwatch.decode.Secrets.secretFrom(level, optname) >= 0) {
            shown = null;
        }
    }

    /** Bytes as captured, nothing known beyond them. */
    public SetsockoptEvent(long wallNanos, int pid, int tid, byte[] comm, int fd, int level, int optname,
                           int optlen, byte[] value, long ret, String backend, SocketContext socket,
                           CallPath path) {
        this(wallNanos, pid, tid, comm, fd, level, optname, optlen, value, ret, backend, socket, path, null);
    }

    /** The caller passed key material, which this event does not hold (value keeps what comes before it). */
    public boolean redacted() {
        int from = sockwatch.decode.Secrets.secretFrom(level, optname);
        return from >= 0 && optlen > from;
    }

    /** A 64-bit syscall's call. */
    public SetsockoptEvent(long wallNanos, int pid, int tid, byte[] comm, int fd, int level, int optname,
                           int optlen, byte[] value, long ret, String backend, SocketContext socket) {
        this(wallNanos, pid, tid, comm, fd, level, optname, optlen, value, ret, backend, socket, CallPath.SYSCALL);
    }

    /** An event whose socket the backend could not see (it may be resolved later, see withSocket). */
    public SetsockoptEvent(long wallNanos, int pid, int tid, byte[] comm, int fd, int level, int optname,
                           int optlen, byte[] value, long ret, String backend) {
        this(wallNanos, pid, tid, comm, fd, level, optname, optlen, value, ret, backend, SocketContext.UNKNOWN);
    }

    public SetsockoptEvent withSocket(SocketContext context) {
        return new SetsockoptEvent(wallNanos, pid, tid, comm, fd, level, optname, optlen, value, ret, backend,
                context, path, shown);
    }

    public SetsockoptEvent withPath(CallPath how) {
        return new SetsockoptEvent(wallNanos, pid, tid, comm, fd, level, optname, optlen, value, ret, backend,
                socket, how, shown);
    }

    @Override
    public byte[] comm() {
        return comm.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public boolean ok() {
        return ret >= 0;
    }

    /** The errno number of a failed call, 0 on success. */
    public int errno() {
        return ret < 0 ? (int) -ret : 0;
    }

    /** True when the probe captured fewer bytes than the caller passed. */
    public boolean truncated() {
        return optlen > value.length;
    }

    public String rawHex() {
        return HexFormat.of().formatHex(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SetsockoptEvent e && wallNanos == e.wallNanos && pid == e.pid && tid == e.tid
                && fd == e.fd && level == e.level && optname == e.optname && optlen == e.optlen && ret == e.ret
                && Arrays.equals(comm, e.comm) && Arrays.equals(value, e.value) && backend.equals(e.backend)
                && socket.equals(e.socket) && path == e.path
                && java.util.Objects.equals(shown, e.shown);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(value) + Long.hashCode(wallNanos) + pid * 7 + optname;
    }

    @Override
    public String toString() {
        return "SetsockoptEvent[pid=" + pid + ", tid=" + tid + ", fd=" + fd + ", level=" + level + ", optname="
                + optname + ", optlen=" + optlen + ", value=" + rawHex() + ", ret=" + ret + ", backend=" + backend
                + ", socket=" + socket + ", path=" + path + (shown == null ? "" : ", shown=" + shown) + "]";
    }
}
