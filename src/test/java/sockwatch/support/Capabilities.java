package sockwatch.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import sockwatch.sys.Executables;
import sockwatch.sys.Privileges;

/**
 * Kernel tests may skip only where a capability is truly absent, saying why; under CI=true (root, tools
 * installed by test.sh) an absent capability is a failure, never a silent skip.
 */
public final class Capabilities {
    private Capabilities() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static void require(boolean present, String why) {
        if (present) {
            return;
        }
        if (inCi()) {
            fail("CI=true and a capability this test needs is missing: " + why);
        }
        assumeTrue(false, "skipped: " + why);
    }

    public static void requireRoot() {
        require(Privileges.isRoot(), "needs root (tracing and launching under a probe)");
    }

    public static void requireTool(String tool) {
        require(Executables.find(tool).isPresent(), tool + " is not installed (test.sh installs it)");
    }

    public static void requireBpftrace() {
        requireRoot();
        requireTool("bpftrace");
    }

    public static void requireStrace() {
        requireRoot();
        requireTool("strace");
    }
}
