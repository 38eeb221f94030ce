package sockwatch.probe.bpftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The one-pass reader accepts, rejects and reads exactly what the JDK's parsers do on the same characters. */
class NumberCursorTest {

    /** The JDK's answer on " -?[0-9]+"-shaped input, or the exception's class when it refuses. */
    private static Object jdk(String token, Function<String, Object> parse) {
        try {
            return parse.apply(token);
        } catch (NumberFormatException e) {
            return NumberFormatException.class;
        }
    }

    private static Object cursor(String token, Function<NumberCursor, Object> read) {
        try {
            NumberCursor c = new NumberCursor(" " + token + " 7", 0);
            Object v = read.apply(c);
            // the cursor stopped right after the number: the next one reads
            assertEquals(7, c.spaceInt(), token);
            return v;
        } catch (NumberFormatException e) {
            return NumberFormatException.class;
        }
    }

    private static List<String> tokens() {
        List<String> t = new ArrayList<>(List.of("0", "-0", "7", "-7", "00000000000000000000000001", "-000000000012",
                "2147483647", "2147483648", "-2147483648", "-2147483649", "999999999", "1000000000", "-999999999",
                "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                "999999999999999999", "1000000000000000000", "9999999999999999999",
                "18446744073709551615", "18446744073709551616", "99999999999999999999", "123456789012345678901"));
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        for (int bits : new int[] {31, 32, 63, 64}) {
            BigInteger edge = BigInteger.ONE.shiftLeft(bits);
            for (int d = -2; d <= 2; d++) {
                t.add(edge.add(BigInteger.valueOf(d)).toString());
                t.add(edge.add(BigInteger.valueOf(d)).negate().toString());
            }
        }
        Random r = new Random(20261125);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder b = new StringBuilder(r.nextInt(4) == 0 ? "-" : "");
            int digits = 1 + r.nextInt(22);
            for (int k = 0; k < digits; k++) {
                b.append((char) ('0' + r.nextInt(10)));
            }
            t.add(b.toString());
        }
        t.add(two64.subtract(BigInteger.ONE).toString());
        return t;
    }

    @Test
    void intsLongsAndUnsignedMatchTheJdk() {
        for (String tok : tokens()) {
            assertEquals(jdk(tok, Integer::parseInt), cursor(tok, NumberCursor::spaceInt), "int " + tok);
            assertEquals(jdk(tok, Long::parseLong), cursor(tok, NumberCursor::spaceLong), "long " + tok);
            // unsigned: no sign at all (the JDK would take "-0")
            Object want = tok.startsWith("-") ? NumberFormatException.class : jdk(tok, Long::parseUnsignedLong);
            assertEquals(want, cursor(tok, NumberCursor::spaceUnsigned), "unsigned " + tok);
        }
    }

    @Test
    void wrongShapesAreRefused() {
        for (String line : List.of("", "x", "-", " ", " -", " x", " +1", "1")) {
            Object got = cursor2(line);
            assertEquals(NumberFormatException.class, got, "'" + line + "'");
        }
        NumberCursor c = new NumberCursor("12 34", 0);
        assertEquals(12, c.unsigned());
        assertEquals(34, c.spaceLong());
        assertEquals(true, c.atEnd());
    }

    private static Object cursor2(String line) {
        try {
            return new NumberCursor(line, 0).spaceLong();
        } catch (NumberFormatException e) {
            return NumberFormatException.class;
        }
    }
}
