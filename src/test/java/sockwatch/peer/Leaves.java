package sockwatch.peer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A decoded value as the list of its leaf values in order, so strace's text and sockwatch's JSON can be compared
 * without either's field names: {@code {imr_multiaddr=inet_addr("224.0.0.3"), imr_interface=inet_addr("127.0.0.1")}}
 * and {@code {"multiaddr": "224.0.0.3", "interface": "127.0.0.1"}} are both [224.0.0.3, 127.0.0.1]. Numbers are
 * compared as numbers (decimal or hex), strace's helpers are undone (inet_addr, inet_pton, htons, if_nametoindex),
 * and flag sets (A|B) become their names. Null leaves (fields sockwatch did not capture) are kept as null.
 */
final class Leaves {
    private static final Pattern TOKEN = Pattern.compile(
            "\\s*(?:([A-Za-z_][A-Za-z0-9_]*)=)?"                     // an optional field name, dropped
            + "(\"(?:[^\"\\\\]|\\\\.)*\"(?:\\.\\.\\.)?"              // a string
            + "|inet_addr\\(\"[^\"]*\"\\)|inet_pton\\([A-Z0-9_]+, *\"[^\"]*\"(?:, *&[a-z0-9_]+)?\\)|htons\\(\\d+\\)|htonl\\(\\d+\\)"
            + "|if_nametoindex\\(\"[^\"]*\"\\)"
            + "|-?0x[0-9a-fA-F]+|-?\\d+"                               // numbers
            + "|[A-Z][A-Za-z0-9_|]*"                                 // a name or flag set
            + "|[0-9a-f]{2}(?::[0-9a-f]{2})+"                        // a hardware address
            + "|~\\[|[\\[\\]{}]|\\.\\.\\.|/\\*[^*]*\\*/)\\s*,?");

    private Leaves() {
    }

    /** Leaves of strace's value text, or null if strace showed only an address, NULL or nothing it decoded. */
    static List<Object> ofStrace(String text) {
        String t = text.strip();
        if (t.equals("NULL") || t.matches("0x[0-9a-f]+")) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(t);
        int at = 0;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                out.add("?" + t.substring(at));   // something this reader does not know: never equal
                break;
            }
            at = m.end();
            String tok = m.group(2);
            if (tok.matches("[\\[\\]{}]|~\\[|\\.\\.\\.") || tok.startsWith("/*")) {
                if (tok.equals("~[")) {
                    out.add("~");
                }
                continue;
            }
            if (tok.matches("[A-Z][A-Za-z0-9_]*(\\|[A-Z][A-Za-z0-9_]*)+")) {
                out.addAll(List.of((Object[]) tok.split("\\|")));   // a flag set: its names
            } else {
                out.add(leaf(tok));
            }
        }
        return out;
    }

    private static Object leaf(String tok) {
        if (tok.startsWith("\"")) {
            return unquote(tok.endsWith("...") ? tok.substring(0, tok.length() - 3) : tok);
        }
        if (tok.startsWith("inet_addr(") || tok.startsWith("inet_pton(")) {
            return tok.substring(tok.indexOf('"') + 1, tok.lastIndexOf('"'));
        }
        if (tok.startsWith("htons(") || tok.startsWith("htonl(")) {
            return new BigInteger(tok.substring(6, tok.length() - 1));
        }
        if (tok.startsWith("if_nametoindex(")) {
            String name = tok.substring(tok.indexOf('"') + 1, tok.lastIndexOf('"'));
            try {
                return new BigInteger(Files.readString(Path.of("/sys/class/net", name, "ifindex")).strip());
            } catch (IOException e) {
                return tok;
            }
        }
        if (tok.matches("-?0x[0-9a-fA-F]+")) {
            boolean neg = tok.startsWith("-");
            BigInteger v = new BigInteger(tok.substring(neg ? 3 : 2), 16);
            return neg ? v.negate() : v;
        }
        if (tok.matches("-?\\d+")) {
            return new BigInteger(tok);
        }
        return tok;
    }

    private static String unquote(String q) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < q.length() - 1; i++) {
            char c = q.charAt(i);
            if (c == '\\' && i + 1 < q.length() - 1) {
                char n = q.charAt(++i);
                if (n == 'x') {
                    b.append((char) Integer.parseInt(q.substring(i + 1, i + 3), 16));
                    i += 2;
                } else if (n >= '0' && n <= '7') {
                    int j = i;
                    while (j < i + 3 && j < q.length() - 1 && q.charAt(j) >= '0' && q.charAt(j) <= '7') {
                        j++;
                    }
                    b.append((char) Integer.parseInt(q.substring(i, j), 8));
                    i = j - 1;
                } else {
                    b.append(switch (n) { case 'n' -> '\n'; case 't' -> '\t'; case 'r' -> '\r'; default -> n; });
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Leaves of sockwatch's JSON value, or null when it showed none (null, or only raw hex bytes). */
    static List<Object> ofJson(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
                && value.getAsString().matches("0x[0-9a-f]*")) {
            return null;   // raw bytes, not a decoded value
        }
        List<Object> out = new ArrayList<>();
        add(value, out);
        return out;
    }

    private static void add(JsonElement e, List<Object> out) {
        if (e == null || e.isJsonNull()) {
            out.add(null);
        } else if (e instanceof JsonObject o) {
            o.entrySet().forEach(en -> add(en.getValue(), out));
        } else if (e instanceof JsonArray a) {
            a.forEach(x -> add(x, out));
        } else {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isBoolean()) {
                out.add(p.getAsBoolean() ? BigInteger.ONE : BigInteger.ZERO);
            } else if (p.isNumber()) {
                out.add(new BigInteger(p.getAsString()));
            } else {
                String s = p.getAsString();
                out.add(s.matches("-?\\d+") ? new BigInteger(s) : s.matches("0x[0-9a-f]+")
                        ? new BigInteger(s.substring(2), 16) : s);
            }
        }
    }
}
