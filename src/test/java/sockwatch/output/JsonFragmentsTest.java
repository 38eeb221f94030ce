package sockwatch.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;
import sockwatch.event.SetsockoptEvent;
import sockwatch.event.SocketContext;

/**
 * The JSON formatter reuses the runs of fields that repeat (name, socket kind, option, result): a formatter that
 * has seen many events must write exactly what a fresh one writes, for every event, whatever collides in its
 * caches: unknown and out-of-range levels and options, odd socket numbers, every errno, several backends.
 */
class JsonFragmentsTest {
    private static final OptionTable TABLE = OptionTable.standard();

    @Test
    void aLongLivedFormatterWritesWhatAFreshOneWrites() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        List<SockOption> known = new ArrayList<>(TABLE.all());
        JsonFormatter shared = new JsonFormatter();
        for (int i = 0; i < 30_000; i++) {
            EventView v = EventView.of(event(r, known), TABLE);
            String fresh = new JsonFormatter().format(v);
            assertEquals(fresh, shared.format(v), "seed " + seed + ", event " + i);
            if (i % 1000 == 0) {
                JsonParser.parseString(fresh);   // and it is JSON
            }
        }
    }

    private static SetsockoptEvent event(Random r, List<SockOption> known) {
        int[] levels = {0, 1, 6, 17, 41, 4242, 4242 + (1 << 24), -1, 6 + (1 << 24), 6 + (1 << 30), Integer.MIN_VALUE};
        int[] optnames = {1, 13, 99, 99 + (1 << 24), -1, 9999, 1 + (1 << 24), Integer.MAX_VALUE};
        int level;
        int optname;
        if (r.nextBoolean()) {
            SockOption o = known.get(r.nextInt(known.size()));
            level = o.level();
            optname = o.optname();
        } else {
            level = levels[r.nextInt(levels.length)];
            optname = optnames[r.nextInt(optnames.length)];
        }
        String[] names = {"nginx", "python3", "ev\til\n%s\"'\\", "日本", "a\u2028b", "x"};
        byte[] comm = names[r.nextInt(names.length)].getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(4) == 0) {
            comm = new byte[r.nextInt(16)];
            r.nextBytes(comm);
        }
        byte[] value = new byte[r.nextInt(3) * 4];
        r.nextBytes(value);
        long ret = r.nextInt(3) == 0 ? -r.nextInt(140) : r.nextInt(3) == 0 ? Long.MIN_VALUE : 0;
        int[] families = {-2, -1, 1, 2, 10, 16, 99, 0xfffe, 0x10002, Integer.MIN_VALUE};
        int[] small = {0, 1, 2, 3, 6, 17, 255, 0xffff, 0x10006, -1};
        SocketContext socket = new SocketContext(families[r.nextInt(families.length)], small[r.nextInt(small.length)],
                small[r.nextInt(small.length)], small[r.nextInt(small.length)] & (r.nextBoolean() ? 0xff : -1),
                r.nextBoolean() ? "127.0.0.1:80" : null, r.nextBoolean() ? "[::1]:443" : null);
        return new SetsockoptEvent(1_764_091_911_123_456_789L + r.nextInt(1_000_000), 1 + r.nextInt(5),
                1 + r.nextInt(5), comm, r.nextInt(10), level, optname, value.length, value, ret,
                r.nextBoolean() ? "bpftrace" : "strace", socket);
    }
}
