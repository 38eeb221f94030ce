package sockwatch.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.decode.OptionTable;
import sockwatch.event.CallPath;
import sockwatch.event.SetsockoptEvent;
import sockwatch.event.SocketContext;
import sockwatch.probe.bpftrace.BpftraceLineParser;
import sockwatch.support.Fixtures;

class FormattersTest {
    private static final OptionTable TABLE = OptionTable.standard();
    private final TextFormatter text = new TextFormatter(ZoneOffset.UTC);
    private final JsonFormatter json = new JsonFormatter();

    private static SetsockoptEvent event(String comm, int level, int optname, byte[] value, long ret) {
        return new SetsockoptEvent(1_764_091_911_123_456_789L, 4242, 4242, comm.getBytes(StandardCharsets.UTF_8), 3,
                level, optname, value.length, value, ret, "bpftrace");
    }

    private static byte[] le(int... ints) {
        byte[] b = new byte[ints.length * 4];
        for (int i = 0; i < ints.length; i++) {
            for (int k = 0; k < 4; k++) {
                b[i * 4 + k] = (byte) (ints[i] >> (8 * k));
            }
        }
        return b;
    }

    private String line(SetsockoptEvent e) {
        return text.format(EventView.of(e, TABLE));
    }

    private JsonObject obj(SetsockoptEvent e) {
        return JsonParser.parseString(json.format(EventView.of(e, TABLE))).getAsJsonObject();
    }

    @Test
    void textLineKeepsTheClassicTapsSpirit() {
        assertEquals("17:31:51.123 App 'python3' (PID 4242) is enabling socket option TCP_NODELAY (SOL_TCP) on fd 3"
                + " ... success", line(event("python3", 6, 1, le(1), 0)));
        assertEquals("17:31:51.123 App 'python3' (PID 4242) is disabling socket option TCP_NODELAY (SOL_TCP) on fd 3"
                + " ... success", line(event("python3", 6, 1, le(0), 0)));
    }

    @Test
    void optionOneIsNamedByItsLevel() {
        assertTrue(line(event("x", 0, 1, le(16), 0)).contains("socket option IP_TOS (SOL_IP) to 16 (dscp=4, ecn=Not-ECT) on fd 3"));
        assertTrue(line(event("x", 1, 1, le(1), 0)).contains("socket option SO_DEBUG (SOL_SOCKET)"));
        assertTrue(line(event("x", 6, 1, le(1), 0)).contains("TCP_NODELAY (SOL_TCP)"));
    }

    @Test
    void failuresNameTheErrno() {
        String l = line(event("x", 6, 13, "nosuch".getBytes(StandardCharsets.US_ASCII), -2));
        assertTrue(l.endsWith("is setting socket option TCP_CONGESTION (SOL_TCP) to \"nosuch\" on fd 3 ... failed: ENOENT"), l);
    }

    @Test
    void unknownOptionsAndLevelsAreShownAsNumbers() {
        String l = line(event("x", 6, 99, le(1), -92));
        assertTrue(l.contains("is setting socket option 99 (SOL_TCP) to 0x01000000 (4 bytes)"), l);
        assertTrue(l.endsWith("failed: ENOPROTOOPT"), l);
        assertTrue(line(event("x", 4242, 7, le(1), 0)).contains("(level 4242)"));
    }

    @Test
    void threadIdShownWhenNotTheMainThread() {
        SetsockoptEvent e = new SetsockoptEvent(0, 10, 11, "a".getBytes(), 3, 6, 1, 4, le(1), 0, "bpftrace");
        assertTrue(line(e).contains("(PID 10, TID 11)"));
    }

