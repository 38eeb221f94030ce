package sockwatch.probe.stap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;
import sockwatch.decode.ValueType;
import sockwatch.probe.TraceRequest;

/** The taps as shipped: their shared part agrees, their name table agrees with ours, filters are numbers only. */
class StapTapsTest {
    private static final String SHARED = "// ==== shared part";

    @Test
    void bothTapsShareTheSameTablesFiltersAndOutput() {
        String syscall = StapTap.SYSCALL.source();
        String kfunc = StapTap.KFUNC.source();
        assertTrue(syscall.contains(SHARED) && kfunc.contains(SHARED));
        assertEquals(syscall.substring(syscall.indexOf(SHARED)), kfunc.substring(kfunc.indexOf(SHARED)),
                "edit the shared part of stap/sockwatch.stp and stap/sockwatch-kfunc.stp together");
    }

    /** The tap names options itself (readable mode): every name must be the one our tables give that pair. */
    @Test
    void theTapsNameTableIsLevelCorrect() {
        OptionTable table = OptionTable.standard();
        Map<String, List<ValueType>> kinds = Map.of("bool", List.of(ValueType.BOOL),
                "int", List.of(ValueType.INT, ValueType.UINT, ValueType.TOS, ValueType.PORT_RANGE), "string", List.of(ValueType.STRING),
                "linger", List.of(ValueType.LINGER), "timeval", List.of(ValueType.TIMEVAL, ValueType.TIMEVAL_OLD));
        Matcher m = Pattern.compile("opt\\((\\d+), (\\d+), \"(\\w+)\", \"(\\w+)\"\\)").matcher(StapTap.SYSCALL.source());
        int n = 0;
        while (m.find()) {
            int level = Integer.parseInt(m.group(1));
            int optname = Integer.parseInt(m.group(2));
            SockOption o = table.find(level, optname).orElseThrow(() -> new AssertionError(m.group()));
            assertEquals(o.name(), m.group(3), m.group());
            assertTrue(kinds.get(m.group(4)).contains(o.type()), m.group() + " vs " + o.type());
            n++;
        }
        assertTrue(n > 40, "found the table: " + n);
        assertTrue(StapTap.SYSCALL.source().contains("opt(0, 1, \"IP_TOS\""), "IP_TOS is SOL_IP's 1");
    }

    @Test
    void filtersReachTheTapAsNumbersOnly() {
        List<String> run = StapCommands.run(Path.of("/usr/bin/stap"), Path.of("/tmp/t/sockwatch.stp"),
                TraceRequest.launched(4242));
        assertEquals(List.of("/usr/bin/stap", "-v", "-G", "machine=1", "-G", "root_pid=4242", "-G", "follow=1",
                "/tmp/t/sockwatch.stp"), run);
        assertEquals(List.of("/usr/sbin/staprun", "-R", "/x/sockwatch.ko", "machine=1", "root_pid=0", "follow=0"),
                StapCommands.runModule(Path.of("/usr/sbin/staprun"), Path.of("/x/sockwatch.ko"),
                        new TraceRequest(List.of(1, 2), false)));
        assertEquals(List.of("/usr/bin/stap", "-v", "-p4", "-r", "6.1.0-56-amd64", "-m", "sockwatch", "t.stp"),
                StapCommands.compile(Path.of("/usr/bin/stap"), "6.1.0-56-amd64", "sockwatch", Path.of("t.stp")));
    }
}
