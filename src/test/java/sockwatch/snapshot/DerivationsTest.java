package sockwatch.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sockwatch.snapshot.SocketSnapshot.Mark;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/** Values the kernel derives from another option are marked derived, with what from; tested on real sockets too. */
class DerivationsTest {
    private static byte[] i(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    @Test
    void theKernelsTosToPriorityTable() {
        assertEquals(6, Derivations.tos2priority(16), "IPTOS_LOWDELAY: interactive");
        assertEquals(2, Derivations.tos2priority(8), "IPTOS_THROUGHPUT: bulk");
        assertEquals(0, Derivations.tos2priority(0));
        assertEquals(4, Derivations.tos2priority(0x18), "interactive bulk");
        assertEquals(6, Derivations.tos2priority(0x10 | 0x3), "the ECN bits do not count");
    }

    @Test
    void derivedOnlyWhenItFollowsAChangedSource() {
        Map<String, Derivations.Other> tos16 = Map.of("IP_TOS", new Derivations.Other(i(16), Mark.CHANGED));
        assertEquals(new Derivations.Judged(Mark.DERIVED, "derived from IP_TOS=16"),
                Derivations.judge("SO_PRIORITY", i(6), Mark.CHANGED, tos16::get));
        assertEquals(Mark.CHANGED, Derivations.judge("SO_PRIORITY", i(5), Mark.CHANGED, tos16::get).mark(),
                "a priority the TOS does not explain is the program's");
        assertEquals(Mark.CHANGED, Derivations.judge("SO_PRIORITY", i(6), Mark.CHANGED, n -> null).mark());
        assertEquals(new Derivations.Judged(Mark.CHANGED, "the kernel doubles the 131072 set"),
                Derivations.judge("SO_SNDBUF", i(262144), Mark.CHANGED, n -> null));
        assertEquals(new Derivations.Judged(Mark.DERIVED, "derived: the kernel sets it with SO_SNDBUF and SO_RCVBUF"),
                Derivations.judge("SO_BUF_LOCK", i(3), Mark.CHANGED, n -> null));
        assertEquals(new Derivations.Judged(Mark.DEFAULT, null),
                Derivations.judge("SO_PRIORITY", i(0), Mark.DEFAULT, tos16::get), "only changed values are judged");
    }

    /** A program that set only IP_TOS=16 and SO_SNDBUF=131072: what snapshot says of it. */
    @Test
    void onARealSocket() throws Exception {
        Capabilities.requireRoot();
        Capabilities.requireTool("python3");
        String program = String.join("\n", "import os, socket, sys", "s = socket.socket()",
                "s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 16)",
                "s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 131072)",
                "print('ready', flush=True)", "sys.stdin.readline()");
        Process target = new ProcessBuilder("python3", "-c", program).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            String pid = Long.toString(target.pid());
            SockwatchRun.Result r = SockwatchRun.run(120, "snapshot", "--json", "-p", pid);
            assertEquals(0, r.exit(), r.stderr());
            JsonObject s = JsonParser.parseString(r.stdout().lines().findFirst().orElseThrow()).getAsJsonObject();
            List<String> changed = SnapshotEndToEndTest.names(s, "changed");
            assertEquals(List.of("SO_SNDBUF", "IP_TOS"), changed, s.toString());
            JsonObject why = s.getAsJsonObject("why");
            assertEquals("derived from IP_TOS=16", why.get("SO_PRIORITY").getAsString(), s.toString());
            assertEquals("the kernel doubles the 131072 set", why.get("SO_SNDBUF").getAsString());
            assertEquals("derived: the kernel sets it with SO_SNDBUF", why.get("SO_BUF_LOCK").getAsString());
            assertEquals(6, s.getAsJsonObject("options").get("SO_PRIORITY").getAsInt());
            SockwatchRun.Result text = SockwatchRun.run(120, "snapshot", "-p", pid);
            assertTrue(text.stdout().contains("      SO_PRIORITY=6 (derived from IP_TOS=16)\n"), text.stdout());
            assertTrue(text.stdout().contains("      SO_SNDBUF=262144 (changed; the kernel doubles the 131072 set)\n"),
                    text.stdout());
            SockwatchRun.Result onlyChanged = SockwatchRun.run(120, "snapshot", "--changed", "-p", pid);
            assertTrue(!onlyChanged.stdout().contains("SO_PRIORITY"), "--changed leaves derived ones out: "
                    + onlyChanged.stdout());
        } finally {
            target.destroyForcibly();
        }
    }
}
