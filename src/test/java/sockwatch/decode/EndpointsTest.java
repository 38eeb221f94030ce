package sockwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class EndpointsTest {
    private static byte[] ip(String s) throws Exception {
        return InetAddress.getByName(s).getAddress();
    }

    @Test
    void ipv4AndPort() throws Exception {
        assertEquals("127.0.0.1:8080", Endpoints.of(ip("127.0.0.1"), 8080));
        assertEquals("255.255.255.255:65535", Endpoints.of(ip("255.255.255.255"), 65535));
    }

    @Test
    void ipv6IsCompressedPerRfc5952() throws Exception {
        assertEquals("[::1]:53", Endpoints.of(ip("::1"), 53));
        assertEquals("[::]:0", Endpoints.of(new byte[16], 0));
        assertEquals("[2001:db8::1]:443", Endpoints.of(ip("2001:db8:0:0:0:0:0:1"), 443));
        assertEquals("[2001:db8:0:1:1:1:1:1]:1", Endpoints.of(ip("2001:db8:0:1:1:1:1:1"), 1), "a single zero word stays");
        assertEquals("[2001:0:0:1::1]:1", Endpoints.of(ip("2001:0:0:1:0:0:0:1"), 1), "the longest run is compressed");
        assertEquals("[2001:db8::1:0:0:1]:1", Endpoints.of(ip("2001:db8:0:0:1:0:0:1"), 1), "first run on a tie");
        assertEquals("[fe80::]:1", Endpoints.of(ip("fe80::"), 1));
    }

    @Test
    void v4MappedIpv6ShowsTheIpv4Address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ip("10.1.2.3"), 0, mapped, 12, 4);
        assertEquals("[::ffff:10.1.2.3]:80", Endpoints.of(mapped, 80));
    }
}
