package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * Who the process is, with real bpftrace: a program in a network namespace of its own (unshare -n) shows that
 * namespace's inode, and a program that moves itself into a cgroup made for the test shows that cgroup, and
 * --cgroup keeps its calls alone. Each program stays half a second after its call: its identity is read when its
 * event arrives, some milliseconds later, and one that has exited by then shows nulls (see IdentityCache).
 */
class ProcessIdentityEndToEndTest {
    /** Writes its own netns link to argv[1], sets TCP_NODELAY, stays a little. */
    private static final String IN_NETNS = "import os, socket, sys, time\n"
            + "open(sys.argv[1], 'w').write(os.readlink('/proc/self/ns/net'))\n"
            + "s = socket.socket(); s.setsockopt(6, 1, 1); time.sleep(0.5)\n";
    /** Moves itself into the cgroup whose cgroup.procs is argv[1], then sets TCP_NODELAY. */
    private static final String IN_CGROUP = "import socket, sys, time\n"
            + "open(sys.argv[1], 'w').write('0')\n"
            + "s = socket.socket(); s.setsockopt(6, 1, 1); time.sleep(0.5)\n";
    /** Stays where it is and sets SO_KEEPALIVE. */
    private static final String OUTSIDE = "import socket, time\n"
            + "s = socket.socket(); s.setsockopt(1, 9, 1); time.sleep(0.5)\n";

    @TempDir
    Path dir;

    private static long netnsOf(String link) {
        assertTrue(link.startsWith("net:[") && link.endsWith("]"), link);
        return Long.parseLong(link.substring(5, link.length() - 1));
    }

    private static List<JsonObject> events(String stdout) {
        List<JsonObject> events = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith("{") && !line.startsWith("{\"summary\"")) {
                events.add(JsonParser.parseString(line).getAsJsonObject());
            }
        }
        return events;
    }

    @Test
    void aProgramInItsOwnNetworkNamespaceShowsIt() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("python3");
        Capabilities.requireTool("unshare");
        long own = netnsOf(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
        Path report = dir.resolve("netns");
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--", "unshare", "-n", "python3", "-c", IN_NETNS,
                report.toString());
        assertEquals(0, r.exit(), r.stderr());
        long theirs = netnsOf(Files.readString(report));
        assertNotEquals(own, theirs, "unshare -n made a namespace");
        List<JsonObject> events = events(r.stdout());
        assertEquals(1, events.size(), r.stdout() + r.stderr());
        JsonObject e = events.get(0);
        assertEquals(theirs, e.get("netns").getAsLong(), e.toString());
        JsonArray argv = e.getAsJsonArray("cmdline");
        // unshare exec'd python3, so argv is python's (argv[0] as the shell found it)
        assertEquals(List.of("-c", IN_NETNS.replace("\n", "\\n"), report.toString()),
                List.of(argv.get(1).getAsString(), argv.get(2).getAsString(), argv.get(3).getAsString()));
        assertFalse(e.get("cmdline_truncated").getAsBoolean());
        assertTrue(e.get("cgroup").getAsString().startsWith("/"), e.toString());

        SockwatchRun.Result text = SockwatchRun.run(120, "--", "unshare", "-n", "python3", "-c", IN_NETNS,
                report.toString());
        assertEquals(0, text.exit(), text.stderr());
        long again = netnsOf(Files.readString(report));
        String line = text.stdout().lines().filter(l -> l.contains("TCP_NODELAY")).findFirst().orElseThrow(
                () -> new AssertionError(text.stdout() + text.stderr()));
        assertTrue(line.contains(") [netns " + again + "] is enabling socket option TCP_NODELAY"), line);
        assertTrue(text.stderr().contains("[netns " + again + "]:\n"), "the summary names it too: " + text.stderr());
    }

    @Test
    void aProgramInATransientCgroupShowsItAndCgroupFiltersOnIt() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("python3");
        Path mount = cgroup2Mount();
        Capabilities.require(mount != null && Files.isWritable(mount), "no writable cgroup v2 mount");
        String name = "sockwatch-test-" + UUID.randomUUID().toString().substring(0, 8);
        Path cgroup = Files.createDirectory(mount.resolve(name));
        try {
            String script = "python3 -c \"$1\" \"$2\" & python3 -c \"$3\"; wait";
            String[] command = {"--", "sh", "-c", script, "sh", IN_CGROUP, cgroup.resolve("cgroup.procs").toString(),
                    OUTSIDE};
            List<String> filtered = new ArrayList<>(List.of("--json", "--cgroup", "/" + name));
            filtered.addAll(List.of(command));
            SockwatchRun.Result only = SockwatchRun.run(120, filtered.toArray(String[]::new));
            assertEquals(0, only.exit(), only.stderr());
            List<JsonObject> kept = events(only.stdout());
            assertEquals(1, kept.size(), only.stdout() + only.stderr());
            assertEquals("TCP_NODELAY", kept.get(0).get("option").getAsString());
            assertEquals("/" + name, kept.get(0).get("cgroup").getAsString());
            assertTrue(only.stderr().contains("Summary: 1 event, 1 process"), only.stderr());

            // the same without --cgroup: the other program's call is there, in sockwatch's cgroup
            List<String> all = new ArrayList<>(List.of("--json"));
            all.addAll(List.of(command));
            SockwatchRun.Result both = SockwatchRun.run(120, all.toArray(String[]::new));
            assertEquals(0, both.exit(), both.stderr());
            Map<String, String> cgroupByOption = new TreeMap<>();
            for (JsonObject e : events(both.stdout())) {
                cgroupByOption.put(e.get("option").getAsString(), e.get("cgroup").getAsString());
            }
            assertEquals(Map.of("SO_KEEPALIVE", ownCgroup(), "TCP_NODELAY", "/" + name), cgroupByOption,
                    both.stdout());
        } finally {
            removeCgroup(mount, cgroup);
        }
    }

    /** The cgroup v2 mount (its root), from mountinfo: /sys/fs/cgroup, or /sys/fs/cgroup/unified when hybrid. */
    private static Path cgroup2Mount() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (line.contains(" - cgroup2 ") && f[3].equals("/")) {
                return Path.of(f[4]);
            }
        }
        return null;
    }

    private static String ownCgroup() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/cgroup")).stream().filter(l -> l.startsWith("0::"))
                .findFirst().orElseThrow().substring(3);
    }

    /** Never leave the cgroup behind: whatever is still in it goes back to the root first. */
    private static void removeCgroup(Path mount, Path cgroup) throws Exception {
        for (int attempt = 0; attempt < 50 && Files.exists(cgroup); attempt++) {
            for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                try {
                    Files.writeString(mount.resolve("cgroup.procs"), pid, StandardCharsets.US_ASCII);
                } catch (java.io.IOException gone) {
                    // exited meanwhile
                }
            }
            try {
                Files.delete(cgroup);   // rmdir: a cgroup directory goes once it holds no process
            } catch (java.io.IOException busy) {
                Thread.sleep(100);
            }
        }
        assertFalse(Files.exists(cgroup), "the test's cgroup " + cgroup + " could not be removed");
    }
}
