package sockwatch.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What setup installs, and with which command. The os-release texts are those of the distributions' own images
 * (Debian 12's read here from this machine's /etc/os-release; Ubuntu, Fedora, Rocky and openSUSE as their
 * os-release files ship them, shortened to the keys setup reads).
 */
class SetupPlanTest {

    private static SetupPlan.Facts facts(boolean btf, Boolean tracepoints, boolean bpftrace, boolean strace) {
        return new SetupPlan.Facts(btf, tracepoints, bpftrace, strace, false, false);
    }

    @Test
    void aFreshServerGetsBpftraceAndStrace() {
        SetupPlan p = SetupPlan.of(facts(true, true, false, false));
        assertEquals(List.of("bpftrace", "strace"), p.packages());
    }

    @Test
    void nothingWhenBothAreThere() {
        assertEquals(List.of(), SetupPlan.of(facts(true, true, true, true)).packages());
    }

    @Test
    void aKernelWithoutBtfGetsOnlyStraceAndSaysWhy() {
        SetupPlan p = SetupPlan.of(facts(false, true, false, false));
        assertEquals(List.of("strace"), p.packages());
        assertTrue(p.notes().get(0).contains("no BTF (/sys/kernel/btf/vmlinux)"), p.notes().toString());
    }

    @Test
    void aKernelWithoutTheTracepointsGetsOnlyStrace() {
        SetupPlan p = SetupPlan.of(facts(true, false, false, true));
        assertEquals(List.of(), p.packages());
        assertTrue(p.notes().get(0).contains("CONFIG_FTRACE_SYSCALLS"), p.notes().toString());
    }

    @Test
    void unknownTracepointsStillInstallBpftrace() {   // tracefs could not be mounted: doctor will say so
        assertEquals(List.of("bpftrace"), SetupPlan.of(facts(true, null, false, true)).packages());
    }

    @Test
    void systemtapIsOnlyExplained() {
        SetupPlan withModules = SetupPlan.of(new SetupPlan.Facts(true, true, true, true, false, true));
        assertEquals(List.of(), withModules.packages());
        assertTrue(withModules.notes().get(0).contains("install systemtap and this kernel's headers yourself"));
        SetupPlan without = SetupPlan.of(new SetupPlan.Facts(true, true, true, true, false, false));
        assertTrue(without.notes().get(0).contains("cannot load modules"));
    }

    @Test
    void thePackageManagerFollowsTheDistribution() {
        Set<String> all = Set.of("apt-get", "dnf", "zypper");
        OsRelease debian = OsRelease.parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
                + "VERSION_ID=\"12\"\nID=debian\n");
        OsRelease ubuntu = OsRelease.parse("PRETTY_NAME=\"Ubuntu 24.04 LTS\"\nID=ubuntu\nID_LIKE=debian\n");
        OsRelease fedora = OsRelease.parse("NAME=\"Fedora Linux\"\nID=fedora\nPRETTY_NAME=\"Fedora Linux 40\"\n");
        OsRelease rocky = OsRelease.parse("NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n");
        OsRelease suse = OsRelease.parse("NAME=\"openSUSE Leap\"\nID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\n");
        assertEquals("Debian GNU/Linux 12 (bookworm)", debian.prettyName());
        assertEquals(Optional.of(PackageManager.APT), PackageManager.detect(debian, all::contains));
        assertEquals(Optional.of(PackageManager.APT), PackageManager.detect(ubuntu, all::contains));
        assertEquals(Optional.of(PackageManager.DNF), PackageManager.detect(fedora, all::contains));
        assertEquals(Optional.of(PackageManager.DNF), PackageManager.detect(rocky, all::contains));
        assertEquals(Optional.of(PackageManager.ZYPPER), PackageManager.detect(suse, all::contains));
        // a distribution none of the families names: whichever manager is installed
        OsRelease other = OsRelease.parse("ID=mystery\n");
        assertEquals(Optional.of(PackageManager.DNF), PackageManager.detect(other, Set.of("dnf")::contains));
        assertEquals(Optional.empty(), PackageManager.detect(other, Set.<String>of()::contains));
        // the family's manager must be installed to be picked
        assertEquals(Optional.empty(), PackageManager.detect(debian, Set.<String>of()::contains));
    }

    @Test
    void theCommandsInstallWithoutAsking() {
        List<String> p = List.of("bpftrace", "strace");
        assertEquals(List.of("apt-get", "install", "-y", "bpftrace", "strace"), PackageManager.APT.install(p));
        assertEquals(Optional.of(List.of("apt-get", "update")), PackageManager.APT.refresh());
        assertEquals("noninteractive", PackageManager.APT.environment().get("DEBIAN_FRONTEND"));
        assertEquals(List.of("dnf", "install", "-y", "bpftrace", "strace"), PackageManager.DNF.install(p));
        assertEquals(List.of("zypper", "--non-interactive", "install", "bpftrace", "strace"),
                PackageManager.ZYPPER.install(p));
        assertEquals(Optional.empty(), PackageManager.ZYPPER.refresh());
    }

    @Test
    void thisMachinesOsReleaseReads() {
        OsRelease os = OsRelease.read();
        assertTrue(!os.id().isEmpty(), os.toString());
    }
}
