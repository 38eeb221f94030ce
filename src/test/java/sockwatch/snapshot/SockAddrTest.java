package sockwatch.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** sockaddr bytes as getsockname/getpeername return them, and their text. */
class SockAddrTest {

    private static byte[] inet(int port, int a, int b, int c, int d) {
        return new byte[] {2, 0, (byte) (port >> 8), (byte) port, (byte) a, (byte) b, (byte) c, (byte) d,
                0, 0, 0, 0, 0, 0, 0, 0};
    }

    private static byte[] inet6(int port, int scope, int... groups) {
        ByteBuffer bb = ByteBuffer.allocate(28).order(ByteOrder.BIG_ENDIAN);
        bb.put((byte) 10).put((byte) 0).putShort((short) port).putInt(0);
        for (int g : groups) {
            bb.putShort((short) g);
        }
        bb.order(ByteOrder.LITTLE_ENDIAN).putInt(scope);
        return bb.array();
    }

    private static byte[] unix(byte[] path) {
        byte[] b = new byte[2 + path.length];
        b[0] = 1;
        System.arraycopy(path, 0, b, 2, path.length);
        return b;
    }

    @Test
    void ipv4() {
        assertEquals("127.0.0.1:8080", SockAddr.format(inet(8080, 127, 0, 0, 1)));
        assertEquals("0.0.0.0:0", SockAddr.format(inet(0, 0, 0, 0, 0)));
        assertEquals("255.255.255.255:65535", SockAddr.format(inet(65535, 255, 255, 255, 255)));
    }

    @Test
    void ipv6InBracketsWithRfc5952Text() {
        assertEquals("[::1]:443", SockAddr.format(inet6(443, 0, 0, 0, 0, 0, 0, 0, 0, 1)));
        assertEquals("[::]:0", SockAddr.format(inet6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        assertEquals("[2001:db8::1]:53", SockAddr.format(inet6(53, 0, 0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)));
        assertEquals("[2001:db8:0:1:1:1:1:1]:1", SockAddr.format(inet6(1, 0, 0x2001, 0xdb8, 0, 1, 1, 1, 1, 1)));
        assertEquals("[2001:0:0:1::1]:1", SockAddr.format(inet6(1, 0, 0x2001, 0, 0, 1, 0, 0, 0, 1)));
        assertEquals("[fe80::abcd%2]:22", SockAddr.format(inet6(22, 2, 0xfe80, 0, 0, 0, 0, 0, 0, 0xabcd)));
        assertEquals("[::ffff:127.0.0.1]:80", SockAddr.format(inet6(80, 0, 0, 0, 0, 0, 0, 0xffff, 0x7f00, 1)));
        assertEquals("[1::]:9", SockAddr.format(inet6(9, 0, 1, 0, 0, 0, 0, 0, 0, 0)));
    }

    @Test
    void unixPathsAbstractNamesAndUnnamed() {
        assertEquals("/run/x.sock", SockAddr.format(unix("/run/x.sock\0".getBytes(StandardCharsets.UTF_8))));
        assertEquals("@name\\x00x", SockAddr.format(unix("\0name\0x".getBytes(StandardCharsets.UTF_8))));
        assertEquals("", SockAddr.format(new byte[] {1, 0}));
        assertEquals("/tmp/a\\nb\\x1b[31m", SockAddr.format(unix("/tmp/a\nb\u001b[31m".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void netlinkPacketAndOthers() {
        byte[] nl = {16, 0, 0, 0, (byte) 0xd2, 4, 0, 0, 1, 0, 0, 0};
        assertEquals("portid:1234 groups:0x1", SockAddr.format(nl));
        byte[] ll = {17, 0, 0, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertEquals("ifindex:2 proto:0x0003", SockAddr.format(ll));
        assertEquals("af40", SockAddr.format(new byte[] {40, 0, 1, 2}));
        assertNull(SockAddr.format(null));
    }
}