    @Test
    void jsonHoldsTheReadmeContract() {
        JsonObject o = obj(event("python3", 1, 13, le(1, 5), 0));
        assertEquals(List.of("ts", "pid", "tid", "comm", "cmdline", "cmdline_truncated", "cgroup", "netns",
                "container", "container_runtime", "unit", "fd", "family", "proto", "state", "local", "remote",
                "level", "level_num", "option", "optname", "value", "raw", "optlen", "truncated", "ret", "errno", "ok",
                "backend", "via", "abi", "registered_file"), List.copyOf(o.keySet()));
        assertEquals("2025-11-25T17:31:51.123456789Z", o.get("ts").getAsString());
        assertEquals(4242, o.get("pid").getAsInt());
        assertEquals("python3", o.get("comm").getAsString());
        assertEquals("SOL_SOCKET", o.get("level").getAsString());
        assertEquals(1, o.get("level_num").getAsInt());
        assertEquals("SO_LINGER", o.get("option").getAsString());
        assertEquals(13, o.get("optname").getAsInt());
        assertEquals(1, o.getAsJsonObject("value").get("onoff").getAsInt());
        assertEquals(5, o.getAsJsonObject("value").get("linger").getAsInt());
        assertEquals("0100000005000000", o.get("raw").getAsString());
        assertEquals(8, o.get("optlen").getAsInt());
        assertEquals(0, o.get("ret").getAsInt());
        assertTrue(o.get("errno").isJsonNull());
        assertTrue(o.get("ok").getAsBoolean());
        assertEquals("bpftrace", o.get("backend").getAsString());
        assertEquals("syscall", o.get("via").getAsString());
        assertEquals("64-bit", o.get("abi").getAsString());
        assertFalse(o.get("registered_file").getAsBoolean());
    }

    @Test
    void theCallPathIsShownWhenItIsNotThe64BitSyscall() {
        SetsockoptEvent e = new SetsockoptEvent(0, 10, 10, "a".getBytes(), 3, 6, 1, 4, le(1), 0, "bpftrace");
        assertFalse(line(e).contains("["), line(e));
        assertTrue(line(e.withPath(CallPath.IO_URING)).contains(" [via io_uring] ... success"),
                line(e.withPath(CallPath.IO_URING)));
        assertTrue(line(e.withPath(CallPath.SOCKETCALL_32)).contains(" [32-bit, socketcall] ... "));
        JsonObject o = obj(e.withPath(CallPath.IO_URING));
        assertEquals("io_uring", o.get("via").getAsString());
        assertEquals("64-bit", o.get("abi").getAsString());
        assertFalse(o.get("registered_file").getAsBoolean());
        SetsockoptEvent reg = e.withPath(CallPath.IO_URING_REGISTERED);
        assertTrue(line(reg).contains(" on registered file 3 ") && line(reg).contains(" [via io_uring] ... success"),
                line(reg));
        assertEquals("io_uring", obj(reg).get("via").getAsString());
        assertTrue(obj(reg).get("registered_file").getAsBoolean());
        assertEquals(3, obj(reg).get("fd").getAsInt(), "the index, as the request named it");
        JsonObject c = obj(e.withPath(CallPath.SYSCALL_32));
        assertEquals("syscall", c.get("via").getAsString());
        assertEquals("32-bit", c.get("abi").getAsString());
    }

    @Test
    void socketContextInTextAndJson() {
        SetsockoptEvent e = event("curl", 6, 1, le(1), 0)
                .withSocket(new SocketContext(2, 1, 6, 1, "127.0.0.1:41000", "127.0.0.1:8080"));
        assertTrue(line(e).contains("on fd 3 (tcp 127.0.0.1:41000 -> 127.0.0.1:8080) ... success"), line(e));
        JsonObject o = obj(e);
        assertEquals("inet", o.get("family").getAsString());
        assertEquals("tcp", o.get("proto").getAsString());
        assertEquals("ESTABLISHED", o.get("state").getAsString());
        assertEquals("127.0.0.1:41000", o.get("local").getAsString());
        assertEquals("127.0.0.1:8080", o.get("remote").getAsString());
        SetsockoptEvent listener = e.withSocket(new SocketContext(10, 1, 6, 10, "[::]:8080", null));
        assertTrue(line(listener).contains("on fd 3 (tcp6 listening on [::]:8080) ..."), line(listener));
        assertTrue(obj(listener).get("remote").isJsonNull());
        assertTrue(line(e.withSocket(new SocketContext(2, 1, 6, 7, null, null))).contains("(tcp, not bound yet)"));
        assertTrue(line(e.withSocket(new SocketContext(10, 2, 17, 7, "[::1]:5353", null))).contains("(udp6 [::1]:5353)"));
        assertTrue(line(e.withSocket(new SocketContext(1, 2, 0, 0, null, null))).contains("on fd 3 (unix dgram) ..."));
        assertTrue(line(e.withSocket(SocketContext.NOT_A_SOCKET)).contains("on fd 3 (not a socket) ..."));
        assertTrue(obj(e.withSocket(SocketContext.NOT_A_SOCKET)).get("family").isJsonNull());
        assertTrue(line(e.withSocket(SocketContext.UNKNOWN)).contains("on fd 3 ... success"));
    }

