package sockwatch.peer;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One setsockopt line of `strace -f -o FILE` (strace 6.1): {@code PID setsockopt(FD, LEVEL, OPTNAME, VALUE, OPTLEN)
 * = RET [ERRNO (text)]}. LEVEL and OPTNAME are names, or numbers where strace knows none ({@code 0x42 /* IP_??? *}{@code /}).
 */
record StraceCall(int pid, int fd, String level, String option, String value, int optlen, long ret, String errno) {
    private static final Pattern LINE = Pattern.compile(
            "^(\\d+) +setsockopt\\((-?\\d+), ([^,]+), ([^,]+), (.*), (-?\\d+)\\) += (-?\\d+)(?: (E[A-Z0-9]+) \\(.*\\))?$");

    static Optional<StraceCall> parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new StraceCall(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3).strip(), m.group(4).strip(), m.group(5), Integer.parseInt(m.group(6)),
                Long.parseLong(m.group(7)), m.group(8)));
    }

    /** A name strace knows, or empty when it printed a number (with or without its "???" comment). */
    static Optional<String> name(String token) {
        return token.matches("[A-Z][A-Z0-9_]*") ? Optional.of(token) : Optional.empty();
    }
}
