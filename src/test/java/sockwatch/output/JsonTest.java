package sockwatch.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The table-driven escaper in {@link Json} must write exactly what the first, char-by-char version wrote (kept
 * below as {@link Reference}): every event's JSON line is a contract, byte for byte.
 */
class JsonTest {

    /** The escaper as it was before it was made fast, verbatim: the reference output. */
    private static final class Reference {
        static void value(StringBuilder out, Object v) {
            if (v == null) {
                out.append("null");
            } else if (v instanceof String s) {
                string(out, s);
            } else if (v instanceof Number || v instanceof Boolean) {
                out.append(v);
            } else if (v instanceof Map<?, ?> m) {
                object(out, m);
            } else if (v instanceof List<?> l) {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    out.append(i > 0 ? ", " : "");
                    value(out, l.get(i));
                }
                out.append(']');
            } else {
                string(out, v.toString());
            }
        }

        static void object(StringBuilder out, Map<?, ?> m) {
            out.append('{');
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
            out.append('}');
        }

        static void string(StringBuilder out, String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }

    private static String now(String s) {
        StringBuilder out = new StringBuilder();
        Json.string(out, s);
        return out.toString();
    }

    private static String before(String s) {
        StringBuilder out = new StringBuilder();
        Reference.string(out, s);
        return out.toString();
    }

    private static void same(String s) {
        assertEquals(before(s), now(s), () -> "escaping " + codes(s));
    }

    private static String codes(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(String.format("U+%04X ", c)));
        return b.toString();
    }

    @Test
    void everyControlCharacterHasItsEscape() {
        assertEquals("\"\\u0000\\u0001\\u0008\\u000b\\u000c\\u000e\\u001b\\u001f\\u007f\"",
                now("\u0000\u0001\b\u000b\f\u000e\u001b\u001f\u007f"));
        assertEquals("\"\\t\\n\\r\\\"\\\\\"", now("\t\n\r\"\\"));
        assertEquals("\"\\u2028\\u2029\"", now("\u2028\u2029"));
        for (char c = 0; c < 0x20; c++) {
            same(String.valueOf(c));
        }
        same("\u007f");
    }

    /** Every char alone, and inside a run that stays (the escaper copies those runs in bulk). */
    @Test
    void everyCharMatchesTheReference() {
        for (int c = 0; c <= 0xffff; c++) {
            String ch = String.valueOf((char) c);
            same(ch);
            same("ab" + ch + "cd");
            same(ch + ch + "x");
        }
    }

    @Test
    void hostileProcessNamesMatchTheReferenceAndParseBack() {
        List<String> names = List.of("", "plain", "ev\til\n%s\"'\\", "%s%n%d", "\u001b[31mred\u001b[0m",
                "tab\there", "new\nline", "cr\rlf\n", "q\"uo\"te", "back\\slash\\", "\u0000nul", "DEL\u007f",
                "café-été", "日本語", "emoji \uD83D\uDE00", "sep\u2028para\u2029", "\u0085next line");
        for (String n : names) {
            same(n);
            assertEquals(n, JsonParser.parseString(now(n)).getAsString(), n);
        }
        // As the formatters see them: Printable.of of raw bytes, including bytes that are not UTF-8.
        byte[][] raw = {
            "ev\til\n%s\"'\\\u00ff\u001b[3".getBytes(StandardCharsets.ISO_8859_1),
            {(byte) 0xff, (byte) 0xfe, '%', 's', '\\', '"', 0x1b, '[', '3', 'm'},
            {(byte) 0xc3, (byte) 0xa9, (byte) 0xc3, '\n', (byte) 0xe2, (byte) 0x80, (byte) 0xa8, 0x7f},
        };
        for (byte[] b : raw) {
            String printable = Printable.of(b);
            same(printable);
            assertEquals(printable, JsonParser.parseString(now(printable)).getAsString());
            // and the undecoded bytes as Latin-1 chars (non-UTF-8 bytes become U+0080..U+00FF)
            same(new String(b, StandardCharsets.ISO_8859_1));
        }
    }

    /** Random strings drawn mostly from the characters that matter: ASCII, controls, separators, surrogates. */
    @Test
    void randomStringsMatchTheReference() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        char[] interesting = {'"', '\\', '\n', '\r', '\t', '\b', '\f', 0, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0xff,
            '\u2028', '\u2029', '\u2027', '\u202a', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uFFFE', '\uFFFF', '%'};
        for (int k = 0; k < 200_000; k++) {
            char[] s = new char[r.nextInt(40)];
            for (int i = 0; i < s.length; i++) {
                switch (r.nextInt(4)) {
                    case 0 -> s[i] = interesting[r.nextInt(interesting.length)];
                    case 1 -> s[i] = (char) r.nextInt(0x80);
                    case 2 -> s[i] = (char) r.nextInt(0x10000);
                    default -> s[i] = (char) ('a' + r.nextInt(26));
                }
            }
            String str = new String(s);
            assertEquals(before(str), now(str), () -> "seed " + seed + ": " + codes(str));
        }
    }

    /** Escaping appends to what the builder holds, whether it is Latin-1 so far or already UTF-16. */
    @Test
    void appendsAfterExistingContent() {
        for (String prefix : List.of("{\"comm\": ", "{\"日\": ")) {
            for (String s : List.of("abc", "a\"b", "é\n", "日\t本")) {
                StringBuilder a = new StringBuilder(prefix);
                StringBuilder b = new StringBuilder(prefix);
                Json.string(a, s);
                Reference.string(b, s);
                assertEquals(b.toString(), a.toString());
            }
        }
    }

    @Test
    void valuesMatchTheReference() {
        Map<String, Object> struct = new LinkedHashMap<>();
        struct.put("onoff", 1L);
        struct.put("linger", -5L);
        struct.put("k\"ey", "v\u001bal");
        for (Object v : new Object[] {null, 0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 7, Integer.MIN_VALUE, true,
            false, 1.5, "18446744073709551615", "0x0102", struct, Map.of(), List.of("x"), List.of(), List.of(1L, "a\n", struct)}) {
            StringBuilder a = new StringBuilder();
            StringBuilder b = new StringBuilder();
            Json.value(a, v);
            Reference.value(b, v);
            assertEquals(b.toString(), a.toString(), String.valueOf(v));
        }
    }
}
