package sockwatch.jbang;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
     * The bootstrapped JBang's own JVM starts from an AppCDS archive in the private cache: written by the first
     * run, really mapped by the next (-Xshare:on would fail otherwise), ignored when it is junk (a torn file), and
     * its stdout, which is the command line the wrapper execs, stays exactly the program's output every time.
     * Runs against a copy of the cache.
     */
    @Test
    void jbangsArchiveIsWrittenUsedAndNeverTouchesStdout() throws Exception {
        String[] warm = run(List.of("./jbang", "sockwatch", "--version"));   // bootstraps the real cache if needed
        assertEquals("0", warm[0], warm[1]);
        Path realCache = Path.of(System.getProperty("user.home"), ".cache", "sockwatch", "jbang-0.132.1");
        if (System.getenv("XDG_CACHE_HOME") != null && System.getenv("XDG_CACHE_HOME").startsWith("/")) {
            realCache = Path.of(System.getenv("XDG_CACHE_HOME"), "sockwatch", "jbang-0.132.1");
        }
        Path xdg = Files.createTempDirectory("jbang-cds-test");
        try {
            Path cache = Files.createDirectories(xdg.resolve("sockwatch/jbang-0.132.1"));
            Files.copy(realCache.resolve("classpath"), cache.resolve("classpath"));
            Files.createSymbolicLink(cache.resolve("lib"), realCache.resolve("lib").toRealPath());
            Map<String, String> env = Map.of("XDG_CACHE_HOME", xdg.toString(), "SOCKWATCH_JBANG_BOOTSTRAP", "1");
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

    /** Runs `./jbang sockwatch --version` with stdout alone, and returns it after checking it is one version line. */
    private static String exactVersionLine(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("./jbang", "sockwatch", "--version")
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
