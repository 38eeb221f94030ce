package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the VM tests (StapVmTest, KernelVmTest) share: the harness scripts, a job dir's class path, a runner. */
final class VmJobs {
    static final Path REPO = Path.of(System.getenv().getOrDefault("SOCKWATCH_REPO", ".")).toAbsolutePath();
    static final Path VM = REPO.resolve("stap/vm");
    /** sockwatch's class path as the chroot and the guest see it (stageClassPath). */
    static final String CP = "/job/classes:/job/lib/*";

    private VmJobs() {
    }

    /** sockwatch's classes and its runtime jars, where the chroot and the guest both see them: /job. */
    static void stageClassPath(Path job) throws IOException {
        Path lib = Files.createDirectories(job.resolve("lib"));
        List<String> runtime = runtimeArtifacts();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String n = p.getFileName().toString();
            if (Files.isDirectory(p) && n.equals("classes")) {
                copyTree(p, job.resolve("classes"));
            } else if (n.endsWith(".jar") && runtime.stream().anyMatch(a -> n.startsWith(a + "-"))) {
                Files.copy(p, lib.resolve(n), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        assertTrue(Files.isRegularFile(job.resolve("classes/sockwatch/probe/stap/sockwatch.stp")), "staged classes");
        for (String a : runtime) { // a jar left out fails in the guest only, after minutes (JNA once did)
            try (Stream<Path> staged = Files.list(lib)) {
                assertTrue(staged.anyMatch(p -> p.getFileName().toString().startsWith(a + "-")), "staged " + a);
            }
        }
    }

    /** The artifactIds of pom.xml's dependencies that are not test-scoped: what sockwatch needs at run time. */
    static List<String> runtimeArtifacts() throws IOException {
        List<String> names = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<dependency>(.*?)</dependency>",
                java.util.regex.Pattern.DOTALL).matcher(Files.readString(REPO.resolve("pom.xml")).split("<build>")[0]);
        while (m.find()) {
            String dep = m.group(1);
            java.util.regex.Matcher a = java.util.regex.Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(dep);
            if (!dep.contains("<scope>test</scope>") && a.find()) {
                names.add(a.group(1));
            }
        }
        assertTrue(names.contains("picocli"), "pom.xml's dependencies: " + names);
        return names;
    }

    /** @param stdout the script's data (build-image.sh: the cache directory); @param output stderr then stdout */
    record Result(int exit, String stdout, String output) {
        String lastLine() {
            List<String> lines = stdout.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        String tail() {
            List<String> lines = output.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
    }

    /** Runs a harness script, its output (stdout and stderr) kept in {@code log}; stdout's last line is data. */
    static Result run(long minutes, Path log, String... argv) throws IOException, InterruptedException {
        Path err = log.resolveSibling(log.getFileName() + ".err");
        Process p = new ProcessBuilder(argv).redirectErrorStream(false).redirectOutput(log.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
        try {
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                throw new AssertionError(String.join(" ", argv) + " took more than " + minutes + " min; see " + log);
            }
        } finally {
            if (p.isAlive()) { // timed out or interrupted: the scripts run qemu under pdeathsig, so it goes too
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        String out = Files.readString(log);
        return new Result(p.exitValue(), out, Files.readString(err) + out);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
