package sockwatch.jbang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sockwatch.support.Capabilities;

/**
 * Installing sockwatch as a command that works from any directory, each way the README gives, run the way a user
 * would: from a directory outside the checkout, with a fresh login's PATH and environment.
 */
class InstallTest {
    private static final Path REPO = JbangScriptTest.REPO;
    private static final Pattern VERSION = Pattern.compile("(?m)^sockwatch 0\\.1\\.0 \\(Java [^)\\n]+\\)$");

    @TempDir
    Path tmp;

    /**
     * bin/sockwatch linked into a directory on PATH runs the checkout's sockwatch from anywhere, in the caller's
     * directory: a relative --output lands there.
     */
    @Test
    void binLauncherLinkedIntoPathWorksFromAnyDirectory() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("sockwatch"), REPO.resolve("bin/sockwatch"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Map<String, String> env = Shell.login(bin.toString());

        Shell.Result r = Shell.run(work, env, "sockwatch", "--version");
        assertEquals(0, r.exit(), r.both());
        assertTrue(VERSION.matcher(r.stdout()).find(), r.both());

        Capabilities.requireRoot();   // snapshot needs root; the part above does not
        r = Shell.run(work, env, "sockwatch", "snapshot", "--json", "--output", "snap.jsonl", "-p",
                Long.toString(ProcessHandle.current().pid()));
        assertEquals(0, r.exit(), r.both());
        List<String> lines = Files.readAllLines(work.resolve("snap.jsonl"));
        assertTrue(!lines.isEmpty(), "the snapshot went to the caller's directory");
        for (String l : lines) {
            JsonParser.parseString(l);
        }
    }

    /**
     * `jbang app install` writes ~/.jbang/bin/NAME as `exec jbang run REF "$@"`. Of the checkout's alias that
     * launcher fails elsewhere (the alias is found only in the checkout's catalog); of the script's absolute path
     * it works, with a `jbang` on PATH (here ./jbang linked in, as the README says). A private JBANG_DIR keeps the
     * user's own apps untouched, and its bin directory is on PATH: JBang edits ~/.bashrc and ~/.zshrc otherwise
     * (its `app setup`), which this test checks it did not.
     */
    @Test
    void jbangAppInstallOfTheScriptPathWorksFromAnyDirectory() throws Exception {
        Map<String, Long> rcFiles = rcFileTimes();
        Path jbangDir = tmp.resolve("jbang-dir");
        Path apps = jbangDir.resolve("bin");
        Path links = Files.createDirectories(tmp.resolve("links"));
        Files.createSymbolicLink(links.resolve("jbang"), REPO.resolve("jbang"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Map<String, String> env = new java.util.HashMap<>(Shell.login(apps.toString(), links.toString()));
        env.put("JBANG_DIR", jbangDir.toString());

        Shell.Result r = Shell.run(REPO, env, "./jbang", "app", "install", "--name", "sockwatch", "sockwatch");
        assertEquals(0, r.exit(), r.both());
        assertEquals("#!/bin/sh\nexec jbang run sockwatch \"$@\"\n", Files.readString(apps.resolve("sockwatch")));
        r = Shell.run(work, env, "sockwatch", "--version");
        assertNotEquals(0, r.exit(), r.both());
        assertTrue(r.both().contains("could not be found or read: 'sockwatch'"), r.both());

        Path script = REPO.resolve("scripts/sockwatch.java").toRealPath();
        r = Shell.run(REPO, env, "./jbang", "app", "install", "--force", "--name", "sockwatch", script.toString());
        assertEquals(0, r.exit(), r.both());
        assertEquals("#!/bin/sh\nexec jbang run " + script + " \"$@\"\n", Files.readString(apps.resolve("sockwatch")));
        r = Shell.run(work, env, "sockwatch", "--version");
        assertEquals(0, r.exit(), r.both());
        assertTrue(VERSION.matcher(r.stdout()).find(), r.both());

        assertEquals(rcFiles, rcFileTimes(), "the user's shell start-up files are untouched");
    }

    /**
     * tools/export-fatjar DIR: one jar with every dependency, and a launcher that gives the JVM the flags of
     * //JAVA_OPTIONS (a jar's manifest cannot carry them). The JVM's own -XX:+PrintCommandLineFlags shows what it
     * really got. Offline: JBang exports the jar it built from the local Maven repository.
     */
    @Test
    void exportedFatJarRunsWithTheScriptsJvmFlags() throws Exception {
        Path out = tmp.resolve("export");
        Shell.Result r = Shell.run(REPO, Shell.login(), "tools/export-fatjar", out.toString());
        assertEquals(0, r.exit(), r.both());
        assertTrue(Files.size(out.resolve("sockwatch.jar")) > 10_000_000, "dependencies are inside the jar");

        String options = Files.readAllLines(REPO.resolve("scripts/sockwatch.java")).stream()
                .filter(l -> l.startsWith("//JAVA_OPTIONS ")).findFirst().orElseThrow();
        Map<String, String> env = new java.util.HashMap<>(Shell.login());
        env.put("JAVA_TOOL_OPTIONS", "-XX:+PrintCommandLineFlags");
        Path elsewhere = Files.createDirectories(tmp.resolve("work"));
        r = Shell.run(elsewhere, env, out.resolve("sockwatch").toString(), "--version");
        assertEquals(0, r.exit(), r.both());
        assertTrue(VERSION.matcher(r.stdout()).find(), r.both());
        String flags = r.stdout().lines().filter(l -> l.contains("-XX:MaxHeapSize=")).findFirst().orElseThrow();
        assertTrue(flags.contains("-XX:MaxHeapSize=" + megabytes(options, "-Xmx") + " "), flags);
        assertTrue(flags.contains("-XX:MaxNewSize=" + megabytes(options, "-Xmn") + " "), flags);
        for (String flag : List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData")) {
            assertTrue(options.contains(flag), "//JAVA_OPTIONS changed? " + options);
            assertTrue(flags.contains(flag + " "), flag + " in " + flags);
        }
    }

    /** The bytes of {@code flag}NNNm in //JAVA_OPTIONS. */
    private static long megabytes(String options, String flag) {
        Matcher m = Pattern.compile(Pattern.quote(flag) + "(\\d+)m\\b").matcher(options);
        assertTrue(m.find(), flag + " in " + options);
        return Long.parseLong(m.group(1)) << 20;
    }

    private static Map<String, Long> rcFileTimes() throws Exception {
        Map<String, Long> times = new java.util.TreeMap<>();
        Path home = Path.of(System.getProperty("user.home"));
        for (String f : List.of(".bashrc", ".bash_profile", ".zshrc", ".config/fish/conf.d/jbang.fish")) {
            Path p = home.resolve(f);
            times.put(f, Files.exists(p) ? Files.getLastModifiedTime(p).toMillis() : -1L);
        }
        return times;
    }
}
