package sockwatch.jbang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;

/**
 * The README's way in: `./jbang sockwatch ...` from the checkout, through the local catalog, with JBang
 * bootstrapped from Maven Central when it is not installed. Slow the first time (downloads), cached after.
 */
class JbangLaunchTest {

    private static String[] run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(JbangScriptTest.REPO.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new String[] {Integer.toString(p.exitValue()), out.join()};
    }

    @Test
    void versionThroughTheCatalogAlias() throws Exception {
        String[] r = run(List.of("./jbang", "sockwatch", "--version"));
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("sockwatch 0.1.0"), r[1]);
    }

    /**
     * Two first runs at once (an empty JBang cache, two shells) both work: built together, they once left a jar
     * without its main class in JBang's cache ("Could not find or load main class sockwatch"), and every later
     * run failed. ./jbang now runs JBang one at a time under a lock in its private cache.
     */
    @Test
    void twoFirstRunsAtOnceBothWork() throws Exception {
        String[] warm = run(List.of("./jbang", "sockwatch", "--version"));   // bootstraps the real cache if needed
        assertEquals("0", warm[0], warm[1]);
        Path xdg = Files.createTempDirectory("jbang-race-test");
        Path jbangCache = Files.createTempDirectory("jbang-race-cache");
        try {
            cacheCopy(xdg);
            Map<String, String> env = Map.of("XDG_CACHE_HOME", xdg.toString(), "SOCKWATCH_JBANG_BOOTSTRAP", "1",
                    "SOCKWATCH_JBANG_LAUNCH_CACHE", "0", "JBANG_CACHE_DIR", jbangCache.toString());
            List<java.util.concurrent.CompletableFuture<String>> both = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                both.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return exactVersionLine(env);
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }));
            }
            for (var f : both) {
                assertTrue(f.join().startsWith("sockwatch 0.1.0"));
            }
            // and the jar they left works for the next run too
            exactVersionLine(env);
        } finally {
            deleteTree(xdg);
            deleteTree(jbangCache);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The bootstrapped JBang's own JVM starts from an AppCDS archive in the private cache: written by the first
     * run, really mapped by the next (-Xshare:on would fail otherwise), ignored when it is junk (a torn file), and
     * its stdout, which is the command line the wrapper execs, stays exactly the program's output every time.
     * Runs against a copy of the cache.
     */
    @Test
    void jbangsArchiveIsWrittenUsedAndNeverTouchesStdout() throws Exception {
        String[] warm = run(List.of("./jbang", "sockwatch", "--version"));   // bootstraps the real cache if needed
        assertEquals("0", warm[0], warm[1]);
        Path xdg = Files.createTempDirectory("jbang-cds-test");
        try {
            Path cache = cacheCopy(xdg);
            // JBang must run every time here (this is about its own JVM), so no warm start that skips it
            Map<String, String> env = Map.of("XDG_CACHE_HOME", xdg.toString(), "SOCKWATCH_JBANG_BOOTSTRAP", "1",
                    "SOCKWATCH_JBANG_LAUNCH_CACHE", "0");
            String version = exactVersionLine(env);                      // 1st run: writes the archive at exit
            List<Path> archives = archives(cache);
            assertEquals(1, archives.size(), "one archive written by the first run: " + archives);
            // -Xshare:on makes the JVM fail unless it really maps the archive: proof it is used, not just present
            Map<String, String> strict = new java.util.HashMap<>(env);
            strict.put("JBANG_JAVA_OPTIONS", "-Xshare:on");
            assertEquals(version, exactVersionLine(strict));
            Files.write(archives.get(0), "not an archive".getBytes(StandardCharsets.UTF_8));
            assertEquals(version, exactVersionLine(env));                 // junk archive: ignored, silently
            assertEquals(List.of(), leftovers(cache), "no half-written archive left behind");
        } finally {
            try (var files = Files.walk(xdg)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * Warm starts skip JBang's JVM: the java command JBang printed is kept (private file) and exec'd directly while
     * nothing it depends on changed, with the user's arguments passed through untouched. A different key, or a kept
     * command whose jar is gone, makes JBang run again. Runs against a copy of the cache; strace shows whether
     * JBang's JVM ran.
     */
    @Test
    void warmStartsSkipJbangUntilSomethingChanges() throws Exception {
        Capabilities.requireStrace();
        String[] warm = run(List.of("./jbang", "sockwatch", "--version"));
        assertEquals("0", warm[0], warm[1]);
        Path xdg = Files.createTempDirectory("jbang-launch-test");
        try {
            Path cache = cacheCopy(xdg);
            Map<String, String> env = Map.of("XDG_CACHE_HOME", xdg.toString(), "SOCKWATCH_JBANG_BOOTSTRAP", "1");
            String version = exactVersionLine(env);
            exactVersionLine(env); // JBang's first answer may be the one that writes the script's archive: not kept
            List<Path> kept = launchFiles(cache);
            assertEquals(1, kept.size(), "one kept command for (sockwatch, this directory): " + kept);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(kept.get(0))));

            Path trace = xdg.resolve("execve.trace");
            assertEquals(version, tracedVersionLine(env, trace));
            assertFalse(Files.readString(trace).contains("dev.jbang.Main"), "warm: JBang's JVM did not run");

            // the user's arguments reach sockwatch as they are: no quote, $ or space is evaluated
            ProcessBuilder pb = new ProcessBuilder("./jbang", "sockwatch", "-o", "x \"y\" $HOME `id` ;")
                    .directory(JbangScriptTest.REPO.toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), out);
            assertTrue(out.contains("unknown socket option 'x \"y\" $HOME `id` ;'"), out);

            // a key that does not match (something changed): JBang runs again and the new answer is kept
            List<String> lines = Files.readAllLines(kept.get(0));
            Files.write(kept.get(0), List.of("0000", lines.get(1)));
            assertEquals(version, tracedVersionLine(env, trace));
            assertTrue(Files.readString(trace).contains("dev.jbang.Main"), "stale key: JBang ran");
            assertEquals(lines, Files.readAllLines(kept.get(0)), "the same command, kept again");

            // a kept command whose jar is gone is not used
            Files.write(kept.get(0), List.of(lines.get(0), lines.get(1).replace("-classpath ",
                    "-classpath /nonexistent/gone.jar:")));
            assertEquals(version, tracedVersionLine(env, trace));
            assertTrue(Files.readString(trace).contains("dev.jbang.Main"), "missing jar: JBang ran");
            assertEquals(List.of(), leftovers(cache), "no half-written file left behind");
        } finally {
            try (var files = Files.walk(xdg)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * A private JBang cache under {@code xdg} (for XDG_CACHE_HOME) that shares the real one's jars: its own
     * classpath file, archives and kept commands, so a test can change them without touching the real cache.
     */
    private static Path cacheCopy(Path xdg) throws IOException {
        String home = System.getenv("XDG_CACHE_HOME");
        Path real = home != null && home.startsWith("/") ? Path.of(home, "sockwatch", "jbang-0.132.1")
                : Path.of(System.getProperty("user.home"), ".cache", "sockwatch", "jbang-0.132.1");
        Path cache = Files.createDirectories(xdg.resolve("sockwatch/jbang-0.132.1"));
        Files.copy(real.resolve("classpath"), cache.resolve("classpath"));
        Files.createSymbolicLink(cache.resolve("lib"), real.resolve("lib").toRealPath());
        return cache;
    }

    private static List<Path> launchFiles(Path cache) throws IOException {
        try (var files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().startsWith("launch.")).toList();
        }
    }

    /** exactVersionLine under strace, which records every exec into {@code trace}. */
    private static String tracedVersionLine(Map<String, String> env, Path trace) throws Exception {
        return exactVersionLine(env, "strace", "-f", "-qq", "-s", "200", "-e", "trace=execve", "-o", trace.toString());
    }

    /**
     * Runs `./jbang sockwatch --version` (after {@code prefix}, a command that runs it) with stdout alone, and
     * returns it after checking it is one version line.
     */
    private static String exactVersionLine(Map<String, String> env, String... prefix) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(prefix));
        cmd.addAll(List.of("./jbang", "sockwatch", "--version"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(JbangScriptTest.REPO.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.matches("sockwatch 0\\.1\\.0 \\(Java [^\\n]+\\)\n"), "stdout must be the version line only: " + out);
        return out;
    }

    private static List<Path> archives(Path cache) throws IOException {
        try (var files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().matches("jbang-cli\\..*\\.jsa")).toList();
        }
    }

    private static List<Path> leftovers(Path cache) throws IOException {
        try (var files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".")).toList();
        }
    }

    @Test
    void selfCheckThroughJbangPasses() throws Exception {
        Capabilities.requireBpftrace();
        String[] r = run(List.of("./jbang", "sockwatch", "self-check"));
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("PASS: bpftrace saw the Java test app"), r[1]);
    }
}
