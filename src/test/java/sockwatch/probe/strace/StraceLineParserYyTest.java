package sockwatch.probe.strace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sockwatch.event.CallPath;
import sockwatch.event.SetsockoptEvent;
import sockwatch.event.SocketContext;
import sockwatch.support.Fixtures;
import sockwatch.support.Fixtures.CollectingSink;

/**
 * -yy and strace's ABI notices, on output recorded from real strace 6.1 runs (strace-sockets-yy.txt,
 * strace-compat32.txt; record-strace-fixtures.sh). /proc is a table here: what it would have said.
 */
class StraceLineParserYyTest {
    private static final int PID = 27600;
    private static final int STATE_UNKNOWN = SocketContext.STATE_UNKNOWN;

    private final CollectingSink sink = new CollectingSink();

    /** /proc as given: fd to inode, inode to the socket's tables line. */
    private record Proc(Map<Integer, Long> fds, Map<Long, SocketContext> sockets) implements StraceSockets.ProcView {
        @Override
        public Optional<SocketContext> byInode(int pid, long inode, int family, int protocol) {
            return Optional.ofNullable(sockets.get(inode));
        }

        @Override
        public OptionalLong fdInode(int pid, int fd) {
            Long i = fds.get(fd);
            return i == null ? OptionalLong.empty() : OptionalLong.of(i);
        }
    }

    private List<SetsockoptEvent> parse(String fixture, StraceSockets.ProcView proc, int root) throws Exception {
        StraceLineParser parser = new StraceLineParser(new ProcTasksGone(), Set.of(root),
                new StraceSockets(proc, true));
        for (String line : Fixtures.lines(fixture)) {
            parser.accept(line, sink);
        }
        assertEquals(List.of(), sink.malformed);
        return sink.events;
    }

    /** Nothing left in /proc, as in a test run long after the recording. */
    private static class ProcTasksGone implements StraceLineParser.Tasks {
        @Override
        public int tgid(int tid) {
            return tid;
        }

        @Override
        public Optional<byte[]> comm(int tgid) {
            return Optional.empty();
        }

        @Override
        public void gone(int tid) {
        }
    }

    private static SocketContext ctx(int family, int type, int protocol, int state, String local, String remote) {
        return new SocketContext(family, type, protocol, state, local, remote);
    }

