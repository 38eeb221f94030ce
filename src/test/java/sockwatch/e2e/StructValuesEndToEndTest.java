package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * The option structs on the real kernel: a python3 program joins groups and sets the flag and TOS options; what
 * sockwatch decodes (bpftrace, then the strace backend) must say what strace itself says of the same calls.
 */
class StructValuesEndToEndTest {
    /** Every call succeeds on a plain machine (lo is up, has ifindex 1 and takes multicast joins). */
    static final String PYTHON = String.join("\n",
            "import socket, struct",
            "def sin(a): return struct.pack('HH4s', socket.AF_INET, 0, socket.inet_aton(a)) + bytes(120)",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,"
                    + " socket.inet_aton('224.0.0.3') + socket.inet_aton('127.0.0.1'))",
            "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('127.0.0.1'))",
            "s.setsockopt(socket.SOL_SOCKET, 37, 26)",                                   // SO_TIMESTAMPING_OLD
            "s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0xb8)",
            "s.setsockopt(socket.IPPROTO_IP, 51, struct.pack('HH', 40000, 50000))",     // IP_LOCAL_PORT_RANGE
            "s.setsockopt(socket.IPPROTO_IP, 42, struct.pack('I', 1) + bytes(4) + sin('224.0.0.4'))",
            "s.setsockopt(socket.IPPROTO_IP, 46, struct.pack('I', 1) + bytes(4) + sin('232.1.1.1') + sin('127.0.0.1'))",
            "s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)",
            "s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, 0x29)",
            "s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,"
                    + " socket.inet_pton(socket.AF_INET6, 'ff02::fb') + struct.pack('i', 1))");

    /** What strace 6.1 prints for these calls (its own decoding), by option: checked against real runs below. */
    private static final Map<String, String> STRACE = Map.of(
            "IP_ADD_MEMBERSHIP", "{imr_multiaddr=inet_addr(\"224.0.0.3\"), imr_interface=inet_addr(\"127.0.0.1\")}",
            "SO_TIMESTAMPING_OLD", "[26]",   // strace 6.1 names 37 so; sockwatch says SO_TIMESTAMPING
            "IP_TOS", "[184]",
            "IPV6_TCLASS", "[41]",
            "MCAST_JOIN_GROUP", "{gr_interface=if_nametoindex(\"lo\"), gr_group={sa_family=AF_INET,"
                    + " sin_port=htons(0), sin_addr=inet_addr(\"224.0.0.4\")}}",
            "IPV6_ADD_MEMBERSHIP", "{inet_pton(AF_INET6, \"ff02::fb\", &ipv6mr_multiaddr),"
                    + " ipv6mr_interface=if_nametoindex(\"lo\")}");

    @TempDir
    Path tmp;

    /** sockwatch's text and JSON for the same calls. */
    private static final Map<String, String> TEXT = new LinkedHashMap<>();

    static {
        TEXT.put("IP_ADD_MEMBERSHIP", "{multiaddr=224.0.0.3, interface=127.0.0.1}");
        TEXT.put("IP_MULTICAST_IF", "{address=127.0.0.1}");
        TEXT.put("SO_TIMESTAMPING",
                "{flags=0x1a (SOF_TIMESTAMPING_TX_SOFTWARE|SOF_TIMESTAMPING_RX_SOFTWARE|SOF_TIMESTAMPING_SOFTWARE)}");
        TEXT.put("IP_TOS", "184 (dscp=EF, ecn=Not-ECT)");
        TEXT.put("IP_LOCAL_PORT_RANGE", "3276840000 (low=40000, high=50000)");
        TEXT.put("MCAST_JOIN_GROUP", "{interface=1, group=224.0.0.4} (first 64 of 136 bytes)");
        TEXT.put("MCAST_JOIN_SOURCE_GROUP",
                "{interface=1, group=232.1.1.1, source=(not captured)} (first 64 of 264 bytes)");
        TEXT.put("IPV6_TCLASS", "41 (dscp=AF11, ecn=ECT(1))");
        TEXT.put("IPV6_ADD_MEMBERSHIP", "{multiaddr=ff02::fb, interface=1}");
    }

    private static List<JsonObject> events(SockwatchRun.Result r) {
        return r.stdout().lines().filter(l -> l.startsWith("{")).map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary"))
                .filter(e -> e.get("comm").getAsString().equals("python3")).toList();
    }

    private static Map<String, JsonElement> values(List<JsonObject> events) {
        Map<String, JsonElement> out = new LinkedHashMap<>();
        events.forEach(e -> out.put(e.get("option").getAsString(), e.get("value")));
        return out;
    }

    @Test
    void bpftraceDecodesTheStructsAsStraceReadsThem() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireStrace();
        Capabilities.requireTool("python3");
        Map<String, String> strace = straceSays();
        assertEquals(STRACE, strace, "strace's own decoding of the same calls");

