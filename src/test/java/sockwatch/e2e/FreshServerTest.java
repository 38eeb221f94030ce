package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;

/**
 * The README's run command on a fresh server: a Debian 12 chroot (compat/fresh: debootstrap plus only a JDK,
 * python3 and CA certificates: no Maven, no bpftrace, no strace, tracefs not mounted), a fresh `git clone` of this
 * repository and an empty home. The command runs as written, with only `--duration` added to its last part (the
 * watch, which otherwise runs until Ctrl-C): ./jbang fetches JBang from Maven Central, `setup --yes` installs
 * bpftrace and strace with apt-get and mounts tracefs, self-check passes, and the watch sees a real call made on
 * this host while it runs. Every run starts from the same image (compat/chroot-run.sh --ephemeral): nothing it
 * downloads or installs is kept. Then, on the same box with the packages removed again, `setup` without --yes and
 * without a terminal installs nothing and says what to run; on a terminal (script(1)) it asks, installs nothing
 * on "n" and installs on "y". The times of each stage are printed (and reported in
 * the README).
 */
class FreshServerTest {
    private static final Path REPO = Path.of(System.getenv().getOrDefault("SOCKWATCH_REPO", ".")).toAbsolutePath();
    private static final String MARK = "@@sockwatch-fresh ";
    private static final Path LOCAL_CAS = Path.of("/usr/local/share/ca-certificates");

    /** The first line of README's "Two commands" block, without its comment. */
    static String readmeRunCommand() throws IOException {
        List<String> lines = Files.readAllLines(REPO.resolve("README.md"));
        int at = lines.indexOf("## Two commands");
        assertTrue(at >= 0, "README has no '## Two commands' section");
        for (String l : lines.subList(at, lines.size())) {
            if (l.startsWith("./jbang ")) {
                int hash = l.indexOf(" #");
                return (hash < 0 ? l : l.substring(0, hash)).strip();
            }
        }
        throw new AssertionError("README's Two commands section has no ./jbang line");
    }

    @Test
    void theReadmesRunCommandGoesFromNothingToAWatchThatSeesARealCall() throws Exception {
        Capabilities.requireRoot();
        Capabilities.requireTool("debootstrap");
        Capabilities.requireTool("git");
        Capabilities.requireTool("python3");
        String command = readmeRunCommand();
        assertTrue(command.startsWith("./jbang sockwatch setup --yes && "), command);
        assertTrue(command.endsWith(" && ./jbang sockwatch"), command);

        CompatMatrixTest.Result built = CompatMatrixTest.run(List.of(REPO.resolve("compat/build-chroot.sh").toString(),
                "--list", REPO.resolve("compat/fresh").toString(), "fresh-bookworm"), 1800);
        assertEquals(0, built.exit(), built.describe());

        Path work = Files.createTempDirectory(Path.of("/var/tmp"), "sockwatch-fresh-test");
        Path clone = work.resolve("sockwatch");
        try {
            CompatMatrixTest.Result cloned = CompatMatrixTest.run(List.of("git", "clone", "-q", REPO.toString(),
                    clone.toString()), 300);
            assertEquals(0, cloned.exit(), cloned.describe());
            // What runs in the chroot: the README's command as written (plus the watch's --duration), then the
            // check that setup installs nothing unasked. The command is this repository's own README text.
            // This network reaches Maven Central through a TLS proxy whose CA the host trusts (in
            // /usr/local/share/ca-certificates, as an organisation installs its own CA on every server): the chroot
            // trusts the same ones, bound in at the same path, before the clock starts.
            boolean localCas = Files.isDirectory(LOCAL_CAS);
            String script = String.join("\n",
                    localCas ? "update-ca-certificates >/dev/null 2>&1 && echo '" + MARK + "local CAs trusted'" : ":",
                    "cd " + CompatMatrixTest.quote(clone.toString()) + " || exit 97",
                    "echo '" + MARK + "start' $(date +%s%N)",
                    "echo '" + MARK + "tools' [$(command -v mvn bpftrace strace git jbang)] [$(ls -A ~ | grep -vxE '[.](bashrc|profile)')]",
                    command + " --duration 25",
                    "echo '" + MARK + "readme-exit' $? $(date +%s%N)",
                    "apt-get remove -y -qq bpftrace strace >/dev/null 2>&1 || echo '" + MARK + "remove-failed'",
                    "./jbang sockwatch setup </dev/null",
                    "echo '" + MARK + "unasked-exit' $? $(command -v bpftrace strace || echo none)",
                    // on a terminal (script(1) gives it one) it asks, and installs only on a yes
                    "printf 'n\\n' | script -qec './jbang sockwatch setup' /dev/null",
                    "echo '" + MARK + "declined-exit' $? $(command -v bpftrace strace || echo none)",
                    "printf 'y\\n' | script -qec './jbang sockwatch setup' /dev/null",
                    "echo '" + MARK + "confirmed-exit' $? $(command -v bpftrace strace || echo none)");
            List<String> cmd = new ArrayList<>(List.of(REPO.resolve("compat/chroot-run.sh").toString(), "--list",
                    REPO.resolve("compat/fresh").toString(), "fresh-bookworm", "--bind", work.toString()));
            if (localCas) {
                cmd.addAll(List.of("--bind", LOCAL_CAS.toString()));
            }
            cmd.addAll(List.of("--ephemeral", "--no-tracefs", "--", "/bin/bash", "-c", script));
            run(cmd);
        } finally {
            CompatMatrixTest.run(List.of("rm", "-rf", "--one-file-system", work.toString()), 120);
        }
    }

