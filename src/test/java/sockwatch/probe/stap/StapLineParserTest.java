package sockwatch.probe.stap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.event.SetsockoptEvent;
import sockwatch.support.Fixtures;

/** The machine lines of stap/sockwatch.stp, from a real run in the stap VM (fixtures/stap-machine-lines.txt). */
class StapLineParserTest {

    @Test
    void parsesARecordedRunLevelByLevel() throws Exception {
        Fixtures.CollectingSink sink = new Fixtures.CollectingSink();
        StapLineParser parser = new StapLineParser();
        List<StapLineParser.Control> controls = new ArrayList<>();
        for (String line : Fixtures.lines("stap-machine-lines.txt")) {
            controls.add(parser.accept(line, sink));
        }
        assertEquals(StapLineParser.Control.READY, controls.get(0));
        assertEquals(StapLineParser.Control.ROOT_EXITED, controls.get(9));
        assertEquals(List.of(), sink.malformed);
        assertEquals(9, sink.events.size());

        SetsockoptEvent nodelay = sink.events.get(0);
        assertEquals(1795629982172888550L, nodelay.wallNanos());
        assertEquals(207, nodelay.pid());
        assertEquals(207, nodelay.tid());
        assertEquals("python3", new String(nodelay.comm(), StandardCharsets.ISO_8859_1));
        assertEquals(3, nodelay.fd());
        assertEquals(6, nodelay.level());
        assertEquals(1, nodelay.optname());
        assertEquals("01000000", nodelay.rawHex());
        assertEquals("stap", nodelay.backend());

        SetsockoptEvent tos = sink.events.get(1);
        assertEquals(0, tos.level());
        assertEquals(1, tos.optname());
        assertEquals("10000000", tos.rawHex());

        SetsockoptEvent failed = sink.events.get(5);
        assertEquals(-2, failed.ret());
        assertEquals("nosuch", new String(failed.value(), StandardCharsets.US_ASCII));
        assertEquals(212, sink.events.get(7).pid(), "the forked child, followed");
        assertArrayEquals("ev\til\n%s\u001b[3".getBytes(StandardCharsets.ISO_8859_1), sink.events.get(8).comm(),
                "a hostile name travels as hex, on one line");
    }

    @Test
    void hostileNamesTravelAsHexAndBrokenLinesAreCounted() {
        Fixtures.CollectingSink sink = new Fixtures.CollectingSink();
        StapLineParser parser = new StapLineParser();
        // comm "ev<TAB>il<LF>%s<ESC>[3": what the tap prints for it is hex, so the line stays one line.
        parser.accept("SWS1 1 10 11 3 6 1 4 0 657609696c0a25731b5b33 01000000", sink);
        parser.accept("SWS1 2 10 11 3 6 1 0 -22 7079 -", sink);
        parser.accept("SWS1 3 10 11 3 6 1 4 0 7079 0100000", sink);
        parser.accept("SWS1 garbage", sink);
        parser.accept("WARNING: not ours", sink);
        assertArrayEquals("ev\til\n%s\u001b[3".getBytes(StandardCharsets.ISO_8859_1), sink.events.get(0).comm());
        assertEquals(0, sink.events.get(1).value().length, "\"-\" is an empty value");
        assertEquals(2, sink.events.size());
        assertEquals(List.of("SWS1 3 10 11 3 6 1 4 0 7079 0100000", "SWS1 garbage"), sink.malformed);
    }
}
