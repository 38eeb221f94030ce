package sockwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueDecoderTest {

    private static final OptionTable TABLE = OptionTable.standard();

    private static SockOption opt(String name) {
        return TABLE.byName(name).get(0);
    }

    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.stream(v).forEach(b::putInt);
        return b.array();
    }

    private static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.stream(v).forEach(b::putLong);
        return b.array();
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static DecodedValue decode(String name, byte[] value) {
        return ValueDecoder.decode(opt(name), value, value.length);
    }

    @Test
    void intIsLittleEndianSigned() {
        assertEquals(new DecodedValue(1460L, "1460", null), decode("TCP_MAXSEG", ints(1460)));
        assertEquals(new DecodedValue(-1L, "-1", null), decode("TCP_REPAIR", ints(-1)));
    }

    @Test
    void intReadsTheFirstFourBytesOfALongerOptlen() {
        assertEquals(new DecodedValue(7L, "7", null), decode("TCP_KEEPCNT", ints(7, 99)));
    }

    @Test
    void boolSaysEnabledForNonZero() {
        assertEquals(new DecodedValue(1L, "1", true), decode("TCP_NODELAY", ints(1)));
        assertEquals(new DecodedValue(0L, "0", false), decode("SO_KEEPALIVE", ints(0)));
        assertEquals(new DecodedValue(2L, "2", true), decode("SO_REUSEPORT", ints(2)));
        assertEquals(new DecodedValue(-1L, "-1", true), decode("IPV6_V6ONLY", ints(-1)));
    }

    @Test
    void shortIntsAreRawOutsideSolIp() {
        assertEquals(new DecodedValue("0x0100", "0x0100 (2 bytes)", null), decode("TCP_NODELAY", bytes(1, 0)));
        assertEquals(new DecodedValue("0x01", "0x01 (1 byte)", null), decode("SO_KEEPALIVE", bytes(1)));
        assertEquals("0x010000 (3 bytes)", decode("TCP_MAXSEG", bytes(1, 0, 0)).text());
    }

    @Test
    void solIpReadsAShortIntAsOneUnsignedByte() {
        assertEquals(new DecodedValue(64L, "64", null), decode("IP_MULTICAST_TTL", bytes(64)));
        assertEquals(new DecodedValue(1L, "1", true), decode("IP_MULTICAST_LOOP", bytes(1)));
        assertEquals(new DecodedValue(0L, "0", false), decode("IP_MULTICAST_LOOP", bytes(0)));
        assertEquals(new DecodedValue(255L, "255", null), decode("IP_TTL", bytes(0xff, 0x7f)));
    }

    @Test
    void unsignedAndNetworkOrderInts() {
        assertEquals(new DecodedValue(4294967295L, "4294967295", null), decode("SO_MARK", ints(-1)));
        assertEquals(new DecodedValue(2L, "2", null), decode("IP_UNICAST_IF", bytes(0, 0, 0, 2)));
        assertEquals(new DecodedValue(3L, "3", null), decode("IPV6_UNICAST_IF", bytes(0, 0, 0, 3)));
    }

    @Test
    void pacingRateIsU32OrU64ByOptlen() {
        assertEquals(new DecodedValue(4294967295L, "4294967295", null), decode("SO_MAX_PACING_RATE", ints(-1)));
        assertEquals(new DecodedValue(125000000000L, "125000000000", null),
                decode("SO_MAX_PACING_RATE", longs(125_000_000_000L)));
        assertEquals(new DecodedValue("18446744073709551615", "18446744073709551615", null),
                decode("SO_MAX_PACING_RATE", longs(-1)));
    }

    @Test
    void linger() {
        DecodedValue v = decode("SO_LINGER", ints(1, 5));
        assertEquals(new DecodedValue(Map.of("onoff", 1L, "linger", 5L), "{onoff=1, linger=5}", null), v);
        assertInstanceOf(LinkedHashMap.class, v.json());
        assertEquals("0x01000000 (4 bytes)", decode("SO_LINGER", ints(1)).text());
    }

    @Test
    void timevalIsTwo64BitValues() {
        DecodedValue v = decode("SO_RCVTIMEO_NEW", longs(5, 0));
        assertEquals(new DecodedValue(Map.of("sec", 5L, "usec", 0L), "{sec=5, usec=0}", null), v);
        assertInstanceOf(LinkedHashMap.class, v.json());
        assertEquals("{sec=2, usec=500000}", decode("SO_SNDTIMEO_OLD", longs(2, 500_000)).text());
        assertEquals("{sec=-1, usec=0}", decode("SO_RCVTIMEO", longs(-1, 0)).text());
        assertEquals("0x0500000000000000 (8 bytes)", decode("SO_RCVTIMEO_OLD", ints(5, 0)).text(),
                "from a 64-bit program 8 bytes are no timeval (the kernel says EINVAL): not guessed at");
    }

    /** The _OLD options take struct timeval, whose longs are 32 bits in a 32-bit program (old_timeval32). */
    @Test
    void a32BitProgramsTimevalIsTwo32BitLongs() {
        DecodedValue v = ValueDecoder.decode(opt("SO_RCVTIMEO_OLD"), ints(2, 500_000), 8, true);
        assertEquals(new DecodedValue(Map.of("sec", 2L, "usec", 500_000L), "{sec=2, usec=500000}", null), v);
        assertEquals("{sec=-1, usec=0}", ValueDecoder.decode(opt("SO_SNDTIMEO_OLD"), ints(-1, 0), 8, true).text());
        assertEquals("0x02000000 (4 bytes)", ValueDecoder.decode(opt("SO_RCVTIMEO_OLD"), ints(2), 4, true).text(),
                "too short for the kernel too");
        assertEquals("{sec=2, usec=500000} (first 8 of 16 bytes)",
                ValueDecoder.decode(opt("SO_RCVTIMEO_OLD"), ints(2, 500_000), 16, true).text(),
                "the kernel reads the first 8 of a longer one");
        assertEquals("{sec=5, usec=0}", ValueDecoder.decode(opt("SO_RCVTIMEO_NEW"), longs(5, 0), 16, true).text(),
                "the _NEW options are 2 x 64-bit in both ABIs");
    }

    /**
     * Every other type reads the same bytes the same way whichever ABI the caller has. The exceptions, tested in
     * StructValuesTest: struct timeval (_OLD), sock_fprog and PACKET_FANOUT_DATA (its pointer), group_req,
     * group_source_req and group_filter (packed).
     */
    @Test
    void otherTypesDoNotDependOnTheAbi() {
        java.util.Set<ValueType> abiDependent = java.util.EnumSet.of(ValueType.TIMEVAL_OLD, ValueType.SOCK_FPROG,
                ValueType.GROUP_REQ, ValueType.GROUP_SOURCE_REQ, ValueType.GROUP_FILTER, ValueType.FANOUT_DATA);
        for (SockOption o : TABLE.all()) {
            if (abiDependent.contains(o.type())) {
                continue;
            }
            byte[] cubic = "cubic\0".getBytes(StandardCharsets.US_ASCII);
            for (byte[] b : java.util.List.of(ints(1), ints(1, 5), longs(7, 9), cubic)) {
                assertEquals(ValueDecoder.decode(o, b, b.length, false), ValueDecoder.decode(o, b, b.length, true),
                        o.name());
            }
        }
    }

    @Test
    void stringsStopAtNul() {
        byte[] cubic = "cubic\0".getBytes(StandardCharsets.US_ASCII);
        assertEquals(new DecodedValue("cubic", "\"cubic\"", null), decode("TCP_CONGESTION", cubic));
        assertEquals("\"bbr\"", decode("TCP_CONGESTION", "bbr".getBytes(StandardCharsets.US_ASCII)).text());
        assertEquals("\"tls\"", decode("TCP_ULP", "tls\0\0\0\0".getBytes(StandardCharsets.US_ASCII)).text());
        assertEquals("\"eth0\"", decode("SO_BINDTODEVICE", "eth0\0junk\n".getBytes(StandardCharsets.US_ASCII)).text());
    }

    @Test
    void emptyStringUnbindsTheDevice() {
        assertEquals(new DecodedValue("", "\"\"", null), ValueDecoder.decode(opt("SO_BINDTODEVICE"), new byte[0], 0));
        assertEquals(new DecodedValue("", "\"\"", null), decode("SO_BINDTODEVICE", bytes(0, 'x')));
    }

    @Test
    void hostileStringBytesAreEscaped() {
        byte[] evil = bytes('a', '\n', 'b', '\t', 'c', '\\', 0xff, 0x1b, '[', '2', 'J', 0x7f, '"');
        DecodedValue v = decode("SO_BINDTODEVICE", evil);
        assertEquals("a\\x0ab\\x09c\\\\\\xff\\x1b[2J\\x7f\"", v.json());
        // the text quotes it, so a quote inside is \x22 (reversible, as every other escape)
        assertEquals("\"a\\x0ab\\x09c\\\\\\xff\\x1b[2J\\x7f\\x22\"", v.text());
    }

    @Test
    void bytesAreAlwaysHex() {
        assertEquals(new DecodedValue("0x0102030405", "0x0102030405 (5 bytes)", null),
                decode("TCP_MD5SIG", bytes(1, 2, 3, 4, 5)));
        assertEquals("0x01000000 (4 bytes)", decode("IP_ADD_MEMBERSHIP", ints(1)).text());
    }

    @Test
    void unknownOptionIsRawHex() {
        DecodedValue v = ValueDecoder.decode(null, bytes(1, 0, 0, 0, 0), 5);
        assertEquals(new DecodedValue("0x0100000000", "0x0100000000 (5 bytes)", null), v);
        assertEquals("0x01020304 (4 bytes)", ValueDecoder.decode(null, bytes(1, 2, 3, 4), 4).text());
    }

    @Test
    void truncatedCaptureIsSaidInTheText() {
        byte[] first64 = new byte[64];
        assertTrue(ValueDecoder.decode(opt("TCP_MD5SIG"), first64, 300).text().endsWith(" (first 64 of 300 bytes)"));
        assertEquals("\"cubi\" (first 4 of 16 bytes)",
                ValueDecoder.decode(opt("TCP_CONGESTION"), "cubi".getBytes(StandardCharsets.US_ASCII), 16).text());
        assertEquals(new DecodedValue(1L, "1 (first 4 of 8 bytes)", true),
                ValueDecoder.decode(opt("TCP_NODELAY"), ints(1), 8));
        assertEquals(new DecodedValue("0x0100", "0x0100 (first 2 of 4 bytes)", null),
                ValueDecoder.decode(opt("TCP_NODELAY"), bytes(1, 0), 4));
        assertEquals("0x0500000000000000 (first 8 of 16 bytes)",
                ValueDecoder.decode(opt("SO_RCVTIMEO_NEW"), longs(5), 16).text());
    }

    @Test
    void emptyOrMissingCapture() {
        assertEquals(new DecodedValue(null, "(not captured, 4 bytes)", null),
                ValueDecoder.decode(opt("TCP_NODELAY"), new byte[0], 4));
        assertEquals(new DecodedValue(null, "(not captured, 4 bytes)", null),
                ValueDecoder.decode(opt("TCP_NODELAY"), null, 4));
        assertEquals(new DecodedValue(null, "nothing (0 bytes)", null), ValueDecoder.decode(opt("SO_LINGER"), new byte[0], 0));
        assertEquals(new DecodedValue(null, "nothing (0 bytes)", null), ValueDecoder.decode(null, null, 0));
        assertEquals(new DecodedValue(null, "(not captured, 16 bytes)", null),
                ValueDecoder.decode(opt("TCP_CONGESTION"), new byte[0], 16));
    }

    @Test
    void bytesBeyondOptlenAreIgnored() {
        assertEquals("0x0102 (2 bytes)", ValueDecoder.decode(opt("TCP_MD5SIG"), bytes(1, 2, 3, 4), 2).text());
        assertEquals("0x0100 (2 bytes)", ValueDecoder.decode(opt("TCP_NODELAY"), ints(1), 2).text());
    }

    @Test
    void negativeOptlenDoesNotThrow() {
        assertEquals(new DecodedValue(null, "(invalid optlen -1)", null),
                ValueDecoder.decode(opt("TCP_NODELAY"), new byte[0], -1));
        assertEquals("0x01 (invalid optlen -5)", ValueDecoder.decode(null, bytes(1), -5).text());
    }

    @Test
    void hugeValuesAreCut() {
        DecodedValue v = ValueDecoder.decode(opt("TCP_MD5SIG"), new byte[5000], 5000);
        assertTrue(v.text().endsWith(" (first " + ValueDecoder.MAX_SHOWN + " of 5000 bytes)"), v.text());
        assertEquals(2 + 2 * ValueDecoder.MAX_SHOWN, ((String) v.json()).length());
    }

    /** Whatever the option and bytes, decode returns printable ASCII text and never throws. */
    @Test
    void neverThrowsAndTextIsAlwaysPrintable() {
        Random random = new Random(42);
        for (SockOption o : TABLE.all()) {
            for (int len = -2; len <= 40; len++) {
                byte[] b = new byte[Math.max(0, len) + random.nextInt(3)]; // sometimes more than optlen
                random.nextBytes(b);
                for (int cut : new int[] {b.length, b.length / 2, 0}) {
                    DecodedValue v = ValueDecoder.decode(o, Arrays.copyOf(b, cut), len);
                    assertTrue(v.text().chars().allMatch(c -> c >= 0x20 && c < 0x7f), o + " " + v);
                    assertTrue(o.type() == ValueType.BOOL || v.enabled() == null, o + " " + v);
                    if (v.json() == null) {
                        assertTrue(cut == 0 || len == 0, "json is null only when no value bytes: " + o + " " + v);
                    }
                }
            }
        }
    }
}
