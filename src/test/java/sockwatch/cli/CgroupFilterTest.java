package sockwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.sys.ProcessIdentity;

class CgroupFilterTest {
    private static ProcessIdentity in(String cgroup) {
        return new ProcessIdentity(1, 1, List.of("x"), false, cgroup, 1, null, null, false, false);
    }

    @Test
    void matchesThePathAndWhatIsUnderItByWholeComponents() {
        CgroupFilter f = CgroupFilter.parse(List.of("/system.slice/nginx.service/"));
        assertEquals(List.of("/system.slice/nginx.service"), f.prefixes());
        assertTrue(f.test(in("/system.slice/nginx.service")));
        assertTrue(f.test(in("/system.slice/nginx.service/worker")));
        assertFalse(f.test(in("/system.slice/nginx.service2")));
        assertFalse(f.test(in("/system.slice")));
        assertFalse(f.test(ProcessIdentity.unknown(1)));   // gone before it was read: not known to be in it
        assertFalse(f.test(null));
    }

    @Test
    void theMountPointMayBeGivenAndTheRootMatchesEveryKnownCgroup() {
        assertEquals(List.of("/a/b"), CgroupFilter.parse(List.of("/sys/fs/cgroup/a/b"), List.of("/sys/fs/cgroup"))
                .prefixes());
        List<String> hybrid = List.of("/sys/fs/cgroup/unified");
        assertEquals(List.of("/a"), CgroupFilter.parse(List.of("/sys/fs/cgroup/unified/a"), hybrid).prefixes());
        assertEquals(List.of("/sys/fs/cgroup/a"), CgroupFilter.parse(List.of("/sys/fs/cgroup/a"), hybrid).prefixes());
        assertEquals(List.of(""), CgroupFilter.parse(List.of("/sys/fs/cgroup/unified/"), hybrid).prefixes());
        assertTrue(CgroupFilter.cgroup2Mounts().get(0).startsWith("/"));
        CgroupFilter root = CgroupFilter.parse(List.of("/"));
        assertTrue(root.test(in("/")));
        assertTrue(root.test(in("/user.slice")));
        CgroupFilter two = CgroupFilter.parse(List.of("/a", "/b"));
        assertTrue(two.test(in("/b/c")));
        assertFalse(two.test(in("/c")));
        assertTrue(CgroupFilter.ANY.test(null));
    }

    @Test
    void aRelativePathIsAUsageError() {
        UserException e = assertThrows(UserException.class, () -> CgroupFilter.parse(List.of("system.slice")));
        assertTrue(e.getMessage().startsWith("--cgroup wants an absolute cgroup path"), e.getMessage());
    }
}
