package sockwatch.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrintableTest {
    private static String p(byte... b) {
        return Printable.of(b);
    }

    @Test
    void plainNamesStayAsTheyAre() {
        assertEquals("nginx: worker", Printable.of("nginx: worker".getBytes(StandardCharsets.UTF_8)));
        assertEquals("café-été", Printable.of("café-été".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void controlBytesAndBackslashAreEscapedUnambiguously() {
        assertEquals("a\\tb\\nc\\rd", p((byte) 'a', (byte) '\t', (byte) 'b', (byte) '\n', (byte) 'c', (byte) '\r',
                (byte) 'd'));
        assertEquals("\\\\x41", Printable.of("\\x41".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("\\x1b[31m", Printable.of("\u001b[31m".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("\\x7f\\x00", p((byte) 0x7f, (byte) 0));
    }

    @Test
    void invalidUtf8BecomesHex() {
        assertEquals("\\xff\\xfe", p((byte) 0xff, (byte) 0xfe));
        assertEquals("a\\xc3", p((byte) 'a', (byte) 0xc3));
        assertEquals("\\xe2\\x82", p((byte) 0xe2, (byte) 0x82));
    }

    @Test
    void unicodeControlsAndLineSeparatorsAreEscaped() {
        assertEquals("\\xc2\\x85", Printable.of("\u0085".getBytes(StandardCharsets.UTF_8)));
        assertEquals("\\xe2\\x80\\xa8", Printable.of("\u2028".getBytes(StandardCharsets.UTF_8)));
        assertEquals("\\xe2\\x80\\xae", Printable.of("\u202e".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void formatDirectivesAndQuotesPassAsText() {
        assertEquals("%s%n'\"", Printable.of("%s%n'\"".getBytes(StandardCharsets.US_ASCII)));
    }

    /** The hand-written UTF-8 check agrees with the JDK's strict decoder on every 1-3 byte lead and tail, and 4-byte edges. */
    @Test
    void utf8CheckAgreesWithTheJdkDecoder() {
        for (int b0 = 0x80; b0 <= 0xff; b0++) {
            for (int b1 = 0; b1 <= 0xff; b1++) {
                check(new byte[] {(byte) b0, (byte) b1});
                check(new byte[] {(byte) b0, (byte) b1, (byte) 0x80});
                check(new byte[] {(byte) b0, (byte) b1, (byte) 0xbf, (byte) 0x80});
                check(new byte[] {(byte) b0, (byte) b1, (byte) 0x41});
            }
        }
    }

    /** The reference: the JDK's strict decoder on exactly the sequence the lead byte announces. */
    private static void check(byte[] b) {
        int lead = b[0] & 0xff;
        int len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
        String expected;
        try {
            if (len == 0 || len > b.length) {
                throw new java.nio.charset.CharacterCodingException();
            }
            String s = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b, 0, len)).toString();
            int cp = s.codePointAt(0);
            boolean shown = !(Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029
                    || Character.getType(cp) == Character.FORMAT);
            expected = shown ? s : null;
        } catch (java.nio.charset.CharacterCodingException e) {
            expected = null;
        }
        String got = Printable.of(b);
        if (expected != null) {
            assertEquals(true, got.startsWith(expected), java.util.HexFormat.of().formatHex(b) + " -> " + got);
        } else {
            assertEquals(true, got.startsWith("\\x"), java.util.HexFormat.of().formatHex(b) + " -> " + got);
        }
    }
}
