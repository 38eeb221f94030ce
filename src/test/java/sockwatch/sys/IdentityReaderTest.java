package sockwatch.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sockwatch.decode.CgroupNames;

/**
 * IdentityReader on a made-up /proc in a temporary directory (the files as the kernel lays them out, contents
 * synthetic), and once on the real /proc for sockwatch's own process.
 */
class IdentityReaderTest {
    @TempDir
    Path proc;

    /** stat with start time 4242 (field 22) and a comm holding ") (" as a hostile one may. */
    private static final String STAT = "77 (a) (b) S 1 77 77 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 4242 1000 10"
            + " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

    private Path process(String name, byte[] cmdline, String cgroup, long netns) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(name));
        Files.writeString(dir.resolve("stat"), STAT);
        Files.write(dir.resolve("cmdline"), cmdline);
        Files.writeString(dir.resolve("cgroup"), cgroup);
        Files.createDirectories(dir.resolve("ns"));
        Files.createSymbolicLink(dir.resolve("ns/net"), Path.of("net:[" + netns + "]"));
        return dir;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsArgvCgroupNamespaceAndWhatThePathTells() throws Exception {
        String id = "ab".repeat(32);
        process("self", bytes("java\0-jar\0x.jar\0"), "0::/user.slice/user-0.slice/session-1.scope\n", 4026531840L);
        process("77", bytes("nginx: worker process\0\0\0\0"), "0::/system.slice/docker-" + id + ".scope\n",
                4026532337L);
        IdentityReader reader = new IdentityReader(proc);
        assertEquals(4242, reader.startTime(77));
        ProcessIdentity p = reader.read(77, 4242);
        assertEquals(List.of("nginx: worker process"), p.args());   // the title's NUL padding dropped
        assertEquals("nginx: worker process", p.title());
        assertEquals("/system.slice/docker-" + id + ".scope", p.cgroup());
        assertEquals(4026532337L, p.netns());
        assertEquals(new CgroupNames.Container("docker", id), p.container());
        assertEquals("docker-" + id + ".scope", p.unit());
        assertTrue(p.otherNetns());
        assertTrue(p.otherUnit());
        assertFalse(p.argsTruncated());
    }

    @Test
    void sockwatchsOwnNamespaceAndUnitAreNotMarked() throws Exception {
        process("self", bytes("java\0"), "0::/system.slice/ssh.service\n", 4026531840L);
        process("77", bytes("curl\0-s\0\0http://x/\0"), "0::/system.slice/ssh.service\n", 4026531840L);
        ProcessIdentity p = new IdentityReader(proc).read(77, 4242);
        assertEquals(List.of("curl", "-s", "", "http://x/"), p.args());   // an empty argument in between is kept
        assertFalse(p.otherNetns());
        assertFalse(p.otherUnit());
        assertNull(p.container());
    }

    @Test
    void hostileArgvIsEscapedLikeCommAndCut() throws Exception {
        byte[] big = new byte[IdentityReader.CMDLINE_MAX + 100];
        Arrays.fill(big, (byte) 'a');
        process("self", bytes("x\0"), "0::/\n", 1);
        process("77", bytes("evil\n\u001b[31m\0a\\b\0\u00ff\0"), "0::/a\nb\n1:name=systemd:/x\n", 2);
        Path other = proc.resolve("78");
        Files.createDirectories(other);
        Files.writeString(other.resolve("stat"), STAT);
        Files.write(other.resolve("cmdline"), big);
        IdentityReader reader = new IdentityReader(proc);
        ProcessIdentity p = reader.read(77, 4242);
        assertEquals(List.of("evil\\n\\x1b[31m", "a\\\\b", "\\xff"), p.args());
        assertEquals("/a", p.cgroup());   // the first "0::" line, up to its newline
        ProcessIdentity cut = reader.read(78, 4242);
        assertTrue(cut.argsTruncated());
        assertEquals(IdentityReader.CMDLINE_MAX, cut.title().length());
        assertNull(cut.cgroup());   // no cgroup file: unknown, not an error
        assertEquals(0, cut.netns());
    }

    @Test
    void aProcessGoneOrReplacedWhileReadIsUnknown() throws Exception {
        process("self", bytes("x\0"), "0::/\n", 1);
        process("77", bytes("a\0"), "0::/\n", 2);
        IdentityReader reader = new IdentityReader(proc);
        assertFalse(reader.read(77, 999).known());   // its start time is 4242 now: another process
        assertFalse(reader.read(88, 4242).known());  // no such process
        assertEquals(-1, reader.startTime(88));
    }

    @Test
    void kernelThreadsHaveAnEmptyArgv() throws Exception {
        process("self", bytes("x\0"), "0::/\n", 1);
        process("2", new byte[0], "0::/\n", 1);
        assertEquals(List.of(), new IdentityReader(proc).read(2, 4242).args());
    }

    @Test
    void startTimeIsField22CountedFromTheLastParenthesis() {
        assertEquals(4242, IdentityReader.parseStartTime(STAT));
        assertEquals(-1, IdentityReader.parseStartTime("1 (x) S 1"));
        assertEquals(-1, IdentityReader.parseStartTime("garbage"));
    }

    @Test
    void readsThisProcessOnTheRealProc() {
        IdentityReader reader = new IdentityReader();
        int self = (int) ProcessHandle.current().pid();
        ProcessIdentity me = reader.read(self, reader.startTime(self));
        assertTrue(me.known());
        assertTrue(me.args().get(0).endsWith("java"), me.args().toString());
        assertTrue(me.cgroup().startsWith("/"), me.cgroup());
        assertTrue(me.netns() > 0);
        assertFalse(me.otherNetns());
        assertFalse(me.otherUnit());
    }
}
