package sockwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import sockwatch.support.SockwatchRun;

/** Help that reads and pastes well: one width for every command, a synopsis without a phantom COMMAND. */
class CliHelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "setup", "self-check", "snapshot", "doctor", "stap-compile"})
    void everyCommandsHelpIsAsWideAsTheMainOne(String sub) throws Exception {
        SockwatchRun.Result r = sub.isEmpty() ? SockwatchRun.run(60, "--help") : SockwatchRun.run(60, sub, "--help");
        assertEquals(0, r.exit(), r.stderr());
        List<String> lines = r.stdout().lines().toList();
        assertTrue(lines.stream().allMatch(l -> l.length() <= 110), r.stdout());
        assertTrue(lines.stream().anyMatch(l -> l.length() > 80), "not wrapped at 80 columns:\n" + r.stdout());
    }

    @Test
    void theSynopsisNamesTheSubcommandsNotASecondCommand() throws Exception {
        String help = SockwatchRun.run(60, "--help").stdout();
        assertFalse(help.contains("[COMMAND...] [COMMAND]"), help);
        assertTrue(help.contains("[COMMAND...] | setup | self-check | snapshot | doctor | stap-compile"), help);
    }

    @Test
    void aSubcommandsUsageErrorPointsAtItsOwnHelp() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(60, "self-check", "--bogus");
        assertEquals(2, r.exit());
        assertEquals(List.of("sockwatch: Unknown option: '--bogus'", "Try 'sockwatch self-check --help'."),
                r.stderr().lines().toList());
    }

    /** --level takes any known level, not only the five IP-family ones an older help named. */
    @Test
    void levelHelpSaysWhatItTakes() throws Exception {
        String help = SockwatchRun.run(60, "--help").stdout().replaceAll("\\s+", " ");
        assertTrue(help.contains("--level=LEVEL only this level: a SOL_* name (SOL_TCP, or tcp, or IPPROTO_TCP; any case)"
                + " or a number (repeatable). An unknown name's error lists the known ones"), help);
    }

    @Test
    void selfCheckSaysAllItsBackendsAndExitCodes() throws Exception {
        String help = SockwatchRun.run(60, "self-check", "--help").stdout();
        assertTrue(help.contains("auto (default), stap, bpftrace, strace"), help);
        assertTrue(help.contains("  2   usage error"), help);
    }
}
