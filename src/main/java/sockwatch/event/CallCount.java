package sockwatch.event;

import java.util.Arrays;

/**
 * In counts-only mode (--count): how many calls a process made with one option, value and result, counted by
 * the backend in the kernel instead of delivered one by one. Reported once, when the probe stops.
 *
 * @param pid      process id (thread group id)
 * @param comm     the process's name as the probe recorded it at its first counted call (raw bytes, hostile);
 *                 empty when the probe had none
 * @param level    level argument
 * @param optname  option number within the level
 * @param optlen   optlen argument
 * @param value    the value bytes the calls were keyed by, only those really read: at most {@link #KEYED_BYTES}, so
 *                 a longer value is keyed (and shown) by its start
 * @param ret      the calls' return value: 0, or -errno
 * @param path     how the calls reached the kernel
 * @param count    how many such calls
 * @param backend  which probe counted them
 */
public record CallCount(int pid, byte[] comm, int level, int optname, int optlen, byte[] value, long ret,
                        CallPath path, long count, String backend) {
    /** How many leading value bytes a count is keyed by (setsockopt.bt, "Counts only"). */
    public static final int KEYED_BYTES = 16;

    public CallCount {
        comm = comm.clone();
        value = value.clone();
    }

    @Override
    public byte[] comm() {
        return comm.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** Values longer than {@link #KEYED_BYTES} were counted by their first bytes: different ends share a count. */
    public boolean keyedByPrefix() {
        return optlen > KEYED_BYTES;
    }

    /**
     * These calls as one call (no time, fd or socket: a count has none), so that filters and decoding treat a
     * count as they treat the calls it stands for; key material is cut off there as for any call.
     */
    public SetsockoptEvent asEvent() {
        return new SetsockoptEvent(0, pid, pid, comm, -1, level, optname, optlen, value, ret, backend,
                SocketContext.UNKNOWN, path);
    }

    /** Adds another count of the same calls (same key once the bytes read are known). */
    public CallCount plus(long more) {
        return new CallCount(pid, comm, level, optname, optlen, value, ret, path, count + more, backend);
    }

    /** What tells one count's calls from another's: everything but the count. */
    public record Key(int pid, int level, int optname, int optlen, String value, long ret, CallPath path) {
    }

    /** By the bytes shown (key material cut off): counts that differ only in a key are one line. */
    public Key key() {
        return new Key(pid, level, optname, optlen,
                java.util.HexFormat.of().formatHex(sockwatch.decode.Secrets.keep(level, optname, value)), ret, path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CallCount c && key().equals(c.key()) && count == c.count && Arrays.equals(comm, c.comm)
                && backend.equals(c.backend);
    }

    @Override
    public int hashCode() {
        return key().hashCode() * 31 + Long.hashCode(count);
    }
}
