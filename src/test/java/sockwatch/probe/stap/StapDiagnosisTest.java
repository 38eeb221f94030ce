package sockwatch.probe.stap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sockwatch.probe.stap.StapDiagnosis.Finding;
import sockwatch.probe.stap.StapDiagnosis.Mode;

/** Each way stap fails on a machine, on a fake root tree, with the fix it gives; the most fundamental first. */
class StapDiagnosisTest {
    private static final String R = "6.1.0-56-amd64";

    @TempDir
    Path root;

    /** A machine where stap works: modules, kprobes, no lockdown, headers, stap and staprun, root. */
    private void goodMachine() throws IOException {
        write("proc/modules", "");
        write("boot/config-" + R, "CONFIG_MODULES=y\nCONFIG_KPROBES=y\n");
        write("sys/kernel/security/lockdown", "[none] integrity confidentiality");
        Files.createDirectories(root.resolve("lib/modules/" + R + "/build"));
    }

    private void write(String path, String text) throws IOException {
        Files.createDirectories(root.resolve(path).getParent());
        Files.writeString(root.resolve(path), text);
    }

    private List<Finding> check(Mode mode, boolean isRoot, String... tools) {
        List<String> have = List.of(tools);
        return new StapDiagnosis(root, R, isRoot, t -> have.contains(t) ? Optional.of(Path.of("/usr/bin", t))
                : Optional.empty()).check(mode, null);
    }

    @Test
    void aGoodMachineHasNoFindings() throws IOException {
        goodMachine();
        assertEquals(List.of(), check(Mode.COMPILE_AND_RUN, true, "stap", "staprun"));
        assertEquals(List.of(), check(Mode.RUN_MODULE, true, "staprun"));
    }

    @Test
    void aKernelWithoutModulesComesFirstAndPointsAtBpftrace() throws IOException {
        write("proc/config.gz", "");
        Files.delete(root.resolve("proc/config.gz"));
        List<Finding> f = check(Mode.COMPILE_AND_RUN, false);
        assertTrue(f.get(0).reason().startsWith("this kernel cannot load modules"), f.toString());
        assertTrue(f.get(0).fix().contains("--backend bpftrace"), f.toString());
        assertTrue(f.get(1).reason().equals("stap is not installed"), f.toString());
        assertTrue(f.get(1).fix().contains("apt-get install systemtap"), f.toString());
    }

    @Test
    void kprobesOffIsSaid() throws IOException {
        goodMachine();
        write("boot/config-" + R, "CONFIG_MODULES=y\n# CONFIG_KPROBES is not set\n");
        Finding f = check(Mode.COMPILE_AND_RUN, true, "stap").get(0);
        assertTrue(f.reason().contains("no kprobes"), f.toString());
    }

    @Test
    void lockdownAndSignatureEnforcementNeedSignedModules() throws IOException {
        goodMachine();
        write("sys/kernel/security/lockdown", "none [integrity] confidentiality");
        Finding f = check(Mode.RUN_MODULE, true, "staprun").get(0);
        assertTrue(f.reason().contains("locked down (lockdown=integrity"), f.toString());
        assertTrue(f.fix().contains("mokutil"), f.toString());
        write("sys/kernel/security/lockdown", "[none] integrity confidentiality");
        write("sys/module/module/parameters/sig_enforce", "Y\n");
        assertTrue(check(Mode.RUN_MODULE, true, "staprun").get(0).reason().contains("only signed modules"));
    }

    @Test
    void missingHeadersNameThePackagePerDistribution() throws IOException {
        goodMachine();
        Files.delete(root.resolve("lib/modules/" + R + "/build"));
        Finding f = check(Mode.COMPILE_AND_RUN, true, "stap").get(0);
        assertEquals("no kernel headers for " + R + " (/lib/modules/" + R + "/build is missing)", f.reason());
        assertTrue(f.fix().contains("linux-headers-" + R) && f.fix().contains("kernel-devel-" + R), f.fix());
        assertEquals(List.of(), check(Mode.RUN_MODULE, true, "staprun"), "a prebuilt module needs no headers");
    }

    /** Debian 12 as shipped: systemtap 4.8's runtime against 6.1.1xx headers, where pass 4 fails. */
    @Test
    void theKnownRuntimeAndHeadersMismatchIsSaidBeforeAMinuteLongCompile() throws IOException {
        goodMachine();
        write("lib/modules/" + R + "/source/include/linux/task_work.h",
                "struct callback_head *task_work_cancel_func(struct task_struct *, task_work_func_t);\n");
        write("usr/share/systemtap/runtime/stp_task_work.c", "twork = task_work_cancel(task, func);\n");
        Finding f = check(Mode.COMPILE_AND_RUN, true, "stap").get(0);
        assertTrue(f.reason().contains("task_work_cancel_func"), f.reason());
        assertTrue(f.fix().contains("newer systemtap"), f.fix());
        assertEquals(List.of(), check(Mode.RUN_MODULE, true, "staprun"), "a module built elsewhere is fine");
        write("usr/share/systemtap/runtime/stp_task_work.c", "twork = task_work_cancel_func(task, func);\n");
        assertEquals(List.of(), check(Mode.COMPILE_AND_RUN, true, "stap"), "a patched or newer runtime");
    }

    @Test
    void notRootUnlessInStapdev() throws IOException {
        goodMachine();
        Finding f = check(Mode.COMPILE_AND_RUN, false, "stap").get(0);
        assertEquals("stap needs root to load its kernel module", f.reason());
        assertTrue(check(Mode.COMPILE_ONLY, false, "stap").isEmpty(), "compiling needs no root");
    }

    @Test
    void compileOnlyLooksAtTheTargetsHeadersNotThisKernel() throws IOException {
        List<Finding> f = new StapDiagnosis(root, "6.18.0", false, t -> Optional.of(Path.of(t)))
                .check(Mode.COMPILE_ONLY, R);
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).reason().contains(R));
    }

    @Test
    void aCompileFailureShowsTheCompilersFirstError() {
        Finding f = StapDiagnosis.compileFailure(List.of("Pass 3: translated to C",
                "/tmp/stapX/stap_src.c:2970:44: error: 'struct kretprobe_instance' has no member named 'rp'",
                "/tmp/stapX/stap_src.c:3001:1: error: something later"));
        assertTrue(f.reason().endsWith("error: 'struct kretprobe_instance' has no member named 'rp'"), f.reason());
        assertTrue(f.fix().contains("newer systemtap"), f.fix());
        assertTrue(StapDiagnosis.compileFailure(List.of("semantic error: no match")).fix().contains("debuginfo"));
        assertNull(StapDiagnosis.compileFailure(List.of("Pass 4: compiled C")));
    }
}
