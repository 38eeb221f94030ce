package sockwatch.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;
import sockwatch.decode.ValueDecoder;
import sockwatch.snapshot.SocketSnapshot.Mark;
import sockwatch.snapshot.SocketSnapshot.Reading;

/** The text table and the JSON lines of snapshot, on hand-made sockets. */
class SnapshotFormattersTest {
    static final OptionTable TABLE = OptionTable.standard();
    static final byte[] COMM = "we\tird\u001b".getBytes(StandardCharsets.UTF_8);

    private static Reading reading(String name, byte[] raw, Mark mark) {
        SockOption o = TABLE.byName(name).get(0);
        return new Reading(o, ValueDecoder.decode(o, raw, raw.length), mark);
    }

    private static byte[] i(int v) {
        return new byte[] {(byte) v, 0, 0, 0};
    }

    static List<SocketSnapshot> sockets() {
        List<Reading> client = List.of(reading("SO_KEEPALIVE", i(0), Mark.DEFAULT),
                reading("SO_LINGER", new byte[] {1, 0, 0, 0, 5, 0, 0, 0}, Mark.CHANGED),
                reading("TCP_NODELAY", i(1), Mark.CHANGED),
                reading("TCP_MAXSEG", new byte[] {(byte) 0xe5, 0x7f, 0, 0}, Mark.AUTO),
                reading("TCP_CONGESTION", "cubic\0\0\0\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII), Mark.DEFAULT));
        List<Reading> listener = List.of(reading("SO_REUSEADDR", i(1), Mark.CHANGED),
                reading("TCP_NODELAY", i(0), Mark.DEFAULT));
        List<Reading> unix = List.of(reading("SO_PASSCRED", i(0), Mark.UNKNOWN));
        return List.of(
                new SocketSnapshot(42, COMM, 3, 1001, new SocketKind(2, 1, 6), "LISTEN", "127.0.0.1:8080", null, listener),
                new SocketSnapshot(42, COMM, 12, 1002, new SocketKind(10, 1, 6), "ESTABLISHED", "[::1]:50000",
                        "[::1]:8080", client),
                new SocketSnapshot(42, COMM, 100, 1003, new SocketKind(1, 1, 0), "CONNECTED", "", "@bus", unix));
    }

    @Test
    void textIsAnAlignedTableWithOneBlockPerSocketChangedFirst() {
        String text = new SnapshotTextFormatter(false).format(42, COMM, sockets());
        assertEquals(String.join("\n",
                "PID 42 'we\\tird\\x1b': 3 sockets",
                "   FD  FAMILY  PROTO   STATE        LOCAL           REMOTE",
                "    3  inet    tcp     LISTEN       127.0.0.1:8080  *",
                "      SO_REUSEADDR=1 (changed)",
                "      TCP_NODELAY=0 (default)",
                "   12  inet6   tcp     ESTABLISHED  [::1]:50000     [::1]:8080",
                "      SO_LINGER={onoff=1, linger=5} (changed)",
                "      TCP_NODELAY=1 (changed)",
                "      SO_KEEPALIVE=0 (default)",
                "      TCP_MAXSEG=32741 (auto)",
                "      TCP_CONGESTION=\"cubic\" (default)",
                "  100  unix    stream  CONNECTED    (unnamed)       @bus",
                "      SO_PASSCRED=0 (no default known)",
                ""), text);
    }

    @Test
    void changedOnlyLeavesTheRestOut() {
        String text = new SnapshotTextFormatter(true).format(42, COMM, sockets());
        assertTrue(text.contains("      TCP_NODELAY=1 (changed)\n"), text);
        assertTrue(!text.contains("(default)") && !text.contains("(auto)"), text);
        assertTrue(text.contains("  100  unix    stream  CONNECTED    (unnamed)       @bus\n"
                + "      (no option differs from a fresh socket)\n"), text);
        assertEquals("PID 7 'x': no sockets\n", new SnapshotTextFormatter(false).format(7, new byte[] {'x'}, List.of()));
    }

    @Test
    void jsonLinesFollowTheContract() {
        SnapshotJsonFormatter f = new SnapshotJsonFormatter(false);
        List<JsonObject> objects = new ArrayList<>();
        for (SocketSnapshot s : sockets()) {
            String line = f.format(s);
            assertTrue(!line.contains("\n"), line);
            objects.add(JsonParser.parseString(line).getAsJsonObject());
        }
        JsonObject client = objects.get(1);
        assertEquals(List.of("pid", "comm", "cmdline", "cmdline_truncated", "cgroup", "netns", "container",
                "container_runtime", "unit", "fd", "inode", "family", "type", "proto", "state", "local", "remote",
                "options", "changed", "auto", "why"), new ArrayList<>(client.keySet()));
        assertEquals(42, client.get("pid").getAsInt());
        assertEquals("we\\tird\\x1b", client.get("comm").getAsString());
        assertEquals(12, client.get("fd").getAsInt());
        assertEquals(1002, client.get("inode").getAsLong());
        assertEquals("inet6", client.get("family").getAsString());
        assertEquals("stream", client.get("type").getAsString());
        assertEquals("tcp", client.get("proto").getAsString());
        assertEquals("[::1]:50000", client.get("local").getAsString());
        assertEquals("[::1]:8080", client.get("remote").getAsString());
        JsonObject o = client.getAsJsonObject("options");
        assertEquals(1, o.get("TCP_NODELAY").getAsInt());
        assertEquals(5, o.getAsJsonObject("SO_LINGER").get("linger").getAsInt());
        assertEquals("cubic", o.get("TCP_CONGESTION").getAsString());
        assertEquals("[\"SO_LINGER\",\"TCP_NODELAY\"]", client.get("changed").toString());
        assertEquals("[\"TCP_MAXSEG\"]", client.get("auto").toString());
        assertTrue(objects.get(0).get("remote").isJsonNull());
        assertEquals("", objects.get(2).get("local").getAsString());

        JsonObject changed = JsonParser.parseString(new SnapshotJsonFormatter(true).format(sockets().get(1)))
                .getAsJsonObject();
        assertEquals(List.of("SO_LINGER", "TCP_NODELAY"), new ArrayList<>(changed.getAsJsonObject("options").keySet()));
    }
}
