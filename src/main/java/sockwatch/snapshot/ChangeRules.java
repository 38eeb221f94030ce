package sockwatch.snapshot;

import java.util.Arrays;
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
}
