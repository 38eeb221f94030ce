package sockwatch.setup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The distribution's own package manager, and the exact commands that install packages with it without asking
 * (setup has asked already, or was given --yes). bpftrace and strace have these names in all three.
 */
public enum PackageManager {
    APT("apt-get", List.of("debian", "ubuntu")) {
        @Override
        public List<String> install(List<String> packages) {
            return with(List.of("apt-get", "install", "-y"), packages);
        }

        @Override
        public Optional<List<String>> refresh() {
            return Optional.of(List.of("apt-get", "update"));
        }

        @Override
        public Map<String, String> environment() {
            return Map.of("DEBIAN_FRONTEND", "noninteractive");   // no debconf questions: we asked already
        }
    },
    DNF("dnf", List.of("fedora", "rhel", "centos")) {
        @Override
        public List<String> install(List<String> packages) {
            return with(List.of("dnf", "install", "-y"), packages);
        }
    },
    ZYPPER("zypper", List.of("suse", "opensuse")) {
        @Override
        public List<String> install(List<String> packages) {
            return with(List.of("zypper", "--non-interactive", "install"), packages);
        }
    };

    private final String program;
    private final List<String> families;

    PackageManager(String program, List<String> families) {
        this.program = program;
        this.families = families;
    }

    public String program() {
        return program;
    }

    /** The command that installs these packages without asking. */
    public abstract List<String> install(List<String> packages);

    /** The command that refreshes the package lists, for a manager whose install does not do it itself. */
    public Optional<List<String>> refresh() {
        return Optional.empty();
    }

    public Map<String, String> environment() {
        return Map.of();
    }

    /**
     * The manager of this distribution (by ID, then ID_LIKE), if its program is installed; else the first of
     * them that is installed (a derivative that names none of the families), else none.
     */
    public static Optional<PackageManager> detect(OsRelease os, Predicate<String> installed) {
        for (PackageManager pm : values()) {
            if (pm.families.stream().anyMatch(os::is) && installed.test(pm.program)) {
                return Optional.of(pm);
            }
        }
        for (PackageManager pm : values()) {
            if (installed.test(pm.program)) {
                return Optional.of(pm);
            }
        }
        return Optional.empty();
    }

    private static List<String> with(List<String> command, List<String> packages) {
        List<String> c = new ArrayList<>(command);
        c.addAll(packages);
        return List.copyOf(c);
    }
}
