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
            // The hint lists levels.tsv's names, so a level added there is offered here too; a near miss first.
            if (n.isEmpty()) {
                List<String> close = closeTo(level.trim(), table.levelNames());
                throw new UserException(ExitCodes.USAGE, "unknown level '" + printable(level) + "' ("
                        + (close.isEmpty() ? "" : "did you mean " + String.join(" or ", close) + "? ")
                        + "use a number or one of " + String.join(", ", table.levelNames()) + ")");
            }
            out.add(n.getAsInt());
        }
        return out;
    }

    /** The names within two edits of the word (case and the "SOL_" prefix aside): a typo's likely meaning. */
    static List<String> closeTo(String word, java.util.Collection<String> names) {
        String w = bare(word);
        return names.stream().filter(n -> !w.isEmpty() && edits(w, bare(n)) <= Math.min(2, w.length() / 3)).toList();
    }

    private static String bare(String name) {
        String u = name.toUpperCase(java.util.Locale.ROOT);
        return u.startsWith("SOL_") ? u.substring(4) : u;
    }

    /** Levenshtein distance, with a swap of two neighbours counted as one edit (TPC for TCP). */
    private static int edits(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String printable(String s) {
        return sockwatch.output.Printable.of(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
