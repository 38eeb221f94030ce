package sockwatch.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sockwatch.snapshot.SocketFds.SocketFd;

/** The /proc parsing behind snapshot: fd links, stat lines, cgroup files; and the permission hints. */
class SnapshotParsingTest {
    @TempDir
    Path tmp;

    @Test
    void socketLinksGiveTheirInode() {
        assertEquals(OptionalLong.of(12345), SocketFds.socketInode("socket:[12345]"));
        assertEquals(OptionalLong.of(4026531993L), SocketFds.socketInode("socket:[4026531993]"));
        for (String notSocket : List.of("pipe:[123]", "/dev/null", "anon_inode:[eventpoll]", "socket:[]",
                "socket:[12a]", "socket:[-1]", "socket:123", "socket:[123", "/tmp/socket:[123]",
                "socket:[99999999999999999999999]")) {
            assertEquals(OptionalLong.empty(), SocketFds.socketInode(notSocket), notSocket);
        }
    }

    @Test
    void listingKeepsOnlySocketsInFdOrder() throws Exception {
        Path fd = Files.createDirectories(tmp.resolve("4242/fd"));
        Files.createSymbolicLink(fd.resolve("10"), Path.of("socket:[777]"));
        Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[555]"));
        Files.createSymbolicLink(fd.resolve("0"), Path.of("anon_inode:[eventfd]"));
        Files.createSymbolicLink(fd.resolve("4"), Path.of("pipe:[9]"));
        Files.createSymbolicLink(fd.resolve("not-a-number"), Path.of("socket:[1]"));
        assertEquals(List.of(new SocketFd(3, 555), new SocketFd(10, 777)), SocketFds.list(tmp.resolve("4242")));
    }

    @Test
    void aMissingProcessDirectoryMeansGone() {
        SnapshotException e = assertThrows(SnapshotException.class, () -> SocketFds.list(tmp.resolve("31337")));
        assertEquals(SnapshotException.Kind.GONE, e.kind());
        assertEquals("no process with PID 31337", e.getMessage());
    }

    @Test
    void statIsParsedFromTheLastParenthesis() {
        String hostile = "4242 (a) R 1 (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 5";
        assertEquals(Optional.of(new ProcStat('S', 4194560L)), ProcStat.parse(hostile));
        ProcStat kthread = ProcStat.parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 6").get();
        assertTrue(kthread.kernelThread());
        assertFalse(kthread.stopped());
        assertTrue(ProcStat.parse("7 (x) T 1 7 7 0 -1 4194304 0").get().stopped());
        assertTrue(ProcStat.parse("7 (x) t 1 7 7 0 -1 4194304 0").get().stopped());
        assertFalse(ProcStat.parse("7 (x) S 1 7 7 0 -1 4194304 0").get().kernelThread());
        assertEquals(Optional.empty(), ProcStat.parse("garbage"));
        assertEquals(Optional.empty(), ProcStat.parse("7 (x) S 1 2"));
    }

    @Test
    void ourOwnProcessIsReadable() {
        long self = ProcessHandle.current().pid();
        ProcStat st = ProcStat.read(self).orElseThrow();
        assertFalse(st.kernelThread());
        assertEquals(Optional.of(self), ProcStat.tgid(self));
    }

    @Test
    void commNamesAreComparedAsTheKernelKeepsThem() {
        assertArrayEquals("abcdefghijklmno".getBytes(), Targets.commBytes("abcdefghijklmnopqrst"));
        assertArrayEquals("nginx".getBytes(), Targets.commBytes("nginx"));
        assertFalse(Targets.userProcesses().contains(ProcessHandle.current().pid()), "never ourselves");
    }

    @Test
    void netClsCgroupsThatDifferAreACauseToRefuse() {
        String self = "12:net_cls,net_prio:/\n11:memory:/user.slice\n0::/user.slice\n";
        String same = "12:net_cls,net_prio:/\n11:memory:/system.slice/nginx.service\n0::/system.slice\n";
        String other = "12:net_cls,net_prio:/docker/abc\n11:memory:/docker/abc\n0::/\n";
        assertEquals(Optional.empty(), CgroupGuard.conflict(self, same));
        String why = CgroupGuard.conflict(self, other).orElseThrow();
        assertTrue(why.contains("net_cls,net_prio cgroup /docker/abc") && why.contains("cgexec"), why);
        assertTrue(CgroupGuard.conflict(self, null).isPresent(), "unreadable target where net_cls is used");
        String v2Only = "0::/user.slice/session-1.scope\n";
        assertEquals(Optional.empty(), CgroupGuard.conflict(v2Only, "0::/system.slice/other\n"));
        assertEquals(Optional.empty(), CgroupGuard.conflict(v2Only, null));
    }

    @Test
    void permissionHintsSayWhatIsMissing() {
        assertEquals("run it as root (or with CAP_SYS_PTRACE)", SnapshotException.ptraceHint(false, OptionalInt.empty()));
        assertEquals("run it as root (or with CAP_SYS_PTRACE); kernel.yama.ptrace_scope=1 also forbids it to"
                + " ordinary users", SnapshotException.ptraceHint(false, OptionalInt.of(1)));
        assertTrue(SnapshotException.ptraceHint(true, OptionalInt.of(3)).startsWith("kernel.yama.ptrace_scope=3"));
        assertTrue(SnapshotException.ptraceHint(true, OptionalInt.of(1)).startsWith("root was refused"));
    }

    @Test
    void tooOldKernelsAreToldTheVersionNeeded() {
        SnapshotException e = SnapshotException.tooOld("pidfd_getfd", "ENOSYS");
        assertEquals(SnapshotException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().endsWith("has no pidfd_getfd (ENOSYS): sockwatch snapshot needs Linux >= 5.6"),
                e.getMessage());
    }
}
