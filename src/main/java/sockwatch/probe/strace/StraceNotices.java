package sockwatch.probe.strace;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * strace's own messages on its stderr (the trace itself goes to stdout through -o). "Process N attached" is
 * printed once strace has seized every thread of N and asked each to stop (PTRACE_SEIZE + PTRACE_INTERRUPT), so
 * from then on N cannot run a syscall strace does not see; with -f it is printed for each new child or thread too.
 */
final class StraceNotices {
    /** strace starts its messages with its argv[0], the full path we ran it by. */
    private static final String STRACE = "(?:\\S*/)?strace: ";
    private static final Pattern ATTACHED = Pattern.compile(STRACE + "Process (\\d+) attached(?: with \\d+ threads)?");
    private static final Pattern ATTACH_FAILED =
            Pattern.compile(STRACE + "attach: ptrace\\(PTRACE_\\w+, (\\d+)\\): .*");
    /** Routine chatter, not a reason for failing: attach/detach notices and harmless read/attach-race notes. */
    private static final Pattern CHATTER = Pattern.compile(STRACE
            + "(Process \\d+ (attached|detached).*|pid \\d+: entering, ptrace_syscall_info.*|umoven: short read.*)");

    private StraceNotices() {
    }

    /** The task strace just attached to, if this line says so. */
    static OptionalInt attached(String line) {
        Matcher m = ATTACHED.matcher(line);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** The process strace could not attach to (gone, already traced, not permitted), if this line says so. */
    static OptionalInt attachFailed(String line) {
        Matcher m = ATTACH_FAILED.matcher(line);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** True for lines that say nothing about why strace failed. */
    static boolean isChatter(String line) {
        return line.isBlank() || CHATTER.matcher(line).matches();
    }
}
