package sockwatch.decode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options whose value carries key material, and where in the value it starts. sockwatch runs as root and its
 * JSON goes to log pipelines, so a key is dropped where the event is made, before any output, summary or
 * fixture can see it: the bytes before the secret are kept (a TLS version and cipher, an MD5 peer address),
 * the rest never. Offsets are the uapi structs' (include/uapi/linux/tcp.h, tls.h, if_alg.h, sctp.h), the same in
 * both ABIs; BT_ISO_QOS's is from the kernel-internal include/net/bluetooth/bluetooth.h (no u64 or pointer in
 * it, so also the same in both).
 */
public final class Secrets {
    private static final int SOL_TCP = 6;
    private static final int SOL_SCTP = 132;
    private static final int SOL_ALG = 279;
    private static final int SOL_TLS = 282;
    private static final int SOL_BLUETOOTH = 274;
    /** (level, optname) to the offset where the secret starts. */
    private static final Map<Long, Integer> FROM = new LinkedHashMap<>();

    static {
        // struct tcp_md5sig: addr (128), flags, prefixlen, keylen (u16), ifindex (int), then key[80] at 136
        put(SOL_TCP, 14, 136);   // TCP_MD5SIG
        put(SOL_TCP, 32, 136);   // TCP_MD5SIG_EXT
        put(SOL_TCP, 33, 0);     // TCP_FASTOPEN_KEY: the TFO cookie keys themselves
        // struct tcp_ao_add: addr (128), alg_name[64], ifindex, flags, reserved2, prefix, sndid, rcvid, maxlen,
        // keyflags, keylen, then key[80] at 208
        put(SOL_TCP, 38, 208);   // TCP_AO_ADD_KEY
        // struct tls_crypto_info {u16 version; u16 cipher_type;} then iv, key, salt, rec_seq
        put(SOL_TLS, 1, 4);      // TLS_TX
        put(SOL_TLS, 2, 4);      // TLS_RX
        // struct sctp_authkey {sctp_assoc_t sca_assoc_id; u16 sca_keynumber; u16 sca_keylength; u8 sca_key[]}
        put(SOL_SCTP, 23, 8);    // SCTP_AUTH_KEY
        put(SOL_ALG, 1, 0);      // ALG_SET_KEY
        put(SOL_ALG, 6, 0);      // ALG_SET_DRBG_ENTROPY
        // struct bt_iso_qos is a union; its bcast member (include/net/bluetooth/bluetooth.h, not uapi, so not
        // cross-checked) is big, bis, sync_factor, packing, framing (u8s), in and out (struct bt_iso_io_qos:
        // u32, u16, u16, u8, u8 = 12 bytes, 4-aligned, at 8 and 20), encryption (u8, 32), then bcode[16], the
        // broadcast code, at 33. A unicast QoS (struct bt_iso_ucast_qos, 32 bytes) ends before it.
        put(SOL_BLUETOOTH, 17, 33); // BT_ISO_QOS
    }

    private Secrets() {
    }

    private static void put(int level, int optname, int from) {
        FROM.put(key(level, optname), from);
    }

    private static long key(int level, int optname) {
        return (long) level << 32 | optname & 0xffffffffL;
    }

    /** Where this option's secret starts in its value, or -1 when it carries none. */
    public static int secretFrom(int level, int optname) {
        return FROM.getOrDefault(key(level, optname), -1);
    }

    /** The value without its secret: only the bytes before it (the same array when there is none). */
    public static byte[] keep(int level, int optname, byte[] value) {
        int from = secretFrom(level, optname);
        return from < 0 || value.length <= from ? value : java.util.Arrays.copyOf(value, from);
    }
}
