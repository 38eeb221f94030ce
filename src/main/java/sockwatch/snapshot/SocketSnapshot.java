package sockwatch.snapshot;

import java.util.List;
import sockwatch.decode.DecodedValue;
import sockwatch.decode.SockOption;

/**
 * One socket of a process as read at one moment: what it is, where it points, and its options.
 *
 * @param local   the formatted local address, or null when getsockname failed
 * @param remote  the formatted peer address, or null when it has no peer
 * @param options the options this socket has, in options.tsv order; a snapshot's list decodes each value when
 *                it is read from the list (see RawReadings), so read each element once
 */
public record SocketSnapshot(long pid, byte[] comm, int fd, long inode, SocketKind kind, String state, String local,
                             String remote, List<Reading> options) {

    /** How a value compares with a fresh socket of the same kind. */
    public enum Mark {
        /** Differs from the fresh socket's value (or, for buffers, was locked by setting it). */
        CHANGED,
        /** Same as the fresh socket's value. */
        DEFAULT,
        /** Kernel-managed (autotuned, derived from the connection): not compared. */
        AUTO,
        /** No baseline: a fresh socket of this kind could not be made or could not read the option. */
        UNKNOWN,
        /** Set by the kernel because the program set another option (derived.tsv): not the program's choice. */
        DERIVED;

        private final String word = name().toLowerCase(java.util.Locale.ROOT);

        public String word() {
            return word;
        }
    }

    /**
     * One option's value, decoded by the trace path's decoder.
     *
     * @param why what explains the mark (derived.tsv: "derived from IP_TOS=16", "the kernel doubles the 131072
     *            set"), or null
     */
    public record Reading(SockOption option, DecodedValue value, Mark mark, String why) {
        public Reading(SockOption option, DecodedValue value, Mark mark) {
            this(option, value, mark, null);
        }
    }
}
