package sockwatch.probe.stap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.probe.BackendChooser;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * Where stap cannot run (this project's hosts: no loadable modules, no kprobes), sockwatch says why and how to
 * fix it, and auto mode passes stap over, with that reason, for bpftrace. The VM test covers where it can.
 */
class StapOnThisHostTest {
    private static final List<StapDiagnosis.Finding> FINDINGS = StapDiagnosis.ofThisHost()
            .check(StapDiagnosis.Mode.COMPILE_AND_RUN, null);

    @Test
    void backendStapRefusesWithTheFirstFindingAndItsFix() throws Exception {
        assumeFalse(FINDINGS.isEmpty(), "stap can run on this machine");
        SockwatchRun.Result r = SockwatchRun.run(60, "--backend", "stap", "--duration", "1");
        assertEquals(3, r.exit(), r.stderr());
        StapDiagnosis.Finding first = FINDINGS.get(0);
        assertEquals("sockwatch: cannot trace: " + first.reason() + " (" + first.fix() + ")",
                r.stderr().lines().findFirst().orElse(""));
    }

    @Test
    void autoPassesStapOverForBpftraceSayingWhy() throws Exception {
        assumeFalse(FINDINGS.isEmpty(), "stap can run on this machine");
        Capabilities.requireBpftrace();
        BackendChooser.Choice choice = BackendChooser.standard().choose("auto", sockwatch.probe.TraceRequest.everything());
        assertEquals("bpftrace", choice.backend().name());
        assertEquals("auto; passed over stap: " + FINDINGS.get(0).reason(), choice.why());
    }

    @Test
    void withoutModulesTheReasonIsTheKernelNotAMissingPackage() {
        assumeFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/modules")), "this kernel has modules");
        assertTrue(FINDINGS.get(0).reason().startsWith("this kernel cannot load modules"), FINDINGS.toString());
        assertTrue(FINDINGS.get(0).fix().contains("--backend bpftrace"), FINDINGS.toString());
    }
}
