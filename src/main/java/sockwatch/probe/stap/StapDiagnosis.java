package sockwatch.probe.stap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import sockwatch.sys.Executables;
import sockwatch.sys.Privileges;

/**
 * Why SystemTap cannot run here, each finding with its fix, the most fundamental first: on a kernel that cannot
 * load modules, installing systemtap would not help, so that is said before "stap is not installed". The stap
 * backend refuses with the first finding; `sockwatch doctor` can list them all.
 */
public final class StapDiagnosis {

    /** One reason stap cannot run, and what to do about it. */
    public record Finding(String reason, String fix) {
    }

    /** What is asked of SystemTap on this machine. */
    public enum Mode {
        /** stap compiles the tap for this kernel and runs it. */
        COMPILE_AND_RUN,
        /** staprun loads a module compiled elsewhere (sockwatch stap-compile). */
        RUN_MODULE,
        /** stap -p4 only, for a kernel release that may not be this one. */
        COMPILE_ONLY
    }

    private static final String USE_BPFTRACE = "use --backend bpftrace (syscall tracepoints, no module) or strace";

    private final Path root;
    private final String release;
    private final boolean isRoot;
    private final Function<String, Optional<Path>> which;

    /** @param root "/" on a real machine; a fake tree in tests. */
    StapDiagnosis(Path root, String release, boolean isRoot, Function<String, Optional<Path>> which) {
        this.root = root;
        this.release = release;
        this.isRoot = isRoot;
        this.which = which;
    }

    public static StapDiagnosis ofThisHost() {
        // os.version is uname -r on Linux.
        return new StapDiagnosis(Path.of("/"), System.getProperty("os.version"), Privileges.isRoot(),
                Executables::find);
    }

    public String release() {
        return release;
    }

    /** Every problem, most fundamental first; empty when stap can do what {@code mode} asks. */
    public List<Finding> check(Mode mode, String targetRelease) {
        List<Finding> found = new ArrayList<>();
        if (mode != Mode.COMPILE_ONLY) {
            kernel(found);
        }
        if (mode == Mode.RUN_MODULE) {
            tool("staprun", "systemtap-runtime", found);
        } else {
            tool("stap", "systemtap", found);
        }
        if (mode != Mode.COMPILE_ONLY && !isRoot && !groups().contains("stapdev")) {
            found.add(new Finding("stap needs root to load its kernel module",
                    "run sockwatch with sudo (members of the stapdev group may also run stap)"));
        }
        if (mode != Mode.RUN_MODULE) {
            String r = targetRelease != null ? targetRelease : release;
            if (!Files.isDirectory(root.resolve("lib/modules/" + r + "/build"))) {
                found.add(new Finding("no kernel headers for " + r + " (/lib/modules/" + r + "/build is missing)",
                        "install them: apt-get install linux-headers-" + r + " (Debian/Ubuntu), dnf install "
                                + "kernel-devel-" + r + " (Fedora/RHEL)"));
            } else if (runtimeMissesTaskWorkRename(r)) {
                found.add(new Finding("this systemtap's runtime calls task_work_cancel(), which the headers of " + r
                        + " renamed task_work_cancel_func (a 6.1.1xx stable backport): its module build would fail",
                        "install a newer systemtap, or apply the one-line runtime fix from sockwatch's README "
                                + "(stp_task_work.c); or " + USE_BPFTRACE));
            }
        }
        return found;
    }

    /**
     * The one known break between a distribution's systemtap and its own kernel (Debian 12: systemtap 4.8 and
     * 6.1.1xx), seen in two files instead of a minute-long trial compile.
     */
    private boolean runtimeMissesTaskWorkRename(String r) {
        String runtime = read("usr/share/systemtap/runtime/stp_task_work.c");
        if (runtime == null || runtime.contains("task_work_cancel_func")) {
            return false;
        }
        for (String dir : List.of("source", "build")) {
            String header = read("lib/modules/" + r + "/" + dir + "/include/linux/task_work.h");
            if (header != null) {
                return header.contains("task_work_cancel_func");
            }
        }
        return false;
    }

