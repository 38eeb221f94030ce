package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;

/**
 * The stap backend end to end on a stock distribution kernel. This host's kernel cannot load modules, so the
 * test builds (once, cached outside the repo) a Debian bookworm guest with stap/vm/build-image.sh, compiles the
 * tap on the host in a chroot of the guest's rootfs with `sockwatch stap-compile` (compile here), and boots the
 * guest under qemu to run sockwatch's stap backend with --stap-module (run there) against both test apps, and
 * then kills it to see that nothing stays loaded. One boot runs every case (TCG makes each boot cost ~15 s).
 */
class StapVmTest {
    private static final Path VM = VmJobs.VM;
    private static final String CP = VmJobs.CP;

    /** Runs in the guest (sh, as root); every case leaves its files in /job for the assertions below. */
    private static final String JOB = String.join("\n",
            "cd /job",
            "SW=\"java -XX:TieredStopAtLevel=1 -Xshare:auto -cp " + CP + " sockwatch.cli.Main --backend stap"
                    + " --stap-module /job/sockwatch.ko\"",
            "APP=\"java -XX:TieredStopAtLevel=1 -Xshare:auto -cp " + CP + "\"",
            // staprun -R loads sockwatch.ko under a unique name: sockw_<pid>.
            "step() { echo \"step $1 at $(cut -d' ' -f1 /proc/uptime) s\"; }",
            "left() { echo \"modules=$(grep -c '^sockw_' /proc/modules) stap=$(pgrep -c -x 'staprun|stapio')\"; }",
            "step java",
            "$SW --json -- $APP SockoptTestApp --tos 16 --keepalive --hold 0 > java.out 2> java.err; echo $? > java.rc",
            "left > java.left",
            "step jython",
            "$SW --json -- $APP SockoptTestAppJython --hold 0 > jython.out 2> jython.err; echo $? > jython.rc",
            "left > jython.left",
            "step self-check",
            "java -XX:TieredStopAtLevel=1 -Xshare:auto -cp " + CP + " sockwatch.cli.Main self-check --backend stap"
                    + " --stap-module /job/sockwatch.ko > selfcheck.out 2>&1; echo $? > selfcheck.rc",
            // A hostile process name travels as hex: it must come out escaped, on one line.
            "step hostile",
            "$SW --json -- python3 -c 'import ctypes, socket; ctypes.CDLL(None).prctl(15, b\"ev\\til\\n%s\\x1b[3\", 0, 0, 0);"
                    + " socket.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)' > hostile.out 2> hostile.err",
            // Ended by a signal while watching: SIGTERM (the same shutdown path as Ctrl-C: summary, clean unload;
            // SIGINT itself is ignored by a background job of a script) and SIGKILL (no hook runs at all).
            "step signals",
            "for sig in TERM KILL; do",
            "  $SW > sig.out 2> sig-$sig.err & sw=$!",
            "  for i in $(seq 1 200); do grep -q Watching sig-$sig.err && break; sleep 0.2; done",
            "  echo \"armed: $(left)\" > sig-$sig.left",
            "  kill -$sig $sw; wait $sw; echo $? > sig-$sig.rc; sleep 3",
            "  echo \"after: $(left)\" >> sig-$sig.left",
            "done",
            "step end");

