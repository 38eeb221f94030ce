package sockwatch.jbang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ./jbang on a box with a JDK and no Maven (most servers): it fetches the jars of tools/jbang-bootstrap/jbang.lock
 * itself with FetchJars.java, checks each SHA-256, and installs the cache only when all of them hold. Each run here
 * has an empty cache and a PATH with no mvn on it (only the few tools ./jbang uses). The failure cases are served
 * by a local HTTP server standing in for Maven Central, with the real jars (from the real cache) or broken ones.
 */
class JbangBootstrapTest {
    private static final String VERSION = "0.132.1";
    private static final Path REAL_LIB = realCache().resolve("lib");

    private Path work;
    private HttpServer server;

    /** The stand-in server serves the real cache's jars: make sure there is one (./jbang's own first run). */
    @BeforeAll
    static void realCacheExists() throws Exception {
        if (!Files.isRegularFile(realCache().resolve("classpath"))) {
            Process p = new ProcessBuilder("./jbang", "--version").directory(JbangScriptTest.REPO.toFile())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createTempDirectory("jbang-bootstrap-test");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.stop(0);
        }
        try (var s = Files.walk(work)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void withoutMavenItFetchesFromMavenCentralAndChecksEveryJar() throws Exception {
        String[] r = jbang(JbangScriptTest.REPO, Map.of(), "--version");
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("fetched " + lock().size() + " jars"), r[1]);
        assertTrue(r[1].contains("every SHA-256 checked"), r[1]);
        assertTrue(r[1].strip().endsWith(VERSION), r[1]);
        Path cache = cache();
        // the class path keeps the lock's order (Maven's: it matters for classes two jars both ship)
        List<String> expected = new ArrayList<>();
        for (String[] jar : lock()) {
            expected.add("lib/" + jar[2]);
            assertEquals(jar[1], sha256(cache.resolve("lib").resolve(jar[2])), jar[0]);
        }
        assertEquals(String.join(":", expected), Files.readString(cache.resolve("classpath")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.getParent())));
        // a second run fetches nothing
        String[] again = jbang(JbangScriptTest.REPO, Map.of(), "--version");
        assertEquals("0", again[0], again[1]);
        assertFalse(again[1].contains("fetch"), again[1]);
    }

    @Test
    void aJarWhoseChecksumDiffersIsNotUsedAndNothingIsKept() throws Exception {
        String repo = serve(name -> name.startsWith("gson-") ? "not gson".getBytes(StandardCharsets.UTF_8) : null);
        String[] r = jbang(JbangScriptTest.REPO, Map.of("SOCKWATCH_MAVEN_REPO", repo), "--version");
        assertEquals("1", r[0], r[1]);
        String line = errorLine(r[1]);
        assertTrue(line.matches("sockwatch: jbang: the checksum of gson-2\\.13\\.2\\.jar from " + repo
                + "/com/google/code/gson/gson/2\\.13\\.2/gson-2\\.13\\.2\\.jar is [0-9a-f]{64}, not the [0-9a-f]{64}"
                + " of tools/jbang-bootstrap/jbang\\.lock: .*"), r[1]);
        assertNothingKept();
    }

    @Test
    void aMissingJarIsNamedWithItsUrl() throws Exception {
        String repo = serve(name -> name.startsWith("jsoup-") ? new byte[0] : null);   // empty: 404
        String[] r = jbang(JbangScriptTest.REPO, Map.of("SOCKWATCH_MAVEN_REPO", repo), "--version");
        assertEquals("1", r[0], r[1]);
        assertEquals("sockwatch: jbang: could not download jsoup-1.17.1.jar from " + repo
                + "/org/jsoup/jsoup/1.17.1/jsoup-1.17.1.jar: HTTP 404", errorLine(r[1]), r[1]);
        assertNothingKept();
    }

    @Test
    void anUnreachableRepositoryIsOneLine() throws Exception {
        String repo = "http://127.0.0.1:9/maven2";   // the discard port: nothing listens there
        String[] r = jbang(JbangScriptTest.REPO, Map.of("SOCKWATCH_MAVEN_REPO", repo), "--version");
        assertEquals("1", r[0], r[1]);
        assertTrue(errorLine(r[1]).startsWith("sockwatch: jbang: could not download jbang-cli-" + VERSION
                + ".jar from " + repo + "/dev/jbang/jbang-cli/" + VERSION + "/jbang-cli-" + VERSION
                + ".jar: ConnectException"), r[1]);
        assertNothingKept();
    }

