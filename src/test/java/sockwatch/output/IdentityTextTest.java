package sockwatch.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.decode.CgroupNames;
import sockwatch.decode.OptionTable;
import sockwatch.event.SetsockoptEvent;
import sockwatch.sys.ProcessIdentity;

/** How a process's identity shows in the event line, the JSON and the summary (identities made up here). */
class IdentityTextTest {
    private static final OptionTable TABLE = OptionTable.standard();
    private static final String ID = "0123456789abcdef".repeat(4);

    private static SetsockoptEvent event(String comm) {
        return new SetsockoptEvent(1_764_091_911_123_456_789L, 4242, 4242, comm.getBytes(StandardCharsets.UTF_8), 3,
                6, 1, 4, new byte[] {1, 0, 0, 0}, 0, "bpftrace");
    }

    private static ProcessIdentity identity(List<String> args, CgroupNames.Container container, String unit,
                                            boolean otherNetns, boolean otherUnit) {
        return new ProcessIdentity(4242, 99, args, false, "/system.slice/x.service", 4026532337L, container, unit,
                otherNetns, otherUnit);
    }

    private static String text(String comm, ProcessIdentity id) {
        return new TextFormatter(ZoneOffset.UTC).format(EventView.of(event(comm), TABLE, id));
    }

    @Test
    void theTitleIsShownWhereItSaysMoreThanComm() {
        ProcessIdentity worker = identity(List.of("nginx: worker process"), null, "nginx.service", false, false);
        assertEquals("17:31:51.123 App 'nginx' (PID 4242, \"nginx: worker process\") is enabling socket option"
                + " TCP_NODELAY (SOL_TCP) on fd 3 ... success", text("nginx", worker));
        ProcessIdentity plain = identity(List.of("sleep"), null, null, false, false);
        assertTrue(text("sleep", plain).contains("App 'sleep' (PID 4242) is"), text("sleep", plain));
        ProcessIdentity kernelThread = identity(List.of(), null, null, false, false);
        assertTrue(text("kworker", kernelThread).contains("(PID 4242) is"));
        assertTrue(text("x", ProcessIdentity.unknown(4242)).contains("App 'x' (PID 4242) is"));
        assertTrue(text("x", null).contains("App 'x' (PID 4242) is"));
    }

    @Test
    void containerUnitAndNamespaceAreShownWhenNotSockwatchsOwn() {
        ProcessIdentity inContainer = identity(List.of("redis-server", "*:6379"),
                new CgroupNames.Container("docker", ID), "docker-" + ID + ".scope", true, true);
        assertTrue(text("redis-server", inContainer).contains("App 'redis-server' (PID 4242, \"redis-server *:6379\")"
                + " [container docker 0123456789ab] [netns 4026532337] is enabling"), text("redis-server", inContainer));
        ProcessIdentity service = identity(List.of("sshd: root [priv]"), null, "ssh.service", false, true);
        assertTrue(text("sshd", service).contains("(PID 4242, \"sshd: root [priv]\") [unit ssh.service] is"),
                text("sshd", service));
        ProcessIdentity sameUnit = identity(List.of("sshd"), null, "ssh.service", false, false);
        assertTrue(text("sshd", sameUnit).contains("(PID 4242) is"), text("sshd", sameUnit));
    }

    @Test
    void aLongTitleIsCutInTextOnly() {
        String arg = "x".repeat(300);
        ProcessIdentity id = identity(List.of("prog", arg), null, null, false, false);
        String line = text("prog", id);
        assertTrue(line.contains("(PID 4242, \"prog " + "x".repeat(IdentityText.TITLE_SHOWN - 5) + "\"...) is"),
                line);
        JsonObject o = JsonParser.parseString(new JsonFormatter().format(EventView.of(event("prog"), TABLE, id)))
                .getAsJsonObject();
        assertEquals(arg, o.getAsJsonArray("cmdline").get(1).getAsString());
    }

    @Test
    void jsonCarriesEveryFieldNullWhereUnknown() {
        ProcessIdentity id = identity(List.of("evil\\n\\x1b[31m", "\"q\""), new CgroupNames.Container("podman", ID),
                "libpod-" + ID + ".scope", true, true);
        JsonFormatter json = new JsonFormatter();
        JsonObject o = JsonParser.parseString(json.format(EventView.of(event("evil"), TABLE, id))).getAsJsonObject();
        assertEquals("evil\\n\\x1b[31m", o.getAsJsonArray("cmdline").get(0).getAsString());
        assertEquals("\"q\"", o.getAsJsonArray("cmdline").get(1).getAsString());
        assertEquals(false, o.get("cmdline_truncated").getAsBoolean());
        assertEquals("/system.slice/x.service", o.get("cgroup").getAsString());
        assertEquals(4026532337L, o.get("netns").getAsLong());
        assertEquals(ID, o.get("container").getAsString());
        assertEquals("podman", o.get("container_runtime").getAsString());
        assertEquals("libpod-" + ID + ".scope", o.get("unit").getAsString());
        assertEquals(3, o.get("fd").getAsInt());
        // the same formatter, another process it does not know: nulls, not the first one's fields
        for (ProcessIdentity unknown : new ProcessIdentity[] {ProcessIdentity.unknown(4242), null}) {
            JsonObject u = JsonParser.parseString(json.format(EventView.of(event("evil"), TABLE, unknown)))
                    .getAsJsonObject();
            for (String k : List.of("cmdline", "cmdline_truncated", "cgroup", "netns", "container",
                    "container_runtime", "unit")) {
                assertTrue(u.get(k).isJsonNull(), k + " in " + u);
            }
        }
    }

    @Test
    void theSummaryNamesTheProcessByItsTitleToo() {
        Summary s = new Summary();
        s.add(EventView.of(event("nginx"), TABLE, identity(List.of("nginx: worker process"), null, null, true,
                false)));
        String r = s.render();
        assertTrue(r.contains("  PID 4242 'nginx' \"nginx: worker process\" [netns 4026532337]:\n"), r);
    }
}