    private static void run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        // the loop below reads until the output ends; this ends it if the run hangs
        java.util.concurrent.ScheduledExecutorService watchdog = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        watchdog.schedule(() -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }, 25, TimeUnit.MINUTES);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        List<Long> at = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        Long armed = null;
        Long called = null;
        long callerPid = -1;
        String seen = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
                at.add(System.nanoTime() - t0);
                if (armed == null && line.startsWith("Watching setsockopt calls of every process")) {
                    armed = System.nanoTime() - t0;
                    callerPid = callTcpNodelay();
                    called = System.nanoTime() - t0;
                }
                // "(PID N)", or "(PID N, \"TITLE\")" where the watch could read the caller's argv
                if (callerPid > 0 && seen == null && (line.contains("(PID " + callerPid + ")")
                        || line.contains("(PID " + callerPid + ", \"")) && line.contains("TCP_NODELAY (SOL_TCP)")) {
                    seen = line;
                }
            }
        } finally {
            watchdog.shutdownNow();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        String all = String.join("\n", lines);
        String timeline = timeline(lines, at);
        System.out.println("FreshServerTest: the README's run command on a fresh Debian 12 chroot\n" + timeline);
        assertEquals(0, p.exitValue(), timeline);
        assertTrue(all.contains(MARK + "tools [] []"), "the fresh box had mvn, bpftrace, strace, git or a filled home:\n"
                + timeline);
        assertTrue(all.contains("sockwatch: fetching JBang 0.132.1 from https://repo1.maven.org/maven2 (once)"), all);
        assertTrue(all.contains("every SHA-256 checked"), all);
        assertTrue(all.contains("sockwatch setup: the command: apt-get install -y bpftrace strace"), all);
        assertTrue(all.contains("sockwatch setup: installed bpftrace, strace"), all);
        assertTrue(all.contains("sockwatch: mounted tracefs at /sys/kernel/tracing (it was not mounted)"), all);
        assertTrue(all.lines().anyMatch(l -> l.matches("  bpftrace +available .*compiled and armed the probe.*")), all);
        assertTrue(all.contains("PASS: bpftrace saw the Java test app"), all);
        assertTrue(armed != null, "the watch never said it was watching:\n" + timeline);
        assertTrue(seen != null, "the watch did not show PID " + callerPid + "'s TCP_NODELAY call:\n" + timeline);
        assertTrue(all.contains(MARK + "readme-exit 0 "), timeline);
        assertTrue(all.contains("sockwatch: nothing installed (no --yes, and no terminal to ask): run sockwatch setup"
                + " --yes, or by hand: apt-get install -y bpftrace strace"), all);
        assertTrue(all.contains(MARK + "unasked-exit 3 none"), "setup without --yes installed something:\n" + all);
        assertTrue(all.contains("sockwatch setup: install now? [y/N] "), all);
        assertTrue(all.contains("sockwatch: nothing installed (not confirmed): run sockwatch setup --yes"), all);
        assertTrue(all.contains(MARK + "declined-exit 3 none"), "a declined setup installed something:\n" + all);
        assertTrue(all.contains(MARK + "confirmed-exit 0 /usr/bin/bpftrace /usr/bin/strace"), all);
        System.out.printf(Locale.ROOT, "FreshServerTest: from nothing to an armed watch in %.1f s; the call (made at"
                + " %.1f s) was seen: %s%n", armed / 1e9, called / 1e9, seen);
        System.out.println("FreshServerTest: stages (seconds since the README command started): "
                + stages(lines, at, List.of("JBang fetched=every SHA-256 checked", "script built=sockwatch setup: ",
                        "packages installed=sockwatch setup: installed", "doctor done=--backend auto picks",
                        "self-check passed=PASS: ", "watch armed=Watching setsockopt calls")));
    }

    /** A real TCP_NODELAY call from a process of this host, while the watch in the chroot runs: its PID. */
    private static long callTcpNodelay() throws IOException, InterruptedException {
        Process py = new ProcessBuilder("python3", "-c", "import os, socket, time\n"
                + "s = socket.socket()\ns.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)\n"
                + "print(os.getpid(), flush=True)\ntime.sleep(0.5)\n").redirectErrorStream(true).start();
        String pid = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(py.waitFor(30, TimeUnit.SECONDS), "python3 did not end");
        assertTrue(pid.matches("\\d+"), "python3 said: " + pid);
        return Long.parseLong(pid);
    }

    /** For each "name=line prefix or part", when its first line came, counted from the start mark. */
    private static String stages(List<String> lines, List<Long> at, List<String> marks) {
        long start = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(MARK + "start")) {
                start = at.get(i);
                break;
            }
        }
        List<String> out = new ArrayList<>();
        for (String m : marks) {
            String name = m.substring(0, m.indexOf('='));
            String text = m.substring(m.indexOf('=') + 1);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    out.add(String.format(Locale.ROOT, "%s %.1f", name, (at.get(i) - start) / 1e9));
                    break;
                }
            }
        }
        return String.join(", ", out);
    }

    /** Every line with its time since the start, for the report and for any failure. */
    private static String timeline(List<String> lines, List<Long> at) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(String.format(Locale.ROOT, "%7.1f s  %s%n", at.get(i) / 1e9, lines.get(i)));
        }
        return b.toString();
    }
}
