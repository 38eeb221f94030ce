package sockwatch.jbang;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command the way a user's shell would for the install tests: a given directory, environment, no terminal. */
final class Shell {
    private Shell() {
    }

    record Result(int exit, String stdout, String stderr) {
        String both() {
            return stdout + stderr;
        }
    }

    /**
     * Runs {@code cmd} in {@code dir} with exactly {@code env} (nothing inherited, as a fresh login would have it),
     * stdin closed.
     */
    static Result run(Path dir, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of(cmd));
        if (!cmd[0].contains("/")) {   // looked up in env's PATH, as a shell does (ProcessBuilder would use ours)
            argv.addAll(0, List.of("/bin/sh", "-c", "exec \"$0\" \"$@\""));
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = sockwatch.support.SockwatchRun.read(p.getInputStream());
        CompletableFuture<String> err = sockwatch.support.SockwatchRun.read(p.getErrorStream());
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("timed out: " + List.of(cmd));
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    /**
     * A fresh login's environment: HOME, the PATH that login(1) gives (after {@code firstOnPath}), and the few
     * variables that say where this machine keeps Java and the caches, passed on when they are set.
     */
    static Map<String, String> login(String... firstOnPath) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("HOME", System.getProperty("user.home"));
        List<String> path = new java.util.ArrayList<>(List.of(firstOnPath));
        path.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        env.put("PATH", String.join(":", path));
        for (String keep : List.of("JAVA_HOME", "XDG_CACHE_HOME", "SOCKWATCH_MAVEN_REPO", "https_proxy", "LANG")) {
            String v = System.getenv(keep);
            if (v != null) {
                env.put(keep, v);
            }
        }
        return env;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
