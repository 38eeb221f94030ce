package sockwatch.output;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
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

    /** Length of a well-formed UTF-8 sequence starting at i, or 0 when the bytes there are not one. */
    private static int utf8SequenceLength(byte[] bytes, int i) {
        int b = bytes[i] & 0xff;
        int len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
        if (len == 0 || i + len > bytes.length) {
            return 0;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            decoder.decode(ByteBuffer.wrap(bytes, i, len));
            return len;
        } catch (CharacterCodingException e) {
            return 0;
        }
    }
}