    /** strace's sockets: the TCP state not known as of the call, or only the kind, or only "a socket". */
    @Test
    void socketWhoseStateOrEndpointsAreUnknownReadsWell() {
        SetsockoptEvent e = event("curl", 6, 1, le(1), 0);
        SetsockoptEvent bound = e.withSocket(new SocketContext(2, 1, 6, SocketContext.STATE_UNKNOWN, "127.0.0.1:5000",
                null));
        assertTrue(line(bound).contains("on fd 3 (tcp 127.0.0.1:5000) ... success"), line(bound));
        assertTrue(obj(bound).get("state").isJsonNull(), obj(bound).toString());
        assertEquals("127.0.0.1:5000", obj(bound).get("local").getAsString());
        SetsockoptEvent connected = e.withSocket(new SocketContext(10, 1, 6, SocketContext.STATE_UNKNOWN, "[::1]:1",
                "[::1]:2"));
        assertTrue(line(connected).contains("on fd 3 (tcp6 [::1]:1 -> [::1]:2) ... success"), line(connected));
        SetsockoptEvent kindOnly = e.withSocket(new SocketContext(2, 1, 6, SocketContext.STATE_UNKNOWN, null, null));
        assertTrue(line(kindOnly).contains("on fd 3 (tcp) ... success"), line(kindOnly));
        assertTrue(obj(kindOnly).get("state").isJsonNull() && obj(kindOnly).get("local").isJsonNull());
        assertTrue(line(e.withSocket(new SocketContext(2, 3, 0, 0, null, null))).contains("on fd 3 (raw) ..."));
        assertTrue(line(e.withSocket(new SocketContext(1, 0, 0, 0, null, null))).contains("on fd 3 (unix) ..."));
        assertTrue(obj(e.withSocket(new SocketContext(1, 0, 0, 0, null, null))).get("proto").isJsonNull());
        assertTrue(line(e.withSocket(new SocketContext(16, 0, 0, 0, null, null))).contains("on fd 3 (netlink) ..."));
        SetsockoptEvent some = e.withSocket(SocketContext.SOME_SOCKET);
        assertTrue(line(some).contains("on fd 3 (socket) ... success"), line(some));
        assertTrue(obj(some).get("family").isJsonNull() && obj(some).get("proto").isJsonNull(), obj(some).toString());
    }

    @Test
    void jsonValuesByType() {
        assertEquals(1, obj(event("x", 6, 1, le(1), 0)).get("value").getAsInt());
        assertEquals("cubic", obj(event("x", 6, 13, "cubic".getBytes(StandardCharsets.US_ASCII), 0))
                .get("value").getAsString());
        JsonObject failed = obj(event("x", 6, 13, "nosuch".getBytes(StandardCharsets.US_ASCII), -2));
        assertEquals("ENOENT", failed.get("errno").getAsString());
        assertFalse(failed.get("ok").getAsBoolean());
        assertEquals(-2, failed.get("ret").getAsInt());
        JsonObject unknown = obj(event("x", 6, 99, le(1), -92));
        assertTrue(unknown.get("option").isJsonNull());
        assertEquals(99, unknown.get("optname").getAsInt());
    }