    @Test
    void stapBackendSeesBothTestAppsInAStockKernelGuest() throws Exception {
        Capabilities.requireRoot();
        for (String tool : List.of("qemu-system-x86_64", "debootstrap", "mkfs.ext4", "setpriv")) {
            Capabilities.requireTool(tool);
        }
        Path job = Files.createTempDirectory("sockwatch-stapvm-job");
        VmJobs.stageClassPath(job);

        long t0 = System.nanoTime();
        VmJobs.Result image = VmJobs.run(20, job.resolve("build-image.log"), VM.resolve("build-image.sh").toString());
        assertEquals(0, image.exit(), image.output());
        String kver = Files.readString(Path.of(image.lastLine()).resolve("kver")).trim();
        long t1 = System.nanoTime();

        VmJobs.Result compile = VmJobs.run(15, job.resolve("compile.log"), VM.resolve("chroot-run.sh").toString(),
                "--job", job.toString(), "--", "java", "-cp", CP, "sockwatch.cli.Main", "stap-compile", "--kernel",
                kver, "-o", "/job/sockwatch.ko");
        assertEquals(0, compile.exit(), compile.output());
        assertTrue(compile.output().contains("sockwatch: stap pass 4/5"), "progress shown: " + compile.output());
        assertTrue(Files.size(job.resolve("sockwatch.ko")) > 0);

        long t2 = System.nanoTime();
        Files.writeString(job.resolve("job.sh"), JOB + "\n");
        VmJobs.Result vm = VmJobs.run(20, job.resolve("vm.log"), VM.resolve("run-job.sh").toString(), "--timeout",
                "900", job.toString());
        assertEquals(0, vm.exit(), "guest job failed; see " + job + "\n" + vm.tail());
        // For the README's measured times (surefire keeps this in target/surefire-reports).
        System.out.printf("StapVmTest: image %.0f s (cached after the first), stap-compile %.0f s, VM job %.0f s%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
        Files.readAllLines(job.resolve("out.log")).stream().filter(l -> l.startsWith("step ")).forEach(System.out::println);

        checkTestApp(job, "java");
        List<JsonObject> java = events(job, "java");
        int pid = appPid(job, "java");
        assertEquals(16, find(java, pid, "IP_TOS", "SOL_IP").get("value").getAsInt());
        assertEquals(1, find(java, pid, "SO_KEEPALIVE", "SOL_SOCKET").get("value").getAsInt());
        checkTestApp(job, "jython");

        assertEquals("0", Files.readString(job.resolve("selfcheck.rc")).trim(), Files.readString(job.resolve("selfcheck.out")));
        assertTrue(Files.readString(job.resolve("selfcheck.out")).contains("PASS: stap saw the Java test app"));

        JsonObject hostile = events(job, "hostile").get(0);
        assertEquals("ev\\til\\n%s\\x1b[3", hostile.get("comm").getAsString());

        for (String sig : List.of("TERM", "KILL")) {
            String left = Files.readString(job.resolve("sig-" + sig + ".left"));
            assertTrue(left.contains("armed: modules=1"), "the module was loaded while watching: " + left);
            assertTrue(left.contains("after: modules=0 stap=0"), "SIG" + sig + " to sockwatch leaves no module, no "
                    + "staprun/stapio: " + left);
        }
        assertTrue(Files.readString(job.resolve("sig-TERM.err")).contains("Summary:"), "SIGTERM prints the summary");
        VmJobs.deleteTree(job);
    }

    /** TCP_NODELAY (SOL_TCP) enabled with success by the test app's own PID, seen by stap; exit 0, nothing left. */
    private static void checkTestApp(Path job, String name) throws IOException {
        String err = Files.readString(job.resolve(name + ".err"));
        assertEquals("0", Files.readString(job.resolve(name + ".rc")).trim(), name + ": " + err);
        assertTrue(err.contains("with stap"), err);
        JsonObject nodelay = find(events(job, name), appPid(job, name), "TCP_NODELAY", "SOL_TCP");
        assertEquals(1, nodelay.get("value").getAsInt());
        assertTrue(nodelay.get("ok").getAsBoolean());
        assertEquals("modules=0 stap=0", Files.readString(job.resolve(name + ".left")).trim(), name);
    }

    private static List<JsonObject> events(Path job, String name) throws IOException {
        List<JsonObject> events = Files.readAllLines(job.resolve(name + ".out")).stream().filter(l -> l.startsWith("{"))
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary")).toList();
        events.forEach(e -> assertEquals("stap", e.get("backend").getAsString()));
        assertTrue(!events.isEmpty(), name + ": no events");
        return events;
    }

    private static int appPid(Path job, String name) throws IOException {
        return Files.readAllLines(job.resolve(name + ".out")).stream().filter(l -> l.startsWith("sockwatch-testapp: pid "))
                .map(l -> Integer.parseInt(l.split(" ")[2].replace(":", ""))).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": the test app printed no PID"));
    }

    private static JsonObject find(List<JsonObject> events, int pid, String option, String level) {
        return events.stream().filter(e -> e.get("pid").getAsInt() == pid && !e.get("option").isJsonNull()
                        && e.get("option").getAsString().equals(option) && e.get("level").getAsString().equals(level))
                .findFirst().orElseThrow(() -> new AssertionError("no " + option + " (" + level + ") from PID " + pid
                        + " in " + events));
    }
}
