package sockwatch.snapshot;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import sockwatch.decode.SockOption;
import sockwatch.decode.ValueDecoder;
import sockwatch.snapshot.OptionPlan.Planned;
import sockwatch.snapshot.SocketSnapshot.Mark;
import sockwatch.snapshot.SocketSnapshot.Reading;

/**
 * One socket's options as the kernel returned them, packed into one array and decoded only when shown. Why: a
 * process with 10,000 sockets has about 250,000 values; decoded up front and kept until printing, they were
 * 64 MB of live objects that the young collections copied again and again (150 ms of pauses per snapshot).
 * Each {@link #get} decodes afresh, so callers that need a value twice keep the Reading.
 */
final class RawReadings extends AbstractList<Reading> implements RandomAccess {
    private final List<Planned> planned;
    /** Per planned option, the fresh socket's bytes (or null); null when there is no baseline at all. */
    private final byte[][] baseline;
    private final String state;
    private final Integer bufLock;
    /** Position in {@link #planned} of the i-th option this socket has. */
    private final short[] which;
    /** Value i is data[start[i] .. start[i + 1]). */
    private final int[] start;
    private final byte[] data;

    private RawReadings(List<Planned> planned, byte[][] baseline, String state, Integer bufLock, short[] which,
                        int[] start, byte[] data) {
        this.planned = planned;
        this.baseline = baseline;
        this.state = state;
        this.bufLock = bufLock;
        this.which = which;
        this.start = start;
        this.data = data;
    }

    @Override
    public int size() {
        return which.length;
    }

    @Override
    public Reading get(int i) {
        Planned p = planned.get(which[i]);
        byte[] v = Arrays.copyOfRange(data, start[i], start[i + 1]);
        Derivations.Judged j = Derivations.judge(p.option().name(), v, mark(p, i, v), this::other);
        return new Reading(p.option(), ValueDecoder.decode(p.option(), v, v.length), j.mark(), j.why());
    }

    /** Another option of this socket by name, or null when it has none. */
    private Derivations.Other other(String name) {
        for (int k = 0; k < which.length; k++) {
            Planned q = planned.get(which[k]);
            if (q.option().name().equals(name)) {
                byte[] v = Arrays.copyOfRange(data, start[k], start[k + 1]);
                return new Derivations.Other(v, mark(q, k, v));
            }
        }
        return null;
    }

    private Mark mark(Planned p, int i, byte[] v) {
        return ChangeRules.mark(p, v, baseline == null ? null : baseline[which[i]], state, bufLock);
    }

    /**
     * Collects the values of one socket; reused from socket to socket by one reading thread, so reading a
     * value allocates nothing until {@link #build}.
     */
    static final class Builder {
        private static final int SO_BUF_LOCK = 72;

        private List<Planned> planned = List.of();
        private short[] which = new short[64];
        private int[] start = new int[65];
        private byte[] data = new byte[1024];
        private int count;
        private Integer bufLock;

        /** Starts a socket whose options are read in the order of {@code planned}. */
        void reset(List<Planned> planned) {
            this.planned = planned;
            count = 0;
            bufLock = null;
            if (which.length < planned.size()) {
                which = new short[planned.size()];
                start = new int[planned.size() + 1];
            }
        }

        /** Room for one more value of up to {@code max} bytes: the array and offset to read it into. */
        byte[] room(int max) {
            int at = start[count];
            if (data.length < at + max) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, at + max));
            }
            return data;
        }

        /** The offset in {@link #room}'s array where the next value goes. */
        int offset() {
            return start[count];
        }

        /** The value of planned option {@code position}, {@code length} bytes now at {@link #offset()}. */
        void add(int position, int length) {
            int at = start[count];
            SockOption o = planned.get(position).option();
            if (o.level() == SockoptReader.SOL_SOCKET && o.optname() == SO_BUF_LOCK && length >= 4) {
                bufLock = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16
                        | (data[at + 3] & 0xff) << 24;
            }
            which[count] = (short) position;
            start[count + 1] = at + length;
            count++;
        }

        /** The socket's readings; the builder is free for the next socket. */
        RawReadings build(byte[][] baseline, String state) {
            return new RawReadings(planned, baseline, state, bufLock, Arrays.copyOf(which, count),
                    Arrays.copyOf(start, count + 1), Arrays.copyOf(data, start[count]));
        }
    }
}
