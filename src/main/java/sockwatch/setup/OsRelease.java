package sockwatch.setup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** /etc/os-release (os-release(5)): which distribution this is, to pick its package manager. */
public record OsRelease(String id, List<String> idLike, String prettyName) {

    public static OsRelease read() {
        for (Path p : List.of(Path.of("/etc/os-release"), Path.of("/usr/lib/os-release"))) {
            try {
                return parse(Files.readString(p));
            } catch (IOException e) {
                // the other one, as os-release(5) says
            }
        }
        return new OsRelease("", List.of(), "unknown");
    }

    /** KEY=value lines, values optionally quoted (shell-style, without expansions). */
    public static OsRelease parse(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0 || line.startsWith("#")) {
                continue;
            }
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.endsWith(v.substring(0, 1))) {
                v = v.substring(1, v.length() - 1).replaceAll("\\\\(.)", "$1");
            }
            m.put(line.substring(0, eq).strip(), v);
        }
        String like = m.getOrDefault("ID_LIKE", "").toLowerCase(Locale.ROOT).strip();
        return new OsRelease(m.getOrDefault("ID", "").toLowerCase(Locale.ROOT),
                like.isEmpty() ? List.of() : Arrays.asList(like.split("\\s+")),
                m.getOrDefault("PRETTY_NAME", m.getOrDefault("NAME", "unknown")));
    }

    /** This distribution is {@code family}, or says it is like it. */
    public boolean is(String family) {
        return id.equals(family) || idLike.contains(family);
    }
}
