package sockwatch.snapshot;

import java.util.Arrays;
import java.util.Map;
import sockwatch.decode.SockOption;
import sockwatch.snapshot.OptionPlan.Planned;
import sockwatch.snapshot.SocketSnapshot.Mark;

/** Applies an option's rule from options.tsv: is this value the kernel's default for this kind of socket? */
final class ChangeRules {
    private ChangeRules() {
    }

    /**
     * @param value    the target's value bytes
     * @param baseline the fresh socket's value bytes, or null when there is none
     * @param state    the socket's state (LISTEN, CLOSE, ESTABLISHED, ...)
     * @param bufLock  the target's SO_BUF_LOCK value, or null when the kernel has no SO_BUF_LOCK (before 5.14)
     */
    static Mark mark(Planned p, byte[] value, byte[] baseline, String state, Integer bufLock) {
        boolean same = baseline != null && Arrays.equals(value, baseline);
        return switch (p.rule()) {
            case AUTO -> Mark.AUTO;
            case EXACT -> baseline == null ? Mark.UNKNOWN : same ? Mark.DEFAULT : Mark.CHANGED;
            case UNCONNECTED -> !("LISTEN".equals(state) || "CLOSE".equals(state) || "UNCONNECTED".equals(state))
                    ? Mark.AUTO : baseline == null ? Mark.UNKNOWN : same ? Mark.DEFAULT : Mark.CHANGED;
            case BUFFER -> {
                if (bufLock != null && (bufLock & p.lockBit()) != 0) {
                    yield Mark.CHANGED;
                }
                yield baseline == null ? Mark.UNKNOWN : same ? Mark.DEFAULT : Mark.AUTO;
            }
        };
    }

    /** The SO_BUF_LOCK value among raw readings, as an int; null when it was not read. */
    static Integer bufLock(Map<SockOption, byte[]> raw) {
        for (Map.Entry<SockOption, byte[]> e : raw.entrySet()) {
            SockOption o = e.getKey();
            byte[] b = e.getValue();
            if (o.level() == SockoptReader.SOL_SOCKET && o.optname() == 72 && b.length >= 4) {
                return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
            }
        }
        return null;
    }
}
