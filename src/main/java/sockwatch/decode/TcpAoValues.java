package sockwatch.decode;

/**
 * The TCP-AO option structs (include/uapi/linux/tcp.h, since 6.7), which have the same layout in both ABIs.
 * The keys never reach this class: Secrets cuts TCP_AO_ADD_KEY's value before its key (offset 208), and the
 * structs decoded here carry none. The probe captures 64 bytes at most, so of TCP_AO_ADD_KEY and
 * TCP_AO_DEL_KEY only the peer address (a sockaddr_storage at 0) is normally captured; the other fields are
 * shown "(not captured)", never guessed.
 */
final class TcpAoValues {
    private static final String[] INFO_FLAGS = {"set_current", "set_rnext", "ao_required", "set_counters",
            "accept_icmps"};
    private static final String[] ADD_FLAGS = {"set_current", "set_rnext"};
    private static final String[] DEL_FLAGS = {"set_current", "set_rnext", "del_async"};
    private static final int ALG_NAME = 64;

    private TcpAoValues() {
    }

    /**
     * TCP_AO_ADD_KEY, from what Secrets kept (at most the 208 bytes before the key): addr, alg_name, ifindex,
     * flags, prefix, sndid, rcvid, maclen, keyflags, keylen, then {@code key: "redacted"}.
     */
    static DecodedValue addKey(byte[] kept, int optlen) {
        if (optlen < 208) {
            return null;   // shorter than the struct up to its key: the kernel rejects it, nothing to name
        }
        Capture c = new Capture(kept, optlen);
        Fields f = new Fields();
        Multicast.sockaddr(f, "addr", c, 0);
        if (c.has(128, ALG_NAME)) {
            int n = 0;
            while (n < ALG_NAME && kept[128 + n] != 0) {
                n++;
            }
            String alg = ByteText.escape(c.slice(128, n), n);
            f.put("alg_name", alg, "\"" + alg.replace("\"", "\\x22") + "\"");
        } else {
            f.missing("alg_name");
        }
        f.s32("ifindex", c, 192);
        bits(f, c, 196, ADD_FLAGS);
        f.u8("prefix", c, 202).u8("sndid", c, 203).u8("rcvid", c, 204).u8("maclen", c, 205)
                .u8("keyflags", c, 206).u8("keylen", c, 207);
        f.put("key", "redacted", "redacted");
        // the optlen, not the captured count: the key's bytes were dropped on purpose, not missed
        return new DecodedValue(f.json(), f.text() + " (" + optlen + " bytes)", null);
    }

    /** TCP_AO_DEL_KEY: struct tcp_ao_del, 144 bytes: addr, ifindex, flags, prefix, sndid, rcvid, current_key, rnext, keyflags. */
    static DecodedValue delKey(Capture c) {
        if (c.optlen < 144) {
            return null;
        }
        Fields f = new Fields();
        Multicast.sockaddr(f, "addr", c, 0);
        f.s32("ifindex", c, 128);
        bits(f, c, 132, DEL_FLAGS);
        f.u8("prefix", c, 138).u8("sndid", c, 139).u8("rcvid", c, 140).u8("current_key", c, 141)
                .u8("rnext", c, 142).u8("keyflags", c, 143);
        return f.done(c);
    }

    /** TCP_AO_INFO: struct tcp_ao_info_opt, 48 bytes: flag bits, current_key, rnext, five u64 packet counters. */
    static DecodedValue info(Capture c) {
        if (c.optlen < 48) {
            return null;
        }
        Fields f = new Fields();
        bits(f, c, 0, INFO_FLAGS);
        f.u8("current_key", c, 6).u8("rnext", c, 7);
        String[] counters = {"pkt_good", "pkt_bad", "pkt_key_not_found", "pkt_ao_required", "pkt_dropped_icmp"};
        for (int i = 0; i < counters.length; i++) {
            int at = 8 + 8 * i;
            if (c.has(at, 8)) {
                long v = c.le64(at);
                String u = Long.toUnsignedString(v);
                f.put(counters[i], v >= 0 ? (Object) v : u, u);
            } else {
                f.missing(counters[i]);
            }
        }
        return f.done(c);
    }

    /** TCP_AO_REPAIR: struct tcp_ao_repair {__be32 snt_isn, rcv_isn; u32 snd_sne, rcv_sne}, 16 bytes. */
    static DecodedValue repair(Capture c) {
        if (c.optlen < 16) {
            return null;
        }
        Fields f = new Fields();
        for (String isn : new String[] {"snt_isn", "rcv_isn"}) {
            int at = isn.equals("snt_isn") ? 0 : 4;
            if (c.has(at, 4)) {
                f.put(isn, Integer.toUnsignedLong(Integer.reverseBytes(c.le32(at))));
            } else {
                f.missing(isn);
            }
        }
        return f.u32("snd_sne", c, 8).u32("rcv_sne", c, 12).done(c);
    }

    /** A u32 of one-bit fields (bit 0 first, as x86_64/arm64 GCC lay them out); other set bits as "reserved". */
    private static void bits(Fields f, Capture c, int at, String[] names) {
        if (!c.has(at, 4)) {
            for (String n : names) {
                f.missing(n);
            }
            return;
        }
        long v = c.u32(at);
        for (int i = 0; i < names.length; i++) {
            f.put(names[i], v >> i & 1);
        }
        long reserved = v >>> names.length;
        if (reserved != 0) {
            f.put("reserved", reserved);
        }
    }
}
