package sockwatch.decode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads sockwatch's tab-separated data files (this package's, and snapshot's derived.tsv): '#' starts a comment
 * line, blank lines are skipped.
 */
public final class TsvReader {

    /** One data line, with where it came from so a bad table names the file and line. */
    public record Row(String resource, int line, String[] fields) {
        public String field(int i) {
            return i < fields.length ? fields[i] : "";
        }

        int number(int i) {
            try {
                return Integer.parseInt(field(i));
            } catch (NumberFormatException e) {
                throw bad("not a number: '" + field(i) + "'");
            }
        }

        /** Comma-separated names in column i; "-" or an absent column means none. */
        List<String> names(int i) {
            String f = field(i);
            return f.isEmpty() || f.equals("-") ? List.of() : List.of(f.split(","));
        }

        public IllegalStateException bad(String why) {
            return new IllegalStateException(resource + ":" + line + ": " + why);
        }
    }

    private TsvReader() {
    }

    /** The rows of a resource next to this class; a missing file is a packaging bug, so it throws. */
    static List<Row> read(String resource) {
        return read(TsvReader.class, resource);
    }

    /** The rows of a resource next to class {@code base}; a missing file is a packaging bug, so it throws. */
    public static List<Row> read(Class<?> base, String resource) {
        String where = base.getPackageName().replace('.', '/') + "/" + resource;
        InputStream in = base.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing resource " + where);
        }
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int line = 0;
            for (String s; (s = r.readLine()) != null; ) {
                line++;
                if (s.isBlank() || s.startsWith("#")) {
                    continue;
                }
                rows.add(new Row(resource, line, s.strip().split("\t")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + where, e);
        }
        return rows;
    }
}
