package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;

/**
 * sockwatch on every JDK this machine has (17 from Debian, 25 from the image's Temurin; 21 runs in the trixie row
 * of CompatMatrixTest): with the JVM options of scripts/sockwatch.java's //JAVA_OPTIONS, read from the script so
 * they cannot drift, `--version`, `doctor` and a real `snapshot -p` (JNA, native code) exit 0 with nothing on
 * stderr. JDK 24 and newer warn there about JNA's native access unless the options allow it.
 */
class JdkVersionsTest {
    private static final Path REPO = Path.of(System.getenv().getOrDefault("SOCKWATCH_REPO", ".")).toAbsolutePath();

    @Test
    void theToolIsQuietOnEveryJdk() throws Exception {
        Capabilities.requireRoot();
        Map<Integer, Path> jdks = jdks();
        Capabilities.require(jdks.containsKey(17) && jdks.keySet().stream().anyMatch(v -> v >= 24),
                "needs JDK 17 and a JDK 24 or newer under /usr/lib/jvm (found " + jdks + ")");
        List<String> options = javaOptions();
        assertTrue(options.contains("--enable-native-access=ALL-UNNAMED"), options.toString());
        Process target = new ProcessBuilder("python3", "-c", "import socket, sys, time; s = socket.socket(); "
                + "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); print('ready', flush=True); time.sleep(60)")
                .redirectErrorStream(true).start();
        try {
            assertEquals("ready", new String(target.getInputStream().readNBytes(5), StandardCharsets.UTF_8));
            for (Map.Entry<Integer, Path> jdk : jdks.entrySet()) {
                for (String[] args : List.of(new String[] {"--version"}, new String[] {"doctor"},
                        new String[] {"snapshot", "-p", Long.toString(target.pid())})) {
                    List<String> cmd = new ArrayList<>(List.of(jdk.getValue().toString()));
                    cmd.addAll(options);
                    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "sockwatch.cli.Main"));
                    cmd.addAll(Arrays.asList(args));
                    String[] r = run(cmd);
                    String what = "JDK " + jdk.getKey() + ": sockwatch " + String.join(" ", args);
                    assertEquals("0", r[0], what + " exit; stderr: " + r[2]);
                    assertEquals("", r[2], what + " printed on stderr");
                    if (args[0].equals("snapshot")) {
                        assertTrue(r[1].contains("TCP_NODELAY=1"), what + ": " + r[1]);
                    }
                }
            }
        } finally {
            target.destroyForcibly();
            target.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** //JAVA_OPTIONS of the script JBang runs. */
    static List<String> javaOptions() throws IOException {
        List<String> opts = new ArrayList<>();
        for (String line : Files.readAllLines(REPO.resolve("scripts/sockwatch.java"))) {
            if (line.startsWith("//JAVA_OPTIONS ")) {
                opts.addAll(Arrays.asList(line.substring("//JAVA_OPTIONS ".length()).trim().split("\\s+")));
            }
        }
        return opts;
    }

    /** Feature version -> java, for each JDK under /usr/lib/jvm and the one running the tests. */
    private static Map<Integer, Path> jdks() throws Exception {
        Map<Integer, Path> found = new TreeMap<>();
        found.put(Runtime.version().feature(), Path.of(System.getProperty("java.home"), "bin", "java"));
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path d : dirs.sorted().toList()) {
                Path java = d.resolve("bin/java");
                if (Files.isExecutable(java) && !Files.isSymbolicLink(d)) {
                    String[] r = run(List.of(java.toString(), "-XshowSettings:properties", "-version"));
                    for (String l : r[2].lines().toList()) {
                        if (l.trim().startsWith("java.specification.version = ")) {
                            found.putIfAbsent(Integer.parseInt(l.split("=")[1].trim()), java);
                        }
                    }
                }
            }
        }
        return found;
    }

    private static String[] run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not end within 60 s");
        }
        return new String[] {Integer.toString(p.exitValue()), out.join(), err.join()};
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
