package sockwatch.snapshot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;

/**
 * Which options to read from which kind of socket, and the rule for calling a value changed. The list is data
 * (sockwatch/snapshot/options.tsv, which documents the rules); names are resolved through the trace path's
 * {@link OptionTable}, so both paths name and decode options the same way.
 */
public final class OptionPlan {

    /** How a value is judged against a fresh socket's; see options.tsv. */
    public enum Rule {
        EXACT, BUFFER, UNCONNECTED, AUTO
    }

    /** One line of options.tsv. lockBit is the SO_BUF_LOCK bit for BUFFER, else 0. */
    public record Planned(String family, String proto, SockOption option, Rule rule, int lockBit) {
        boolean appliesTo(SocketKind kind) {
            boolean fam = switch (family) {
                case "any" -> true;
                case "ip" -> kind.ip();
                default -> family.equals(kind.familyName());
            };
            return fam && (proto.equals("any") || proto.equals(kind.protoName()));
        }
    }

    private static final String RESOURCE = "options.tsv";
    private static final Set<String> FAMILIES = Set.of("any", "ip", "inet", "inet6", "unix", "netlink", "packet");

    private final List<Planned> all;
    private final Map<SocketKind, List<Planned>> byKind = new ConcurrentHashMap<>();

    private OptionPlan(List<Planned> all) {
        this.all = List.copyOf(all);
    }

    public static OptionPlan standard() {
        return load(OptionPlan.class.getResourceAsStream(RESOURCE), RESOURCE, OptionTable.standard());
    }

    public List<Planned> all() {
        return all;
    }

    /** The options to read from a socket of this kind, in file order. */
    public List<Planned> forKind(SocketKind kind) {
        return byKind.computeIfAbsent(kind, k -> all.stream().filter(p -> p.appliesTo(k)).toList());
    }

    static OptionPlan load(InputStream in, String name, OptionTable table) {
        if (in == null) {
            throw new IllegalStateException("missing resource sockwatch/snapshot/" + name);
        }
        List<Planned> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                out.add(parse(line.strip().split("\t"), table, name + ":" + lineNo + ": "));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new OptionPlan(out);
    }

    private static Planned parse(String[] f, OptionTable table, String where) {
        if (f.length != 4) {
            throw new IllegalStateException(where + "want 4 tab-separated columns, got " + f.length);
        }
        String[] scope = f[0].split("/");
        if (scope.length != 2 || !FAMILIES.contains(scope[0])) {
            throw new IllegalStateException(where + "bad scope '" + f[0] + "'");
        }
        int level = table.levelNumber(f[1]).orElseThrow(() -> new IllegalStateException(where + "unknown level " + f[1]));
        SockOption option = table.byName(f[2]).stream().filter(o -> o.level() == level).findFirst()
                .orElseThrow(() -> new IllegalStateException(where + "no option " + f[2] + " at " + f[1]));
        if (SockoptReader.forbidden(option)) {
            throw new IllegalStateException(where + option.name() + " has side effects when read: never list it");
        }
        Rule rule;
        int bit = 0;
        if (f[3].startsWith("buffer:")) {
            rule = Rule.BUFFER;
            bit = Integer.parseInt(f[3].substring(7));
        } else {
            try {
                rule = Rule.valueOf(f[3].toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(where + "unknown rule '" + f[3] + "'");
            }
            if (rule == Rule.BUFFER) {
                throw new IllegalStateException(where + "buffer needs its SO_BUF_LOCK bit: buffer:1 or buffer:2");
            }
        }
        return new Planned(scope[0], scope[1], option, rule, bit);
    }
}
