package sockwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sockwatch.support.SockwatchRun;

/** Bad input: one clear line on stderr, a documented exit code, never a stack trace, nothing started. */
class CliErrorsTest {

    static List<Arguments> badInvocations() {
        return List.of(
                Arguments.of(List.of("-o", "TCP_NODELAYY"), 2, "sockwatch: unknown socket option 'TCP_NODELAYY'"),
                Arguments.of(List.of("-o", "bad\nname"), 2, "sockwatch: unknown socket option 'bad\\nname'"),
                Arguments.of(List.of("--cgroup", "system.slice\u001b[31m", "--", "true"), 2,
                        "sockwatch: --cgroup wants an absolute cgroup path such as /system.slice/nginx.service, not"
                                + " 'system.slice\\x1b[31m'"),
                Arguments.of(List.of("--level", "SOL_BOGUS"), 2, "sockwatch: unknown level 'SOL_BOGUS'"),
                Arguments.of(List.of("-p", "999999999"), 2, "sockwatch: no process with PID 999999999"),
                Arguments.of(List.of("-p", "2"), 2, "sockwatch: PID 2 is a kernel thread (kthreadd)"),
                Arguments.of(List.of("-p", "abc"), 2, "sockwatch: Invalid value for option '--pid'"),
                Arguments.of(List.of("--duration", "-1"), 2, "sockwatch: --duration must be a positive number"),
                Arguments.of(List.of("--backend", "dtrace"), 2, "sockwatch: unknown backend 'dtrace'"),
                Arguments.of(List.of("--frobnicate"), 2, "sockwatch: Unknown option: '--frobnicate'"),
                Arguments.of(List.of("-p", "1", "--", "true"), 2, "sockwatch: give either -p PID or a COMMAND"),
                Arguments.of(List.of("--", "/nonexistent/prog"), 2,
                        "sockwatch: cannot launch '/nonexistent/prog': no such file"),
                Arguments.of(List.of("--", "no-such-command-sockwatch"), 2,
                        "sockwatch: cannot launch 'no-such-command-sockwatch': not found on PATH"),
                Arguments.of(List.of("self-check", "--backend", "dtrace"), 2, "sockwatch: unknown backend 'dtrace'"),
                Arguments.of(List.of("--backend", "strace"), 2,
                        "sockwatch: strace can only watch given processes (use -p PID or -- COMMAND"),
                Arguments.of(List.of("--backend", "strace", "-c", "nginx"), 2,
                        "sockwatch: strace can only watch given processes"),
                Arguments.of(List.of("--stap-module", "/nonexistent/x.ko"), 2,
                        "sockwatch: no module file /nonexistent/x.ko (build one with: sockwatch stap-compile"),
                Arguments.of(List.of("--backend", "bpftrace", "--stap-module", "/nonexistent/x.ko"), 2,
                        "sockwatch: --stap-module goes with --backend stap, not bpftrace"),
                Arguments.of(List.of("stap-compile", "--kernel", "6.1 ; rm -rf /"), 2,
                        "sockwatch: not a kernel release: '6.1 ; rm -rf /'"),
                Arguments.of(List.of("stap-compile", "--tap", "nope"), 2,
                        "sockwatch: unknown tap 'nope' (known: syscall, kfunc)"),
                Arguments.of(List.of("--output", "/nonexistent/dir/events", "--", "true"), 2,
                        "sockwatch: --output /nonexistent/dir/events: cannot write there: no such directory"),
                Arguments.of(List.of("--output", "/proc", "--", "true"), 2,
                        "sockwatch: --output /proc: cannot write there: Is a directory"),
                Arguments.of(List.of("snapshot", "--output", "/nonexistent/dir/s", "-p", "1"), 2,
                        "sockwatch: --output /nonexistent/dir/s: cannot write there: no such directory"));
    }

    @ParameterizedTest
    @MethodSource("badInvocations")
    void oneLineErrorAndExitCode(List<String> args, int exit, String firstLine) throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(60, args.toArray(String[]::new));
        assertEquals(exit, r.exit(), r.stderr());
        String[] lines = r.stderr().split("\n");
        assertTrue(lines[0].startsWith(firstLine), r.stderr());
        assertTrue(lines.length <= 2, "at most the error and a --help hint: " + r.stderr());
        assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), r.stderr());
        assertEquals("", r.stdout());
    }

    /** A bad setting in the environment is refused in one line before anything starts, never replaced. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"SOCKWATCH_BPFTRACE_STOP_SECONDS",
            "SOCKWATCH_BPFTRACE_ARM_SECONDS", "SOCKWATCH_BPFTRACE_MAP_KEYS"})
    void aBadSettingIsOneLineAndExit2(String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(SockwatchRun.javaCommand("sockwatch.cli.Main", "--duration", "1"));
        pb.environment().put(name, "abc");
        SockwatchRun.Result r = SockwatchRun.finish(pb.start(), 60);
        assertEquals(2, r.exit(), r.stderr());
        assertTrue(r.stderr().matches("sockwatch: " + name + " must be a whole number from 1 to \\d+ \\(unset it"
                + " for the default, \\d+\\)\n"), r.stderr());
        assertEquals("", r.stdout());
    }

    @ParameterizedTest
    @MethodSource("helpInvocations")
    void helpEndsWithRealExamples(List<String> args, String example) throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(60, args.toArray(String[]::new));
        assertEquals(0, r.exit());
        assertTrue(r.stdout().contains("Examples:"), r.stdout());
        assertTrue(r.stdout().contains(example), r.stdout());
    }

    static List<Arguments> helpInvocations() {
        return List.of(Arguments.of(List.of("--help"), "sockwatch -p 1234"),
                Arguments.of(List.of("self-check", "--help"), "sockwatch self-check --jython"),
                Arguments.of(List.of("stap-compile", "--help"), "sockwatch stap-compile --kernel 6.1.0-56-amd64"));
    }
}
