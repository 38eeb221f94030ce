package sockwatch.decode;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a cgroup v2 path says about its process: the container it runs in (from the names runtimes give their
 * cgroups, cgroup.tsv) and the systemd unit it belongs to. Only what the path's names show; a path no rule knows
 * gives null, never a guess.
 */
public final class CgroupNames {

    /** A container: which runtime named the cgroup, and the id (or name) it gave it. */
    public record Container(String runtime, String id) {
    }

    private record Rule(String runtime, Pattern pattern) {
    }

    private static final List<Rule> RULES = TsvReader.read("cgroup.tsv").stream().map(r -> {
        if (r.fields().length != 2) {
            throw r.bad("expected runtime<TAB>pattern");
        }
        try {
            return new Rule(r.field(0), Pattern.compile(r.field(1)));
        } catch (PatternSyntaxException e) {
            throw r.bad("bad pattern: " + e.getDescription());
        }
    }).toList();

    /** The suffixes of systemd units that hold processes (systemd.unit(5): services, scopes, sockets' helpers). */
    private static final Pattern UNIT = Pattern.compile("[^/]+\\.(?:service|scope|socket|mount|swap)");

    private CgroupNames() {
    }

    /** The container whose cgroup this path is or is under, or null. */
    public static Container container(String path) {
        if (path == null) {
            return null;
        }
        for (Rule rule : RULES) {
            Matcher m = rule.pattern.matcher(path);
            if (m.find()) {
                return new Container(rule.runtime, m.group(1));
            }
        }
        return null;
    }

    /**
     * The systemd unit: the last unit-named component of a path systemd lays out (its first component a slice,
     * or init.scope): /system.slice/nginx.service gives nginx.service, /user.slice/user-1000.slice/
     * user@1000.service/app.slice/app-x.scope gives app-x.scope. Other layouts (cgroupfs drivers, hand-made
     * groups) give null, even when a component happens to end in ".service".
     */
    public static String unit(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/");
        if (parts.length == 0 || !(parts[0].endsWith(".slice") || parts[0].equals("init.scope"))) {
            return null;
        }
        for (int i = parts.length - 1; i >= 0; i--) {
            if (UNIT.matcher(parts[i]).matches()) {
                return parts[i];
            }
        }
        return null;
    }
}
