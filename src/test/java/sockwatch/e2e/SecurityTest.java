package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;
import sockwatch.support.SharedTempDirs;
import sockwatch.support.SockwatchRun;

/** sockwatch runs as root next to programs that matter: what it must never do, checked on the real system. */
class SecurityTest {
    private static final String INJECTION = "x\"/ { system(\"touch /tmp/sockwatch-pwned\"); } //";

    /** A name as the kernel's comm in two little-endian words, as the probe compares it. */
    private static List<String> commWords(String name) {
        byte[] comm = java.util.Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), 16);
        comm[15] = 0;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(comm).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return List.of(Long.toString(b.getLong(0)), Long.toString(b.getLong(8)));
    }

    /** One name and one option are filtered in the kernel, and still reach bpftrace only as numbers. */
    @Test
    void aNameFilteredInTheKernelIsNumbers() throws Exception {
        Capabilities.requireBpftrace();
        Process sw = SockwatchRun.start("-c", INJECTION, "-o", "TCP_NODELAY", "--duration", "30");
        try {
            List<String> argv = cmdline(waitForChild(sw).pid());
            List<String> params = argv.subList(argv.indexOf("-e") + 2, argv.size());
            // $1-$9, the batches' $10-$12, $13-$18 for more names, $19-$27 for more options
            assertEquals(27, params.size(), params.toString());
            assertTrue(params.stream().allMatch(p -> p.matches("\\d+")), params.toString());
            assertEquals(List.of(commWords(INJECTION).get(0), commWords(INJECTION).get(1), "7", "2"),
                    params.subList(5, 9), "the name's 15 bytes as two words; SOL_TCP+1, TCP_NODELAY+1");
            assertEquals(List.of("0", "0", "0", "0", "0", "0"), params.subList(12, 18), "no more names");
        } finally {
            sw.destroy();
            sw.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The probe bpftrace runs is our constant file, byte for byte, with only the installed bpftrace version's
     * differences applied (ProbeDialect, a function of the version alone), whatever the filters say.
     */
    @Test
    void userTextNeverReachesTheProbeSource() throws Exception {
        Capabilities.requireBpftrace();
        String resource;
        try (InputStream in = getClass().getResourceAsStream("/sockwatch/probe/bpftrace/setsockopt.bt")) {
            resource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Process sw = SockwatchRun.start("-c", INJECTION, "-c", "$(id)", "-c", "%s%n", "--tcp", "--duration", "30");
        try {
            ProcessHandle bpftrace = waitForChild(sw);
            List<String> argv = cmdline(bpftrace.pid());
            int e = argv.indexOf("-e");
            Process v = new ProcessBuilder("bpftrace", "--version").redirectErrorStream(true).start();
            String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            v.waitFor(10, TimeUnit.SECONDS);
            sockwatch.probe.bpftrace.ProbeDialect dialect = new sockwatch.probe.bpftrace.ProbeDialect(
                    sockwatch.probe.bpftrace.BpftraceVersion.parse(version).orElseThrow());
            // the io_uring part is on where the kernel can set options through io_uring (constant text too)
            java.util.Set<sockwatch.probe.bpftrace.ProbeDialect.Feature> parts = sockwatch.sys.IoUring
                    .kernelHasSocketCommands() ? java.util.EnumSet.of(sockwatch.probe.bpftrace.ProbeDialect.Feature.IO_URING)
                    : java.util.EnumSet.noneOf(sockwatch.probe.bpftrace.ProbeDialect.Feature.class);
            String expected = parts.isEmpty() ? dialect.source(resource) : dialect.with(parts).source(resource);
            // -c watches any process: with a 32-bit one running, the optional 32-bit part is on (constant text too)
            parts.add(sockwatch.probe.bpftrace.ProbeDialect.Feature.COMPAT32);
            String with32 = dialect.with(parts).source(resource);
            // commons-exec trims every argument: the file's final newline is the only difference.
            assertEquals(argv.get(e + 1).equals(with32.strip()) ? with32.strip() : expected.strip(), argv.get(e + 1),
                    "the -e program is the shipped resource for " + version);
            // three names, all in the kernel as numbers ($6 $7, then $13-$16); then batched (1) and its budget
            List<String> params = argv.subList(e + 2, argv.size());
            assertEquals(List.of("0", "0", "1", "0", "0", commWords(INJECTION).get(0), commWords(INJECTION).get(1),
                    "0", "0", "1"), params.subList(0, 10), "positional params are numbers");
            assertEquals(27, params.size(), params.toString());
            assertTrue(params.subList(10, 12).stream().allMatch(p -> p.matches("[1-9]\\d*")), params.toString());
            List<String> more = new java.util.ArrayList<>(commWords("$(id)"));
            more.addAll(commWords("%s%n"));
            more.addAll(List.of("0", "0"));
            assertEquals(more, params.subList(12, 18), "the second and third names as words, no fourth");
            assertTrue(argv.stream().noneMatch(a -> a.contains("pwned") || a.contains("$(id)")), argv.toString());
        } finally {
            sw.destroy();
            sw.waitFor(10, TimeUnit.SECONDS);
        }
        assertFalse(Files.exists(Path.of("/tmp/sockwatch-pwned")));
        for (String[] bad : new String[][] {{"-o", INJECTION}, {"--level", INJECTION}, {"-p", INJECTION}}) {
            SockwatchRun.Result r = SockwatchRun.run(60, bad);
            assertEquals(2, r.exit(), Arrays.toString(bad) + ": " + r.stderr());
        }
    }

    /** Without root: one line that says so, exit 3, and nothing started. */
    @Test
    void notRootIsAClearOneLineError() throws Exception {
        String[] r = asNobody("--duration", "1");
        assertEquals("3", r[0], r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        assertEquals("sockwatch: cannot trace: not root: every trace backend needs root here (run sockwatch with"
                + " sudo; `sockwatch doctor` explains each)", r[2].strip());
        assertEquals("", r[1]);
    }

    /** setup installs packages: without root it says so in one line and installs nothing. */
    @Test
    void setupWithoutRootIsAClearOneLineError() throws Exception {
        String[] r = asNobody("setup", "--yes");
        assertEquals("3", r[0], r[2]);
        assertEquals("sockwatch: setup needs root (it installs packages and mounts tracefs): run it with sudo, or as"
                + " root", r[2].strip());
        assertEquals("", r[1]);
    }

    /** sockwatch run as user nobody (setpriv) with these arguments: {exit, stdout, stderr}. */
    private static String[] asNobody(String... args) throws Exception {
        Capabilities.requireRoot();
        Capabilities.requireTool("setpriv");
        Path dir = Files.createTempDirectory("sockwatch-test-");
        try {
            // The unprivileged user needs to read our classes: copy them to a private folder it may enter.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> cp = new ArrayList<>();
            for (Class<?> c : List.of(sockwatch.cli.Main.class, picocli.CommandLine.class,
                    org.apache.commons.exec.CommandLine.class)) {
                Path src = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                Path dst = dir.resolve(src.getFileName());
                copyTree(src, dst);
                cp.add(dst.toString());
            }
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.toList()) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                            Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "-cp",
                    String.join(":", cp), "sockwatch.cli.Main"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            return new String[] {Integer.toString(p.exitValue()), out, err};
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A whole run, even one ended by SIGKILL, leaves nothing of sockwatch's in the shared temp folders. */
    @Test
    void nothingLeftInSharedTempFolders() throws Exception {
        Capabilities.requireBpftrace();
        Set<String> before = SharedTempDirs.listing();
        Process sw = SockwatchRun.start("--duration", "30");
        long swPid = sw.pid();
        ProcessHandle bpftrace = waitForChild(sw);
        new ProcessBuilder("kill", "-KILL", Long.toString(swPid)).start().waitFor();
        sw.waitFor(10, TimeUnit.SECONDS);
        Set<String> ours = SharedTempDirs.leftBehind(before, swPid, bpftrace.pid());
        assertEquals(Set.of(), ours);
    }

    private static ProcessHandle waitForChild(Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            // the probe's bpftrace, not the `bpftrace --version` that sockwatch asks first
            var child = p.toHandle().children().filter(c -> c.info().command().orElse("").endsWith("bpftrace")
                    && hasProgram(c.pid())).findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("bpftrace never started");
    }

    private static boolean hasProgram(long pid) {
        try {
            return cmdline(pid).contains("-e");
        } catch (Exception gone) {
            return false;
        }
    }

    private static List<String> cmdline(long pid) throws Exception {
        byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
        return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
    }

    private static void copyTree(Path src, Path dst) throws Exception {
        if (Files.isDirectory(src)) {
            try (Stream<Path> s = Files.walk(src)) {
                for (Path p : s.toList()) {
                    Path t = dst.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t);
                    }
                }
            }
        } else {
            Files.copy(src, dst);
        }
    }
}