    /** The recorded run's process named itself "ev\til\n%s\"'\\\xff\x1b[3": no byte of it may reach output raw. */
    @Test
    void hostileNamesCannotCorruptEitherOutput() throws Exception {
        BpftraceLineParser parser = new BpftraceLineParser(0);
        Fixtures.CollectingSink sink = new Fixtures.CollectingSink();
        Fixtures.lines("bpftrace-hostile-comm.txt").forEach(l -> parser.accept(l, sink));
        assertFalse(sink.events.isEmpty());
        for (SetsockoptEvent e : sink.events) {
            String t = line(e);
            assertTrue(t.contains("App 'ev\\til\\n%s\"'\\\\\\xff\\x1b[3'"), t);
            for (char c : t.toCharArray()) {
                assertTrue(c >= 0x20 && c != 0x7f, "printable only: " + (int) c);
            }
            String j = json.format(EventView.of(e, TABLE));
            assertFalse(j.contains("\n") || j.contains("\t") || j.contains("\u001b"), j);
            assertEquals("ev\\til\\n%s\"'\\\\\\xff\\x1b[3",
                    JsonParser.parseString(j).getAsJsonObject().get("comm").getAsString());
        }
    }

    @Test
    void summaryCountsFinalValuesAndFailures() {
        Summary s = new Summary();
        s.add(EventView.of(event("app", 6, 1, le(1), 0), TABLE));
        s.add(EventView.of(event("app", 6, 1, le(0), 0), TABLE));
        s.add(EventView.of(event("app", 6, 13, "nosuch".getBytes(StandardCharsets.US_ASCII), -2), TABLE));
        s.lost(3);
        String r = s.render();
        assertTrue(r.startsWith("Summary: 3 events, 1 process, 3 LOST by the backend"), r);
        assertTrue(r.contains("PID 4242 'app':"), r);
        assertTrue(r.contains("TCP_NODELAY (SOL_TCP)     set 2x, final off, fd 3"), r);
        assertTrue(r.contains("TCP_CONGESTION (SOL_TCP)  set 1x, failed 1x ENOENT, fd 3"), r);
    }

    /** Sockets that end with different values are never summed up as one "final" (Go's fd 9 off among ons). */
    @Test
    void summaryGivesEachSocketsFinalValueGroupedWhereEqual() {
        Summary s = new Summary();
        sockwatch.event.SocketContext peer = new sockwatch.event.SocketContext(2, 1, 6, 1, "127.0.0.1:41000",
                "127.0.0.1:8080");
        for (int fd : new int[] {4, 8, 9, 10}) {
            s.add(EventView.of(onFd(fd, 6, 1, le(1), 0, peer), TABLE));
        }
        s.add(EventView.of(onFd(9, 6, 1, le(0), 0, peer), TABLE));
        s.add(EventView.of(onFd(11, 6, 1, le(1), -9, peer), TABLE));   // EBADF only
        s.add(EventView.of(onFd(4, 6, 4, le(7), 0, peer), TABLE));
        s.add(EventView.of(onFd(8, 6, 4, le(5), 0, peer), TABLE));
        String r = s.render();
        assertTrue(r.contains("TCP_NODELAY (SOL_TCP)   set 6x, final on for fds 4, 8, 10; off for fd 9 (tcp"
                + " 127.0.0.1:41000 -> 127.0.0.1:8080), failed 1x EBADF (fd 11: none succeeded)"), r);
        assertTrue(r.contains("TCP_KEEPIDLE (SOL_TCP)  set 2x, final 7 for fd 4 (tcp 127.0.0.1:41000 ->"
                + " 127.0.0.1:8080); 5 for fd 8 (tcp 127.0.0.1:41000 -> 127.0.0.1:8080)"), r);
        assertFalse(r.contains("final on, fds"), "no single final for sockets that differ: " + r);
    }

    private static SetsockoptEvent onFd(int fd, int level, int optname, byte[] value, long ret,
            sockwatch.event.SocketContext socket) {
        return new SetsockoptEvent(1_764_091_911_123_456_789L, 4242, 4242, "app".getBytes(StandardCharsets.UTF_8), fd,
                level, optname, value.length, value, ret, "bpftrace", socket);
    }
}
