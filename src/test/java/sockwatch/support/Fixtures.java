package sockwatch.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import sockwatch.event.EventSink;
import sockwatch.event.RepeatCount;
import sockwatch.event.SetsockoptEvent;

/** Recorded real backend output (see each fixture's header), and a sink that collects what a parser makes. */
public final class Fixtures {
    private Fixtures() {
    }

    public static List<String> lines(String name) throws IOException {
        return all(name).stream().filter(line -> !line.startsWith("# ")).toList();
    }

    /** The fixture's header: how it was recorded. */
    public static List<String> header(String name) throws IOException {
        return all(name).stream().filter(line -> line.startsWith("# ")).toList();
    }

    private static List<String> all(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IOException("no fixture " + name);
            }
            return List.of(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n", -1));
        }
    }

    /** What a sink was told, in lists; a test may extend it to see the order too. */
    public static class CollectingSink implements EventSink {
        public final List<SetsockoptEvent> events = new ArrayList<>();
        public final List<String> malformed = new ArrayList<>();
        public long lost;
        public final List<RepeatCount> repeats = new ArrayList<>();
        public final List<Long> repeatsCounted = new ArrayList<>();
        public final List<sockwatch.event.CallCount> counts = new ArrayList<>();
        public final List<Long> callsCounted = new ArrayList<>();
        public int tableKeys;
        public final List<Integer> exited = new ArrayList<>();
        public final List<Integer> seen = new ArrayList<>();

        @Override
        public void event(SetsockoptEvent event) {
            events.add(event);
        }

        @Override
        public void lost(long count) {
            lost += count;
        }

        @Override
        public void malformed(String line) {
            malformed.add(line);
        }

        @Override
        public void repeats(RepeatCount r) {
            repeats.add(r);
        }

        @Override
        public void repeatsCounted(long total) {
            repeatsCounted.add(total);
        }

        @Override
        public void counted(sockwatch.event.CallCount c) {
            counts.add(c);
        }

        @Override
        public void callsCounted(long total, int keys) {
            callsCounted.add(total);
            tableKeys = keys;
        }

        @Override
        public void processExited(int pid) {
            exited.add(pid);
        }

        @Override
        public void processSeen(int pid) {
            seen.add(pid);
        }
    }
}
