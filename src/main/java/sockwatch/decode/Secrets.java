package sockwatch.decode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options whose value carries key material, and where in the value it starts. sockwatch runs as root and its
 * JSON goes to log pipelines, so a key is dropped where the event is made, before any output, summary or
 * fixture can see it: the bytes before the secret are kept (a TLS version and cipher, an MD5 peer address),
 * the rest never. Offsets are the uapi structs' (include/uapi/linux/tcp.h, tls.h, if_alg.h, sctp.h), the same in
 * both ABIs: each field before a key is a fixed-size integer, char array or __kernel_sockaddr_storage (128 bytes
 * in both), so no long or pointer shifts it; BT_ISO_QOS's is from the kernel-internal
 * include/net/bluetooth/bluetooth.h (no u64 or pointer in it, so also the same in both).
 * <p>
 * Options checked and left out, because what they carry names or locates a key, or is public, but is not one:
 * TCP_AO_REPAIR (the ISNs travel in the clear SYNs and the SNEs are counters; the traffic keys are derived from
 * the master key, which only TCP_AO_ADD_KEY carries), TCP_AO_DEL_KEY and TCP_AO_INFO (key ids and counters),
 * ALG_SET_KEY_BY_KEY_SERIAL (a keyring serial number), RXRPC_SECURITY_KEY and RXRPC_SECURITY_KEYRING (a key's
 * or keyring's description, which rxrpc_request_key() looks up), SCTP_AUTH_ACTIVE_KEY, SCTP_AUTH_DELETE_KEY and
 * SCTP_AUTH_DEACTIVATE_KEY (struct sctp_authkeyid: a key number), BT_SECURITY (a level and a key size),
 * IP(V6)_IPSEC_POLICY and IP(V6)_XFRM_POLICY (policies and templates: algorithm masks, no SA keys), and
 * RDS_FREE_MR (an MR cookie, which the peer is sent anyway).
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
        // struct tcp_ao_getsockopt: addr (128), alg_name[64], then key[80] at 192. TCP_AO_GET_KEYS is getsockopt
        // only (setsockopt answers ENOPROTOOPT), but a program may pass it anyway with a buffer a getsockopt filled
        put(SOL_TCP, 41, 192);   // TCP_AO_GET_KEYS
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
