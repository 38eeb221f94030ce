package sockwatch.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;

/** Turns the user's -o and --level words into table entries, or a one-line error naming the bad word. */
final class OptionNames {
    private OptionNames() {
    }

    static Set<SockOption> resolve(OptionTable table, List<String> names) {
        Set<SockOption> out = new LinkedHashSet<>();
        for (String name : names) {
            List<SockOption> found = table.byName(name.trim());
            if (found.isEmpty()) {
                throw new UserException(ExitCodes.USAGE, "unknown socket option '" + printable(name)
                        + "' (use names such as TCP_NODELAY, SO_KEEPALIVE, IP_TOS)");
            }
            out.addAll(found);
        }
        return out;
    }

    static Set<Integer> resolveLevels(OptionTable table, List<String> levels) {
        Set<Integer> out = new LinkedHashSet<>();
        for (String level : levels) {
            OptionalInt n = table.levelNumber(level.trim());
            // The hint lists levels.tsv's names, so a level added there is offered here too.
            if (n.isEmpty()) {
                throw new UserException(ExitCodes.USAGE, "unknown level '" + printable(level)
                        + "' (use a number or one of " + String.join(", ", table.levelNames()) + ")");
            }
            out.add(n.getAsInt());
        }
        return out;
    }

    private static String printable(String s) {
        return sockwatch.output.Printable.of(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
