package sockwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cgroup path shapes below are synthetic: made after the layouts the runtimes' and systemd's docs describe
 * (Docker's systemd and cgroupfs drivers, containerd's CRI plugin under Kubernetes, CRI-O, Podman, LXC,
 * systemd-nspawn, systemd's system and user slices), with made-up ids. None was recorded from a real container.
 */
class CgroupNamesTest {
    private static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "/system.slice/docker-" + ID + ".scope|docker|" + ID,
        "/docker/" + ID + "|docker|" + ID,
        "/docker/" + ID + "/inner|docker|" + ID,
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b3c4d_5e6f.slice/cri-containerd-" + ID
                + ".scope|containerd|" + ID,
        "/kubepods/burstable/pod1a2b3c4d-5e6f-7a8b-9c0d-112233445566/" + ID + "|kubernetes|" + ID,
        "/kubepods/pod1a2b3c4d-5e6f-7a8b-9c0d-112233445566/" + ID + "|kubernetes|" + ID,
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod99.slice/crio-" + ID + ".scope|cri-o|" + ID,
        "/machine.slice/libpod-" + ID + ".scope|podman|" + ID,
        "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID + ".scope/container|podman|" + ID,
        "/libpod_parent/libpod-" + ID + "|podman|" + ID,
        "/lxc.payload.web1|lxc|web1",
        "/machine.slice/machine-debian.scope/payload|nspawn|debian",
    })
    void containersAreToldByTheirRuntimesNames(String path, String runtime, String id) {
        assertEquals(new CgroupNames.Container(runtime, id), CgroupNames.container(path));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "/system.slice/nginx.service",
        "/user.slice/user-1000.slice/session-3.scope",
        "/machine.slice/libpod-conmon-" + ID + ".scope",      // conmon, Podman's monitor, not the container
        "/system.slice/docker-123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope",  // 63 digits
        "/system.slice/docker-" + ID + ".scopex",
        "/mydocker/" + ID,
        "/",
    })
    void otherPathsAreNoContainer(String path) {
        assertNull(CgroupNames.container(path));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "/system.slice/nginx.service|nginx.service",
        "/system.slice/ssh.service|ssh.service",
        "/system.slice/system-getty.slice/getty@tty1.service|getty@tty1.service",
        "/user.slice/user-1000.slice/session-3.scope|session-3.scope",
        "/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-4242.scope|app-gnome-firefox-4242.scope",
        "/user.slice/user-1000.slice/user@1000.service/init.scope|init.scope",
        "/init.scope|init.scope",
        "/system.slice/docker-" + ID + ".scope|docker-" + ID + ".scope",
        "/system.slice/postgresql@15-main.service/x|postgresql@15-main.service",
        "/system.slice|-",
        "/|-",
        "/docker/" + ID + "|-",              // cgroupfs layout: not systemd's
        "/mygroup/fake.service|-",           // a hand-made group named like a unit
        "system.slice/nginx.service|-",      // not absolute
    })
    void theUnitIsTheLastUnitNamedComponentOfSystemdsLayout(String path, String unit) {
        assertEquals(unit, CgroupNames.unit(path));
    }
}