    @Test
    void everySocketIsAsStracePrintedItAtTheCall() throws Exception {
        List<SetsockoptEvent> e = parse("strace-sockets-yy.txt", StraceSockets.ProcView.NONE, PID);
        assertEquals(19, e.size());
        List<SocketContext> expected = List.of(
                ctx(2, 1, 6, 7, null, null),                                        // TCP:[877093]: not bound
                ctx(2, 1, 6, STATE_UNKNOWN, "127.0.0.1:46469", null),                // bound
                ctx(2, 1, 6, STATE_UNKNOWN, null, null),       // listening, same text again: maybe cached, unknown
                ctx(2, 1, 6, STATE_UNKNOWN, "127.0.0.1:40740", "127.0.0.1:46469"),
                ctx(2, 1, 6, STATE_UNKNOWN, "127.0.0.1:46469", "127.0.0.1:40740"),
                ctx(10, 2, 17, 7, null, null),                                       // UDPv6:[877104]: not bound
                ctx(10, 2, 17, 7, "[::1]:53370", null),
                ctx(10, 1, 6, STATE_UNKNOWN, "[::]:49575", null),
                ctx(1, 1, 0, 0, null, null),                     // fd 4 again: the TCP socket's number, now UNIX
                ctx(1, 1, 0, 0, null, null),                     // the hostile path
                ctx(1, 0, 0, 0, null, null),                     // "UNIX": datagram or seqpacket, /proc has none
                ctx(1, 1, 0, 0, null, null),
                ctx(1, 0, 0, 0, null, null),
                ctx(16, 0, 0, 0, null, null),
                ctx(16, 0, 0, 0, null, null),
                SocketContext.SOME_SOCKET,                       // PACKET: socket:[877128]
                ctx(2, 3, 0, 0, null, null),                     // RAW:[877131]: raw_diag found none, unknown
                SocketContext.SOME_SOCKET,                       // MPTCP: socket:[877134]
                SocketContext.NOT_A_SOCKET);                     // /dev/null
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), e.get(i).socket(), "event " + i + ": " + e.get(i));
        }
        assertEquals(4, e.get(3).fd());
        assertEquals(4, e.get(8).fd());
        assertTrue(e.stream().allMatch(x -> x.path() == CallPath.SYSCALL));
    }

    /** A path made to look like the end of the call: -xx escapes every byte of it, so the arguments stand. */
    @Test
    void aHostileUnixPathCannotBreakTheLine() throws Exception {
        SetsockoptEvent e = parse("strace-sockets-yy.txt", StraceSockets.ProcView.NONE, PID).get(9);
        assertEquals(4, e.fd());
        assertEquals(1, e.level());
        assertEquals(7, e.optname());
        assertEquals(4, e.optlen());
        assertArrayEquals(new byte[] {0, 0x10, 0, 0}, e.value());
        assertEquals(0, e.ret());
        assertEquals(SocketContext.AF_UNIX, e.socket().family());
    }

    /** strace's cached text again is believed when /proc shows that socket with just those endpoints now. */
    @Test
    void aRepeatedTextIsBelievedOnlyWhenProcAgrees() throws Exception {
        SocketContext listening = ctx(2, 1, 6, 10, "127.0.0.1:46469", null);
        List<SetsockoptEvent> e = parse("strace-sockets-yy.txt", new Proc(Map.of(3, 877093L),
                Map.of(877093L, listening)), PID);
        assertEquals(ctx(2, 1, 6, STATE_UNKNOWN, "127.0.0.1:46469", null), e.get(2).socket(),
                "endpoints as -yy printed them; the state /proc has now is not taken");
        sink.events.clear();
        SocketContext connected = ctx(2, 1, 6, 1, "127.0.0.1:46469", "127.0.0.1:9");
        e = parse("strace-sockets-yy.txt", new Proc(Map.of(3, 877093L), Map.of(877093L, connected)), PID);
        assertEquals(ctx(2, 1, 6, STATE_UNKNOWN, null, null), e.get(2).socket(), "changed since: unknown");
    }

    /** /proc may name what -yy leaves open and never changes: a unix socket's type, a socket:[N]'s kind. */
    @Test
    void procAddsOnlyWhatNeverChangesByTheInodeStracePrinted() throws Exception {
        List<SetsockoptEvent> e = parse("strace-sockets-yy.txt", new Proc(Map.of(), Map.of(
                877121L, ctx(1, 5, 0, 0, null, null), 877134L, ctx(2, 1, 6, 10, "1.2.3.4:5", null))), PID);
        assertEquals(ctx(1, 5, 0, 0, null, null), e.get(12).socket(), "UNIX:[877121] is the seqpacket one");
        assertEquals(ctx(2, 1, 6, STATE_UNKNOWN, null, null), e.get(17).socket(), "kind only, no later endpoints");
        assertEquals(ctx(1, 0, 0, 0, null, null), e.get(10).socket(), "not in the table: unknown type");
    }

    @Test
    void thirtyTwoBitTasksAreMarkedPerThread() throws Exception {
        List<SetsockoptEvent> e = parse("strace-compat32.txt", StraceSockets.ProcView.NONE, 27654);
        assertEquals(3, e.size());
        assertEquals(CallPath.SYSCALL_32, e.get(0).path());
        assertEquals(CallPath.SYSCALL_32, e.get(1).path());
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0x20, (byte) 0xa1, 7, 0}, e.get(1).value());
        assertEquals(20, e.get(1).optname());
        assertEquals(27654, e.get(2).pid());
        assertEquals(CallPath.SYSCALL, e.get(2).path(), "the 64-bit shell's exec'd python3: no notice, 64-bit");
    }

    @Test
    void aTaskStraceSaidNothingAboutIsAskedAboutAndANoticeWins() {
        StraceLineParser parser = new StraceLineParser(new ProcTasksGone() {
            @Override
            public boolean started32Bit(int tid) {
                return tid == 7;
            }
        }, Set.of(7));
        // constructed from the recorded lines' form (strace-compat32.txt), with other tids
        parser.accept("7<\\x73> 1796415510.460994493 setsockopt(3<TCP:[877576]>, 0x6, 0x1, [1], 4) = 0 <0.000015958>",
                sink);
        parser.accept("7<\\x73> 1796415510.470000000 [ Process PID=7 runs in 64 bit mode. ]", sink);
        parser.accept("7<\\x73> 1796415510.480994493 setsockopt(3<TCP:[877576]>, 0x6, 0x1, [1], 4) = 0 <0.000015958>",
                sink);
        assertEquals(List.of(CallPath.SYSCALL_32, CallPath.SYSCALL), sink.events.stream().map(SetsockoptEvent::path)
                .toList());
    }

    /** Decorations that are not strace's forms (constructed): a malformed line, never a crash or a guess. */
    @Test
    void brokenDecorationsAreMalformedOrUnknownNeverGuessed() {
        StraceLineParser parser = new StraceLineParser(new ProcTasksGone(), Set.of(1));
        parser.accept("1 1796415510.1 setsockopt(3<TCP:[1.2.3.4:5, 0x6, 0x1, [1], 4) = 0", sink);
        assertEquals(1, sink.malformed.size());
        parser.accept("1 1796415510.1 setsockopt(3<TCP:[999.2.3.4:5]>, 0x6, 0x1, [1], 4) = 0", sink);
        parser.accept("1 1796415510.1 setsockopt(3<TCP:[1.2.3.4:5->nonsense]>, 0x6, 0x1, [1], 4) = 0", sink);
        parser.accept("1 1796415510.1 setsockopt(3<pipe:[5]>, 0x6, 0x1, [1], 4) = -1 ENOTSOCK (x)", sink);
        parser.accept("1 1796415510.1 setsockopt(-1, 0x6, 0x1, [1], 4) = -1 EBADF (Bad file descriptor)", sink);
        assertEquals(1, sink.malformed.size());
        assertEquals(List.of(ctx(2, 1, 6, STATE_UNKNOWN, null, null), ctx(2, 1, 6, STATE_UNKNOWN, null, null),
                SocketContext.NOT_A_SOCKET, SocketContext.NOT_A_SOCKET),
                sink.events.stream().map(SetsockoptEvent::socket).toList());
    }
}
