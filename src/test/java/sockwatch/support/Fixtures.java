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
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IOException("no fixture " + name);
            }
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n", -1)) {
                if (!line.startsWith("# ")) {
                    out.add(line);
                }
            }
            return out;
        }
    }

    public static final class CollectingSink implements EventSink {
        public final List<SetsockoptEvent> events = new ArrayList<>();
        public final List<String> malformed = new ArrayList<>();
        public long lost;
        public final List<RepeatCount> repeats = new ArrayList<>();
        public final List<Long> repeatsCounted = new ArrayList<>();

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
    }
}
