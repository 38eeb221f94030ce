package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/** Targets that fight back: hostile names, forks, execs and many threads, through the whole real pipeline. */
class HostileAndChangingTargetsTest {

    @BeforeEach
    void needs() {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("python3");
    }

    private static List<JsonObject> json(String stdout) {
        return stdout.lines().filter(l -> l.startsWith("{")).map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary"))
                .toList();
    }

    /** prctl(PR_SET_NAME) to tab, newline, %s, quotes, backslash, a non-UTF-8 byte and an ANSI escape. */
    static final String HOSTILE = String.join("\n",
            "import ctypes, socket",
            "ctypes.CDLL(None).prctl(15, ctypes.c_char_p(b'a\\tb\\nc%s\"\\'\\\\\\xff\\x1b[31m'), 0, 0, 0)",
            "socket.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)");

    @Test
    void hostileProcessNamesAreEscapedInTextAndJson() throws Exception {
        SockwatchRun.Result text = SockwatchRun.run(120, "--", "python3", "-c", HOSTILE);
        List<String> lines = text.stdout().lines().toList();
        assertEquals(1, lines.size(), "one event, one line: " + text.stdout());
        // The kernel keeps 15 bytes: "m" is cut.
        assertTrue(lines.get(0).contains("App 'a\\tb\\nc%s\"'\\\\\\xff\\x1b[31' (PID"), lines.get(0));
        assertFalse(text.stdout().contains("\u001b"), "no raw escape reaches the terminal");
        assertTrue(text.stderr().contains("PID ") && !text.stderr().contains("\u001b"), text.stderr());

        SockwatchRun.Result js = SockwatchRun.run(120, "--json", "--", "python3", "-c", HOSTILE);
        List<JsonObject> events = json(js.stdout());
        assertEquals(1, events.size(), js.stdout());
        assertEquals("a\\tb\\nc%s\"'\\\\\\xff\\x1b[31", events.get(0).get("comm").getAsString());
    }

    /** Launch mode follows children (fork) and keeps watching through exec, with the right pid and name. */
    @Test
    void forksAndExecsKeepTheirOwnPidAndName() throws Exception {
        String child = "import os, socket; print(os.getpid(), flush=True); "
                + "socket.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)";
        String script = "python3 -c \"$1\"; python3 -c \"$1\"; exec python3 -c \"$1\"";
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--", "sh", "-c", script, "sh", child);
        assertEquals(0, r.exit(), r.stderr());
        List<String> printedPids = r.stdout().lines().filter(l -> l.matches("\\d+")).toList();
        List<JsonObject> events = json(r.stdout());
        assertEquals(3, events.size(), r.stdout());
        assertEquals(printedPids, events.stream().map(e -> e.get("pid").getAsString()).toList(),
                "each event carries the pid of the process that made the call");
        assertTrue(events.stream().allMatch(e -> e.get("comm").getAsString().equals("python3")), r.stdout());
        assertEquals(3, Set.copyOf(printedPids).size(), "two forked children and the exec'd shell");
    }

    @Test
    void manyThreadsAreAttributedToTheirThread() throws Exception {
        String script = String.join("\n",
                "import socket, threading",
                "s = socket.socket()",
                "def f(): s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
                "ts = [threading.Thread(target=f) for _ in range(32)]",
                "[t.start() for t in ts]",
                "[t.join() for t in ts]");
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--", "python3", "-c", script);
        List<JsonObject> events = json(r.stdout());
        assertEquals(32, events.size(), r.stdout());
        Set<Integer> pids = events.stream().map(e -> e.get("pid").getAsInt()).collect(Collectors.toSet());
        Set<Integer> tids = events.stream().map(e -> e.get("tid").getAsInt()).collect(Collectors.toSet());
        assertEquals(1, pids.size());
        assertEquals(32, tids.size(), "each call carries its own thread's id: " + tids);
        assertFalse(tids.containsAll(pids), "none of them is the main thread's");
        assertTrue(r.stderr().contains("TCP_NODELAY (SOL_TCP)  set 32x, final on"), r.stderr());
    }
}
