package sockwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import sockwatch.support.SockwatchRun;

/** `sockwatch snapshot` given bad input: one line, a documented exit code, nothing on stdout. */
class SnapshotCliTest {

    static List<Arguments> badInvocations() {
        return List.of(
                Arguments.of(List.of("snapshot"), "sockwatch: say which processes: -p PID, -c NAME or --all"),
                Arguments.of(List.of("snapshot", "-p", "999999999"), "sockwatch: no process with PID 999999999"),
                Arguments.of(List.of("snapshot", "-p", "0"), "sockwatch: PID must be a positive number, not 0"),
                Arguments.of(List.of("snapshot", "-p", "-7"), "sockwatch: PID must be a positive number, not -7"),
                Arguments.of(List.of("snapshot", "-p", "abc"), "sockwatch: Invalid value for option '--pid'"),
                Arguments.of(List.of("snapshot", "--all", "-p", "5"), "sockwatch: --all already means every process"),
                Arguments.of(List.of("snapshot", "-c", "no-such-prog-x"), "sockwatch: no process named 'no-such-prog-x'"),
                Arguments.of(List.of("snapshot", "-c", "bad\nname"), "sockwatch: no process named 'bad\\nname'"),
                Arguments.of(List.of("snapshot", "--frobnicate"), "sockwatch: Unknown option: '--frobnicate'"));
    }

    @ParameterizedTest
    @MethodSource("badInvocations")
    void oneLineErrorAndExit2(List<String> args, String firstLine) throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(60, args.toArray(String[]::new));
        assertEquals(2, r.exit(), r.stderr());
        String[] lines = r.stderr().split("\n");
        assertTrue(lines[0].startsWith(firstLine), r.stderr());
        assertTrue(lines.length <= 2, "at most the error and a --help hint: " + r.stderr());
        assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void helpEndsWithRealExamples() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(60, "snapshot", "--help");
        assertEquals(0, r.exit());
        String out = r.stdout();
        int examples = out.indexOf("Examples:");
        assertTrue(examples > 0 && out.indexOf("Exit status:") < examples, out);
        assertTrue(out.substring(examples).contains("sockwatch snapshot -p 1234 --changed"), out);
        assertTrue(out.stripTrailing().endsWith("jq '.options.SO_KEEPALIVE'"), out);
        SockwatchRun.Result top = SockwatchRun.run(60, "--help");
        assertTrue(top.stdout().contains("snapshot"), "listed as a subcommand: " + top.stdout());
    }
}
