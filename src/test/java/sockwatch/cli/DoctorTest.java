package sockwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/** doctor tells the truth about this machine: each line checked against what the machine really has. */
class DoctorTest {

    @Test
    void bpftraceIsAvailableWhereItRunsAndFactsMatchTheKernel() throws Exception {
        Capabilities.requireBpftrace();
        SockwatchRun.Result r = SockwatchRun.run(60, "doctor");
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        assertTrue(r.stdout().lines().anyMatch(l -> l.matches("\\s+bpftrace\\s+available\\s+.*")), r.stdout());
        // The 32-bit part, switched on by itself where a 32-bit program is watched, really compiled too.
        // So did the io_uring part, on a kernel that can set options through io_uring (6.7+).
        String uring = sockwatch.sys.IoUring.kernelHasSocketCommands() ? " \\(with its io_uring part\\)" : "";
        assertTrue(r.stdout().lines().anyMatch(l -> l.matches("\\s+bpftrace\\s+available\\s+.*compiled and armed"
                + " the probe here" + uring + " in [0-9.]+ s; with its 32-bit part \\(--compat32\\) in [0-9.]+ s\\)")),
                r.stdout());
        assertTrue(r.stdout().contains("root yes"), r.stdout());
        boolean modules = Files.exists(Path.of("/proc/modules"));
        assertTrue(r.stdout().contains("loadable modules " + (modules ? "yes" : "no")), r.stdout());
        boolean btf = Files.exists(Path.of("/sys/kernel/btf/vmlinux"));
        assertTrue(r.stdout().contains("BTF " + (btf ? "yes" : "no")), r.stdout());
        assertTrue(r.stdout().contains("--backend auto picks bpftrace"), r.stdout());
        if (!modules) {
            assertTrue(r.stdout().lines().anyMatch(l -> l.matches("\\s+stap\\s+NOT available\\s+this kernel cannot load"
                    + " modules.*use --backend bpftrace.*")), r.stdout());
        }
        assertTrue(r.stdout().lines().anyMatch(l -> l.matches("\\s+strace\\s+available\\s+.*")), r.stdout());
        assertTrue(r.stdout().lines().anyMatch(l -> l.matches("\\s+snapshot\\s+available\\s+pidfd_getfd.*")),
                r.stdout());
    }
}
