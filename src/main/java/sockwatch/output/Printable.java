package sockwatch.output;

import java.nio.charset.StandardCharsets;

/**
 * Turns hostile bytes (process names, string option values) into one line of printable text that maps back to
 * the bytes without ambiguity: valid UTF-8 letters stay as they are, a backslash becomes {@code \\}, control
 * characters and bytes that are not UTF-8 become {@code \n}, {@code \t} or {@code \xNN}. No byte can split a
 * line, start an ANSI escape or look like a format directive to a later printf.
 */
public final class Printable {
    private Printable() {
    }

    public static String of(byte[] bytes) {
        if (plainAscii(bytes)) {
            // the common case (every event's process name): nothing to escape
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        StringBuilder out = new StringBuilder(bytes.length + 8);
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                appendAscii(out, b);
                i++;
                continue;
            }
            int len = utf8SequenceLength(bytes, i);
            if (len > 0) {
                String s = new String(bytes, i, len, StandardCharsets.UTF_8);
                int cp = s.codePointAt(0);
                if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029 || Character.getType(cp) == Character.FORMAT) {
                    for (int k = 0; k < len; k++) {
                        hex(out, bytes[i + k] & 0xff);
                    }
                } else {
                    out.append(s);
                }
                i += len;
            } else {
                hex(out, b);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean plainAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20 || b == 0x7f || b == '\\') {   // negative: not ASCII
                return false;
            }
        }
        return true;
    }

    private static void appendAscii(StringBuilder out, int b) {
        switch (b) {
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            case '\r' -> out.append("\\r");
            default -> {
                if (b < 0x20 || b == 0x7f) {
                    hex(out, b);
                } else {
                    out.append((char) b);
                }
            }
        }
    }

    private static void hex(StringBuilder out, int b) {
        out.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
    }

    /**
     * Length of a well-formed UTF-8 sequence starting at i, or 0 when the bytes there are not one: no overlong
     * forms, no surrogates, nothing above U+10FFFF (what a strict decoder accepts). Checked by hand, without
     * exceptions, because hostile names reach here on every event.
     */
    private static int utf8SequenceLength(byte[] bytes, int i) {
        int b = bytes[i] & 0xff;
        int len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
        if (len == 0 || b < 0xc2 || b > 0xf4 || i + len > bytes.length) {
            return 0;
        }
        for (int k = 1; k < len; k++) {
            if ((bytes[i + k] & 0xc0) != 0x80) {
                return 0;
            }
        }
        int second = bytes[i + 1] & 0xff;
        if ((b == 0xe0 && second < 0xa0) || (b == 0xed && second > 0x9f)
                || (b == 0xf0 && second < 0x90) || (b == 0xf4 && second > 0x8f)) {
            return 0;
        }
        return len;
    }
}