    /** Maven stays a way in (a settings.xml may name the mirror a box must use), and the lock checks its jars. */
    @Test
    void whenTheFetchFailsMavenOnPathResolvesTheSameCheckedJars() throws Exception {
        String m2 = Path.of(System.getProperty("user.home"), ".m2", "repository").toString();
        String[] r = jbang(JbangScriptTest.REPO, Map.of("SOCKWATCH_MAVEN_REPO", "http://127.0.0.1:9/maven2",
                "PATH", work.resolve("bin") + ":/usr/bin:/bin", "MAVEN_OPTS", "-Dmaven.repo.local=" + m2), "--version");
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("trying Maven instead"), r[1]);
        assertTrue(r[1].strip().endsWith(VERSION), r[1]);
        List<String> expected = new ArrayList<>();
        for (String[] jar : lock()) {
            expected.add("lib/" + jar[2]);
        }
        assertEquals(String.join(":", expected), Files.readString(cache().resolve("classpath")));
    }

    @Test
    void theLockNamesTheJarsMavenResolvedForThePom() throws IOException {
        // update-lock wrote it from the pom; the real cache was filled the same way (by Maven, or from the lock)
        for (String[] jar : lock()) {
            assertEquals(jar[1], sha256(REAL_LIB.resolve(jar[2])), jar[0] + ": run tools/jbang-bootstrap/update-lock");
        }
        assertTrue(lock().stream().anyMatch(j -> j[0].equals("com.google.code.gson:gson:2.13.2")),
                "the Gson override (see pom.xml)");
        assertTrue(lock().stream().anyMatch(j -> j[0].equals("dev.jbang:jbang-cli:" + VERSION)));
    }

    /** The failure's own line: the last line of stderr before ./jbang's closing one. */
    private static String errorLine(String err) {
        return err.lines().filter(l -> l.startsWith("sockwatch: jbang: ") && !l.contains("is not installed (nothing"))
                .reduce((a, b) -> b).orElse("");
    }

    private void assertNothingKept() throws IOException {
        Path parent = work.resolve("home/.cache/sockwatch");
        assertFalse(Files.exists(cache()), "a failed bootstrap must not leave a cache");
        try (var s = Files.list(parent)) {
            assertEquals(List.of(), s.toList(), "no half-filled directory left");
        }
    }

    private Path cache() {
        return work.resolve("home/.cache/sockwatch/jbang-" + VERSION);
    }

    /**
     * A stand-in for Maven Central: serves each jar of the real cache by its file name, or what {@code override}
     * gives for it (an empty array: 404).
     */
    private String serve(Function<String, byte[]> override) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String name = path.substring(path.lastIndexOf('/') + 1);
            byte[] body = override.apply(name);
            if (body == null && Files.isRegularFile(REAL_LIB.resolve(name))) {
                body = Files.readAllBytes(REAL_LIB.resolve(name));
            }
            if (body == null || body.length == 0) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/maven2";
    }

    /** Runs a copy of ./jbang with an empty HOME and a PATH of only the tools it uses: no mvn, no jbang. */
    private String[] jbang(Path repo, Map<String, String> env, String... args) throws Exception {
        Path bin = work.resolve("bin");
        if (!Files.isDirectory(bin)) {
            Files.createDirectories(bin);
            Files.createSymbolicLink(bin.resolve("java"), Path.of(ProcessHandle.current().info().command()
                    .orElseThrow()).toRealPath());
            for (String tool : List.of("bash", "env", "cat", "sed", "grep", "find", "mktemp", "mv", "rm", "chmod",
                    "mkdir", "readlink", "cmp", "sort", "head", "stat", "cksum", "tr", "sha256sum", "cut", "xargs",
                    "flock", "dirname")) {
                Files.createSymbolicLink(bin.resolve(tool), which(tool));
            }
        }
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("jbang").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(Map.of("HOME", work.resolve("home").toString(), "PATH", bin.toString(),
                "SOCKWATCH_JBANG_BOOTSTRAP", "1"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new String[] {Integer.toString(p.exitValue()), new String(out, StandardCharsets.UTF_8)};
    }

    private static Path which(String tool) throws IOException {
        for (String d : System.getenv("PATH").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p.toRealPath();
            }
        }
        throw new IOException(tool + " is not on PATH");
    }

    /** {coordinates, sha256, file name} per line of the lock. */
    private static List<String[]> lock() throws IOException {
        List<String[]> jars = new ArrayList<>();
        for (String line : Files.readAllLines(JbangScriptTest.REPO.resolve("tools/jbang-bootstrap/jbang.lock"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            String[] c = f[0].split(":");
            jars.add(new String[] {f[0], f[1], c[1] + "-" + c[2] + (c.length == 4 ? "-" + c[3] : "") + ".jar"});
        }
        return jars;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    private static Path realCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return root.resolve("sockwatch/jbang-" + VERSION);
    }
}
