package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/** --changes-only on the real kernel: a storm of identical calls shows its few changes and the exact repeat count. */
class ChangesOnlyEndToEndTest {
    /** 10,000 identical TCP_NODELAY 1 calls, then a few changes (and one more repeat). */
    static final String STORM = String.join("\n",
            "import socket",
            "s = socket.socket()",
            "for i in range(10000):",
            "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
            "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)",
            "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60)",
            "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60)",
            "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 61)",
            "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)");

    @BeforeEach
    void needsBpftrace() {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("python3");
    }

    @Test
    void onlyChangesAreShownAndRepeatsAreCountedExactly() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--changes-only", "--", "python3", "-c", STORM);
        assertEquals(0, r.exit(), r.stderr());
        List<JsonObject> lines = r.stdout().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary")).toList();
        List<JsonObject> events = lines.stream().filter(o -> o.has("ts")).toList();
        assertEquals(List.of("TCP_NODELAY=1", "TCP_NODELAY=0", "TCP_KEEPIDLE=60", "TCP_KEEPIDLE=61", "TCP_NODELAY=1"),
                events.stream().map(e -> e.get("option").getAsString() + "=" + e.get("value").getAsInt()).toList(),
                r.stdout());
        List<JsonObject> repeats = lines.stream().filter(o -> o.has("repeats")).toList();
        assertEquals(List.of("TCP_KEEPIDLE x1", "TCP_NODELAY x9999"), repeats.stream()
                .map(o -> o.get("option").getAsString() + " x" + o.get("repeats").getAsLong()).sorted().toList(),
                r.stdout());
        assertTrue(repeats.stream().allMatch(o -> o.get("ok").getAsBoolean() && o.get("level").getAsString().equals("SOL_TCP")));
        assertFalse(r.stderr().contains("LOST"), r.stderr());
        assertTrue(r.stderr().contains("Summary: 5 events (changes only), 10000 repeats counted in the kernel and not"
                + " shown, 1 process"), r.stderr());
        assertTrue(r.stderr().contains("set 10002x (9999 repeats not shown), final on"), r.stderr());
        assertTrue(r.stderr().contains("set 3x (1 repeat not shown), final 61"), r.stderr());
    }

    @Test
    void theDefaultModeStillShowsEveryCall() throws Exception {
        String few = "import socket\ns = socket.socket()\nfor i in range(20):\n"
                + "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)\n";
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--", "python3", "-c", few);
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(20, r.stdout().lines().filter(l -> l.startsWith("{\"ts\"")).count(), r.stdout());
        assertTrue(r.stderr().contains("Summary: 20 events, 1 process"), r.stderr());
        assertFalse(r.stderr().contains("repeat"), r.stderr());
    }
}
