package sockwatch.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** Values known in part (a struct strace printed field by field): decoded without reading an unknown byte. */
class ShownBytesTest {
    private static final OptionTable TABLE = OptionTable.standard();

    private static ShownBytes shown(byte[] image, int... knownRanges) {
        BitSet k = new BitSet();
        for (int i = 0; i < knownRanges.length; i += 2) {
            k.set(knownRanges[i], knownRanges[i + 1]);
        }
        return new ShownBytes(image, k);
    }

    /** A group_req whose interface and IPv4 group are known, padding and the storage's rest not. */
    private static byte[] groupReq() {
        byte[] b = new byte[136];
        b[0] = 2;
        b[8] = 2;
        b[12] = (byte) 239;
        b[13] = 1;
        b[14] = 2;
        b[15] = 3;
        return b;
    }

    @Test
    void knownFieldsDecodeAsFromCapturedBytes() {
        DecodedValue v = ValueDecoder.decode(TABLE.option(0, 42), shown(groupReq(), 0, 4, 8, 16), 136, false);
        assertEquals("{interface=2, group=239.1.2.3}", v.text());
        assertEquals(ValueDecoder.decode(TABLE.option(0, 42), groupReq(), 136).json(), v.json());
    }

    @Test
    void anUnknownFieldIsNotCapturedNotAZero() {
        DecodedValue v = ValueDecoder.decode(TABLE.option(0, 42), shown(groupReq(), 0, 4, 8, 10), 136, false);
        assertEquals("{interface=2, group=(not captured)}", v.text(), "the family alone does not give the address");
        v = ValueDecoder.decode(TABLE.option(0, 42), shown(groupReq(), 8, 16), 136, false);
        assertEquals("{interface=(not captured), group=239.1.2.3}", v.text());
        assertNull(((java.util.Map<?, ?>) v.json()).get("interface"));
    }

    @Test
    void whatNoStructReaderTakesShowsOnlyTheKnownLeadingBytes() {
        // SO_LINGER is not read from partial images: its known prefix is all it gets
        DecodedValue v = ValueDecoder.decode(TABLE.option(1, 13), shown(new byte[] {1, 0, 0, 0, 5, 0, 0, 0}, 0, 4),
                8, false);
        assertEquals("0x01000000 (first 4 of 8 bytes)", v.text());
        // a group_req too short for the kernel: raw, and only the bytes known, never the image's filling
        v = ValueDecoder.decode(TABLE.option(0, 42), shown(groupReq(), 0, 4, 8, 16), 100, false);
        assertEquals("0x02000000 (first 4 of 100 bytes)", v.text());
    }

    @Test
    void unknownBytesMeanNothing() {
        byte[] a = groupReq();
        byte[] b = groupReq();
        b[5] = 0x55;   // padding: unknown in both
        assertEquals(shown(a, 0, 4, 8, 16), shown(b, 0, 4, 8, 16));
        assertEquals("02000000????????", shown(java.util.Arrays.copyOf(b, 8), 0, 4).toString());
        assertArrayEquals(new byte[] {2, 0, 0, 0}, shown(b, 0, 4, 8, 16).prefix());
        assertFalse(shown(b, 0, 4, 8, 16).complete());
        assertTrue(shown(new byte[] {1, 2}, 0, 2).complete());
    }
}
