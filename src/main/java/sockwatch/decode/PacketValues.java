package sockwatch.decode;

/** SOL_PACKET's structs (include/uapi/linux/if_packet.h), read as packet_setsockopt() reads them. */
final class PacketValues {
    private static final Names MR_TYPES = Names.load("packet_mr_types.tsv");
    /** packet_mreq_max: the kernel copies up to 8 + MAX_ADDR_LEN (32) address bytes. */
    private static final int MAX_ADDR_LEN = 32;

    private PacketValues() {
    }

    /**
     * PACKET_ADD_MEMBERSHIP, PACKET_DROP_MEMBERSHIP: struct packet_mreq {int ifindex; u16 type; u16 alen;
     * u8 address[8]} (16 bytes at least). The address is its first alen bytes, as far as they were captured.
     */
    static DecodedValue mreq(Capture c) {
        if (c.optlen < 16) {
            return null;
        }
        Fields f = new Fields().s32("ifindex", c, 0);
        if (c.has(4, 4)) {
            int type = c.le16(4);
            String name = MR_TYPES.name(type);
            f.put("type", name != null ? name : (Object) (long) type, name != null ? name : Integer.toString(type));
            int alen = c.le16(6);
            f.put("alen", alen);
            int n = Math.min(alen, Math.min(MAX_ADDR_LEN, c.optlen - 8));
            if (c.has(8, n)) {
                String a = mac(c, 8, n);
                f.put("address", a, a);
            } else {
                f.missing("address");
            }
        } else {
            f.missing("type").missing("alen").missing("address");
        }
        return f.done(c);
    }

    /**
     * PACKET_FANOUT_DATA: fanout_set_data() reads by the fanout group's mode, set by an earlier PACKET_FANOUT
     * and not in this value: PACKET_FANOUT_CBPF a struct sock_fprog (copy_bpf_fprog_from_user() wants exactly
     * 16 bytes, 8 from a 32-bit caller), PACKET_FANOUT_EBPF a u32 program fd (exactly 4 bytes), any other mode
     * EINVAL. The lengths differ, so optlen says which of the two the kernel can have read: never both, never
     * guessed. Any other length is EINVAL in every mode and stays raw.
     */
    static DecodedValue fanoutData(Capture c, boolean compat) {
        if (c.optlen == 4) {
            return new Fields().u32("prog_fd", c, 0).done(c);
        }
        return c.optlen == (compat ? 8 : 16) ? FilterValues.fprog(c, compat) : null;
    }

    /**
     * PACKET_RX_RING, PACKET_TX_RING: struct tpacket_req (16 bytes) or tpacket_req3 (28). The kernel picks by the
     * socket's PACKET_VERSION, which one call does not show, and needs optlen >= that struct's size; both start
     * with the same four fields, and the three tpacket_req3 ones are shown when optlen holds them (the kernel
     * reads them only under TPACKET_V3).
     */
    static DecodedValue ring(Capture c) {
        if (c.optlen < 16) {
            return null;
        }
        Fields f = new Fields().u32("block_size", c, 0).u32("block_nr", c, 4).u32("frame_size", c, 8)
                .u32("frame_nr", c, 12);
        if (c.optlen >= 28) {
            f.u32("retire_blk_tov", c, 16).u32("sizeof_priv", c, 20).u32("feature_req_word", c, 24);
        }
        return f.done(c);
    }

    /** Link-layer address bytes as "aa:bb:cc" ("" for none). */
    private static String mac(Capture c, int at, int n) {
        StringBuilder sb = new StringBuilder(3 * n);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(String.format(java.util.Locale.ROOT, "%02x", c.u8(at + i)));
        }
        return sb.toString();
    }
}
