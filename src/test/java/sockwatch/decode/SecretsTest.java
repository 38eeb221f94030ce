package sockwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import sockwatch.event.SetsockoptEvent;
import sockwatch.output.EventView;
import sockwatch.output.JsonFormatter;
import sockwatch.output.TextFormatter;

/** Key material is cut where the event is made, so no output can print it; what precedes it stays. */
class SecretsTest {
    private static final byte[] KEY = "SECRETKEY0123456".getBytes(StandardCharsets.US_ASCII);
    private static final String KEY_HEX = HexFormat.of().formatHex(KEY);

    private static SetsockoptEvent event(int level, int optname, byte[] value) {
        return new SetsockoptEvent(0, 7, 7, "app".getBytes(), 3, level, optname, value.length, value, 0, "bpftrace");
    }

    private static String both(SetsockoptEvent e) {
        EventView v = EventView.of(e, OptionTable.standard());
        return new TextFormatter(java.time.ZoneOffset.UTC).format(v) + "\n" + new JsonFormatter().format(v);
    }

    @Test
    void tlsKeepsItsVersionAndCipherAndNothingAfter() {
        byte[] info = new byte[40];   // tls12_crypto_info_aes_gcm_128: info, iv[8], key[16], salt[4], rec_seq[8]
        info[0] = 0x03;
        info[1] = 0x03;
        info[2] = 51;
        System.arraycopy(KEY, 0, info, 12, 16);
        SetsockoptEvent e = event(282, 1, info);
        assertTrue(e.redacted());
        assertEquals("03033300", e.rawHex(), "only the 4 bytes before the key");
        String out = both(e);
        assertFalse(out.contains(KEY_HEX) || out.contains("SECRET"), out);
        assertTrue(out.contains("{version=0x0303, cipher_type=51, key redacted} (40 bytes)"), out);
        assertTrue(out.contains("\"value\": {\"version\": 771, \"cipher_type\": 51, \"key\": \"redacted\"}"), out);
        assertTrue(out.contains("\"truncated\": true"), out);
    }

    @Test
    void keysAtTheStartKeepNothing() {
        for (int[] lo : new int[][] {{6, 33}, {279, 1}, {279, 6}}) {
            SetsockoptEvent e = event(lo[0], lo[1], KEY);
            assertEquals("", e.rawHex());
            String out = both(e);
            assertFalse(out.contains(KEY_HEX) || out.contains("SECRET"), out);
            assertTrue(out.contains("{key redacted} (16 bytes)") && out.contains("\"key\": \"redacted\""), out);
        }
    }

    @Test
    void md5AndAoKeepTheAddressBeforeTheKey() {
        assertEquals(136, Secrets.secretFrom(6, 14));
        assertEquals(136, Secrets.secretFrom(6, 32));
        assertEquals(208, Secrets.secretFrom(6, 38));
        assertEquals(192, Secrets.secretFrom(6, 41));   // TCP_AO_GET_KEYS: after addr and alg_name
        assertEquals(8, Secrets.secretFrom(132, 23));   // SCTP_AUTH_KEY: after assoc id, key number and length
        assertEquals(33, Secrets.secretFrom(274, 17));  // BT_ISO_QOS: bcast.bcode, after the QoS and encryption
        byte[] md5 = new byte[216];
        md5[0] = 2;
        System.arraycopy(KEY, 0, md5, 136, 16);
        SetsockoptEvent e = event(6, 14, md5);
        assertEquals(136, e.value().length);
        assertFalse(both(e).contains(KEY_HEX), both(e));
    }

    @Test
    void aoGetKeysKeepsOnlyAddrAndAlgName() {
        byte[] get = new byte[296];   // sizeof(struct tcp_ao_getsockopt)
        get[0] = 2;
        System.arraycopy(KEY, 0, get, 192, 16);
        SetsockoptEvent e = event(6, 41, get);
        assertTrue(e.redacted());
        assertEquals(192, e.value().length);
        String out = both(e);
        assertFalse(out.contains(KEY_HEX) || out.contains("SECRET"), out);
        assertTrue(out.contains("key redacted} (296 bytes)"), out);
        // not keys (Secrets' comment says why): decoded or shown whole
        assertEquals(-1, Secrets.secretFrom(6, 42));    // TCP_AO_REPAIR
        assertEquals(-1, Secrets.secretFrom(279, 7));   // ALG_SET_KEY_BY_KEY_SERIAL
        assertEquals(-1, Secrets.secretFrom(272, 1));   // RXRPC_SECURITY_KEY
    }

    @Test
    void otherOptionsAreUntouched() {
        SetsockoptEvent e = event(6, 1, new byte[] {1, 0, 0, 0});
        assertFalse(e.redacted());
        assertEquals("01000000", e.rawHex());
        assertEquals(-1, Secrets.secretFrom(6, 1));
        // a short value that ends before the key is whole: nothing was secret
        assertFalse(event(282, 1, new byte[] {3, 3, 51, 0}).redacted());
    }
}
