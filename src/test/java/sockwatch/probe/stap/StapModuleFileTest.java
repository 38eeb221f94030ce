package sockwatch.probe.stap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sockwatch.probe.BackendUnavailableException;

/** A module's .modinfo tells its real name and its kernel; file names must make valid module names. */
class StapModuleFileTest {
    private static final String MODINFO = "\0\0license=GPL\0name=sockwatch\0vermagic=6.1.0-56-amd64 SMP preempt "
            + "mod_unload modversions \0\0";

    @TempDir
    Path dir;

    private Path ko(String file) throws IOException {
        return Files.write(dir.resolve(file), ("\u007fELF...." + MODINFO + "...").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsNameAndKernelFromModinfo() throws IOException {
        StapModuleFile m = StapModuleFile.read(ko("kf.ko"));
        assertEquals("sockwatch", m.name());
        assertEquals("6.1.0-56-amd64", m.kernelRelease());
    }

    @Test
    void moduleNamesAreIdentifiers() {
        assertEquals("sockwatch_6_1_0_56_amd64", StapModuleFile.moduleNameFor(Path.of("/x/sockwatch_6.1.0-56-amd64.ko")));
        assertEquals("sw_61", StapModuleFile.moduleNameFor(Path.of("61.ko")));
    }

    /** Refused with the fix before staprun's "Invalid module format". */
    @Test
    void aModuleForAnotherKernelIsRefusedWithTheFix() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/modules"), "");
        StapDiagnosis host = new StapDiagnosis(root, "6.18.0", true, t -> Optional.of(Path.of("/usr/bin", t)));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> new StapBackend(ko("kf.ko"), host).checkAvailable());
        assertTrue(e.getMessage().endsWith("was built for kernel 6.1.0-56-amd64, and this one is 6.18.0"), e.getMessage());
        assertEquals("build one for this kernel: sockwatch stap-compile --kernel 6.18.0", e.fix());
    }
}