    private void kernel(List<Finding> found) {
        Map<String, String> config = kernelConfig();
        if ("n".equals(config.get("CONFIG_MODULES")) || !Files.exists(root.resolve("proc/modules"))) {
            found.add(new Finding("this kernel cannot load modules (CONFIG_MODULES is off: no /proc/modules), "
                    + "and SystemTap runs as a kernel module", "stap cannot work on this kernel: " + USE_BPFTRACE));
            return;
        }
        if ("1".equals(read("proc/sys/kernel/modules_disabled"))) {
            found.add(new Finding("module loading is disabled until the next boot (kernel.modules_disabled=1)",
                    USE_BPFTRACE));
            return;
        }
        if ("n".equals(config.get("CONFIG_KPROBES")) || (config.isEmpty() && !hasKprobesSymbol())) {
            found.add(new Finding("this kernel has no kprobes (CONFIG_KPROBES is off), which SystemTap's kernel "
                    + "probes need", "stap cannot work on this kernel: " + USE_BPFTRACE));
        }
        String lockdown = read("sys/kernel/security/lockdown");
        if (lockdown != null && !lockdown.contains("[none]")) {
            String mode = lockdown.replaceAll(".*\\[(\\w+)].*", "$1");
            found.add(new Finding("the kernel is locked down (lockdown=" + mode + ", usually Secure Boot) and "
                    + "loads only signed modules", "sign stap's modules with a key enrolled with mokutil (see "
                    + "systemtap's README.secureboot), or turn Secure Boot off; or " + USE_BPFTRACE));
        } else if ("Y".equals(read("sys/module/module/parameters/sig_enforce"))) {
            found.add(new Finding("the kernel loads only signed modules (module.sig_enforce=1)",
                    "sign stap's modules with a trusted key (see systemtap's README.secureboot), or "
                            + USE_BPFTRACE));
        }
    }

    private void tool(String name, String pkg, List<Finding> found) {
        if (which.apply(name).isEmpty()) {
            found.add(new Finding(name + " is not installed", "install it: apt-get install " + pkg
                    + " (Debian/Ubuntu), dnf install " + pkg + " (Fedora/RHEL)"));
        }
    }

    /** CONFIG_X -> y, m or n, from /proc/config.gz or /boot/config-RELEASE; empty when neither exists. */
    Map<String, String> kernelConfig() {
        List<String> lines = List.of();
        try {
            Path gz = root.resolve("proc/config.gz");
            Path boot = root.resolve("boot/config-" + release);
            if (Files.isReadable(gz)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                    lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
                }
            } else if (Files.isReadable(boot)) {
                lines = Files.readAllLines(boot);
            }
        } catch (IOException e) {
            return Map.of();
        }
        Map<String, String> config = new HashMap<>();
        for (String line : lines) {
            if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
                config.put(line.substring(2, line.length() - " is not set".length()), "n");
            } else if (line.startsWith("CONFIG_") && line.contains("=")) {
                config.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return config;
    }

    private boolean hasKprobesSymbol() {
        try (var lines = Files.lines(root.resolve("proc/kallsyms"))) {
            return lines.anyMatch(l -> l.endsWith(" register_kprobe"));
        } catch (IOException | RuntimeException e) {
            return true; // cannot tell: do not claim it is missing
        }
    }

    private Set<String> groups() {
        Set<String> gids = new HashSet<>();
        String status = read("proc/self/status");
        if (status != null) {
            status.lines().filter(l -> l.startsWith("Groups:"))
                    .forEach(l -> gids.addAll(List.of(l.substring(7).trim().split("\\s+"))));
        }
        Set<String> names = new HashSet<>();
        String group = read("etc/group");
        if (group != null) {
            for (String line : group.split("\n")) {
                String[] f = line.split(":");
                if (f.length >= 3 && gids.contains(f[2])) {
                    names.add(f[0]);
                }
            }
        }
        return names;
    }

    private String read(String relative) {
        try {
            return Files.readString(root.resolve(relative)).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * When stap failed to build its module: the first real error in its output (the compiler's, or stap's own
     * semantic error) as a finding; null if the output names none.
     */
    public static Finding compileFailure(List<String> stapStderr) {
        for (String line : stapStderr) {
            if (line.contains("error:") && !line.startsWith("Pass ")) {
                String what = line.trim();
                if (what.startsWith("semantic error:")) {
                    return new Finding("stap could not resolve its probes: " + what,
                            "the kernel-function tap needs kernel debuginfo (linux-image-$(uname -r)-dbg); the "
                                    + "default tap needs none");
                }
                return new Finding("stap could not build its module against the kernel headers: " + what,
                        "this systemtap is probably older than the kernel: install a newer systemtap (its "
                                + "runtime follows kernel API changes)");
            }
        }
        return null;
    }
}
