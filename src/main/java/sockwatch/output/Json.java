package sockwatch.output;

import java.util.List;
import java.util.Map;

/** Minimal JSON writer for our own flat event objects: strings escaped per RFC 8259, numbers, maps, lists, null. */
public final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /**
     * What each ASCII character becomes inside a JSON string, null when it stays as it is. Built once, so escaping
     * is a table look-up per character (no String.format); besides these only U+2028 and U+2029 are escaped.
     */
    private static final String[] ASCII_ESCAPES = asciiEscapes();

    private Json() {
    }

    public static void value(StringBuilder out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            string(out, s);
        } else if (v instanceof Long n) {
            out.append(n.longValue());   // not append(Object): that makes a String first
        } else if (v instanceof Integer n) {
            out.append(n.intValue());
        } else if (v instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (v instanceof Number) {
            out.append(v);
        } else if (v instanceof Map<?, ?> m) {
            object(out, m);
        } else if (v instanceof List<?> l) {
            array(out, l);
        } else {
            string(out, v.toString());
        }
    }

    public static void object(StringBuilder out, Map<?, ?> m) {
        out.append('{');
        members(out, m);
        out.append('}');
    }

    /** The members of an object, {@code "k": v, "k2": v2}, without its braces (for objects written in parts). */
    public static void members(StringBuilder out, Map<?, ?> m) {
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            string(out, String.valueOf(e.getKey()));
            out.append(": ");
            value(out, e.getValue());
        }
    }

    /** A list of values (a struct's flag names, a filter's ICMP types): [a, b]. */
    public static void array(StringBuilder out, List<?> l) {
        out.append('[');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            value(out, l.get(i));
        }
        out.append(']');
    }

    /**
     * s as a quoted JSON string: quote, backslash, and every control character (C0 and DEL) escaped, the line and
     * paragraph separators U+2028/U+2029 too (JavaScript reads them as line ends); everything else as it is.
     * Runs of characters that stay are copied in one append each: most strings (names, addresses) have no escape.
     */
    public static void string(StringBuilder out, String s) {
        out.append('"');
        int run = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String escape;
            if (c < 0x80) {
                escape = ASCII_ESCAPES[c];
            } else if (c == '\u2028' || c == '\u2029') {
                escape = unicodeEscape(c);
            } else {
                continue;
            }
            if (escape != null) {
                out.append(s, run, i).append(escape);
                run = i + 1;
            }
        }
        out.append(s, run, n).append('"');
    }

    private static String[] asciiEscapes() {
        String[] t = new String[0x80];
        for (char c = 0; c < 0x20; c++) {
            t[c] = unicodeEscape(c);
        }
        t[0x7f] = unicodeEscape((char) 0x7f);
        t['"'] = "\\\"";
        t['\\'] = "\\\\";
        t['\n'] = "\\n";
        t['\r'] = "\\r";
        t['\t'] = "\\t";
        return t;
    }

    /** "\u001b": four lowercase hex digits. */
    private static String unicodeEscape(char c) {
        return new String(new char[] {'\\', 'u', HEX[c >> 12], HEX[(c >> 8) & 0xf], HEX[(c >> 4) & 0xf], HEX[c & 0xf]});
    }
}