        SockwatchRun.Result text = SockwatchRun.run(120, "--", "python3", "-c", PYTHON);
        assertEquals(0, text.exit(), text.stderr());
        for (Map.Entry<String, String> e : TEXT.entrySet()) {
            assertTrue(text.stdout().contains("socket option " + e.getKey() + " (SOL_") && text.stdout()
                    .contains(") to " + e.getValue() + " on fd "), e + "\n" + text.stdout());
        }

        SockwatchRun.Result json = SockwatchRun.run(120, "--json", "--", "python3", "-c", PYTHON);
        assertEquals(0, json.exit(), json.stderr());
        Map<String, JsonElement> v = values(events(json));
        assertEquals(TEXT.keySet(), v.keySet(), json.stdout());
        JsonObject mreq = v.get("IP_ADD_MEMBERSHIP").getAsJsonObject();
        assertEquals("224.0.0.3", mreq.get("multiaddr").getAsString());
        assertEquals("127.0.0.1", mreq.get("interface").getAsString());
        assertEquals(26, v.get("SO_TIMESTAMPING").getAsJsonObject().get("flags").getAsInt());
        assertEquals(3, v.get("SO_TIMESTAMPING").getAsJsonObject().getAsJsonArray("flag_names").size());
        assertEquals(184, v.get("IP_TOS").getAsInt(), "IP_TOS stays a number in JSON");
        assertEquals(41, v.get("IPV6_TCLASS").getAsInt());
        assertEquals("224.0.0.4", v.get("MCAST_JOIN_GROUP").getAsJsonObject().get("group").getAsString());
        JsonObject gsr = v.get("MCAST_JOIN_SOURCE_GROUP").getAsJsonObject();
        assertEquals("232.1.1.1", gsr.get("group").getAsString());
        assertTrue(gsr.get("source").isJsonNull(), "beyond the 64 bytes the probe reads: null, not a guess");
        JsonObject mreq6 = v.get("IPV6_ADD_MEMBERSHIP").getAsJsonObject();
        assertEquals("ff02::fb", mreq6.get("multiaddr").getAsString());
        assertEquals(1, mreq6.get("interface").getAsInt());
    }

    /**
     * The strace backend re-encodes the bytes from strace's output and the same decoder reads them: the same
     * values, MCAST_JOIN_GROUP too, which strace prints as a struct without its padding (StraceStructs rebuilds
     * the fields it shows and leaves the rest unknown), and MCAST_JOIN_SOURCE_GROUP, of which strace shows the same
     * first 64 bytes.
     */
    @Test
    void theStraceBackendGivesTheSameValues() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireStrace();
        Capabilities.requireTool("python3");
        SockwatchRun.Result b = SockwatchRun.run(120, "--json", "--", "python3", "-c", PYTHON);
        SockwatchRun.Result s = SockwatchRun.run(120, "--json", "--backend", "strace", "--", "python3", "-c", PYTHON);
        assertEquals(0, b.exit(), b.stderr());
        assertEquals(0, s.exit(), s.stderr());
        Map<String, JsonElement> bpf = values(events(b));
        Map<String, JsonElement> strace = values(events(s));
        assertEquals(bpf.keySet(), strace.keySet(), s.stdout());
        for (String option : bpf.keySet()) {
            assertEquals(bpf.get(option), strace.get(option), option + "\n" + b.stdout() + "\n" + s.stdout());
        }
    }

    /** Raw, ICMPv6 and packet sockets (root): the filter masks, source membership, so_timestamping and the rings. */
    static final String PYTHON_RAW = String.join("\n",
            "import socket, struct",
            "r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)",
            "r.setsockopt(255, 1, struct.pack('I', 1 << 0 | 1 << 8))",                  // ICMP_FILTER
            "r6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)",
            "r6.setsockopt(58, 1, struct.pack('8I', *([0xffffffff] * 4 + [0xfffffff9] + [0xffffffff] * 3)))",
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "u.setsockopt(socket.SOL_SOCKET, 37, struct.pack('ii', 26, 0))",             // struct so_timestamping
            "u.setsockopt(socket.IPPROTO_IP, 39, socket.inet_aton('232.1.1.1') + socket.inet_aton('127.0.0.1')"
                    + " + socket.inet_aton('127.0.0.1'))",                                 // IP_ADD_SOURCE_MEMBERSHIP
            "p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)",
            "p.setsockopt(263, 1, struct.pack('iHH8s', 1, 1, 0, b''))",                  // PACKET_MR_PROMISC on lo
            "p.setsockopt(263, 5, struct.pack('4I', 4096, 4, 2048, 8))");                // PACKET_RX_RING

    /**
     * Both backends on raw and packet sockets. strace prints icmp_filter as a set of types and packet_mreq with
     * its address cut at mr_alen: the strace backend rebuilds what strace shows of them, so they read the same;
     * of an 8-byte SO_TIMESTAMPING strace shows only the flags.
     */
    @Test
    void rawAndPacketSocketsUnderBothBackends() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireStrace();
        Capabilities.requireTool("python3");
        SockwatchRun.Result b = SockwatchRun.run(120, "--", "python3", "-c", PYTHON_RAW);
        SockwatchRun.Result s = SockwatchRun.run(120, "--backend", "strace", "--", "python3", "-c", PYTHON_RAW);
        assertEquals(0, b.exit(), b.stderr());
        assertEquals(0, s.exit(), s.stderr());
        String both = "{blocked=0-128,131-255}|{multiaddr=232.1.1.1, interface=127.0.0.1, sourceaddr=127.0.0.1}"
                + "|{block_size=4096, block_nr=4, frame_size=2048, frame_nr=8}";
        for (String v : both.split("\\|")) {
            assertTrue(b.stdout().contains(") to " + v + " on fd "), v + "\n" + b.stdout());
            assertTrue(s.stdout().contains(") to " + v + " on fd "), v + "\n" + s.stdout());
        }
        String flags = "{flags=0x1a (SOF_TIMESTAMPING_TX_SOFTWARE|SOF_TIMESTAMPING_RX_SOFTWARE|SOF_TIMESTAMPING_SOFTWARE)";
        assertTrue(b.stdout().contains("ICMP_FILTER (SOL_RAW) to {blocked=0,8 (ICMP_ECHOREPLY|ICMP_ECHO)} on fd "), b.stdout());
        assertTrue(b.stdout().contains(flags + ", bind_phc=0} on fd "), b.stdout());
        assertTrue(b.stdout().contains("PACKET_ADD_MEMBERSHIP (SOL_PACKET) to {ifindex=1, type=PACKET_MR_PROMISC,"
                + " alen=0, address=} on fd "), b.stdout());
        assertTrue(s.stdout().contains("ICMP_FILTER (SOL_RAW) to {blocked=0,8 (ICMP_ECHOREPLY|ICMP_ECHO)} on fd "), s.stdout());
        assertTrue(s.stdout().contains(flags + ", bind_phc=(not captured)} (first 4 of 8 bytes) on fd "), s.stdout());
        assertTrue(s.stdout().contains("PACKET_ADD_MEMBERSHIP (SOL_PACKET) to {ifindex=1, type=PACKET_MR_PROMISC,"
                + " alen=0, address=} on fd "), s.stdout());
    }

    /**
     * A 32-bit program (testapp/native/structs32.c): its group_req, group_source_req and sock_fprog are read in
     * their compat layouts (group at 4, source at 132, the 4-byte filter pointer at 4), and the pointer shown is
     * the one the program printed.
     */
    @Test
    void a32BitProgramsStructsAreReadInTheCompatLayouts() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("gcc");
        Path exe = tmp.resolve("structs32");
        Process cc = new ProcessBuilder("gcc", "-m32", "-O2", "-Wall", "-o", exe.toString(),
                "testapp/native/structs32.c").redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Capabilities.require(cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0,
                "gcc -m32 cannot build a 32-bit program (test.sh installs gcc-multilib): " + ccOut);
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--", exe.toString());
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stdout().contains("sizes 132 260 8\n"), "the 32-bit sizes: " + r.stdout());
        String filter = r.stdout().lines().filter(l -> l.startsWith("filter ")).findFirst().orElseThrow().substring(7);
        List<JsonObject> events = r.stdout().lines().filter(l -> l.startsWith("{"))
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary")).toList();
        Map<String, JsonElement> v = values(events);
        assertEquals(List.of("MCAST_JOIN_GROUP", "MCAST_JOIN_SOURCE_GROUP", "SO_ATTACH_FILTER"),
                List.copyOf(v.keySet()), r.stdout());
        events.forEach(e -> assertEquals("32-bit", e.get("abi").getAsString(), e.toString()));
        JsonObject gr = v.get("MCAST_JOIN_GROUP").getAsJsonObject();
        assertEquals(1, gr.get("interface").getAsInt());
        assertEquals("224.0.0.4", gr.get("group").getAsString());
        JsonObject gsr = v.get("MCAST_JOIN_SOURCE_GROUP").getAsJsonObject();
        assertEquals("232.1.1.1", gsr.get("group").getAsString());
        assertTrue(gsr.get("source").isJsonNull(), gsr.toString());
        JsonObject prog = v.get("SO_ATTACH_FILTER").getAsJsonObject();
        assertEquals(1, prog.get("len").getAsInt());
        assertEquals(filter, prog.get("filter").getAsString());
    }

    /** strace's own view of the calls: option name to the value it printed. */
    private static Map<String, String> straceSays() throws Exception {
        Process p = new ProcessBuilder("strace", "-qq", "-e", "trace=setsockopt", "-e", "signal=none", "python3", "-c",
                PYTHON).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "strace timed out");
        assertEquals(0, p.exitValue(), err);
        Map<String, String> out = new LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("setsockopt\\(\\d+, SOL_\\w+, (\\w+), (.*), \\d+\\) = 0").matcher(err);
        while (m.find()) {
            if (STRACE.containsKey(m.group(1))) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }
}
