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
}
