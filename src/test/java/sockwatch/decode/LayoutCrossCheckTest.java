package sockwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The struct layouts the decoders read (Multicast, FilterValues, PacketValues, IntValues), compiled against this
 * machine's headers as a 64-bit and as a 32-bit (i386) program: sizes and field offsets must be the ones
 * StructValuesTest builds its bytes at. A 32-bit program's group_req/group_source_req are what the kernel's
 * compat_group_req/compat_group_source_req (packed, include/net/compat.h) read, and its sock_fprog is
 * compat_sock_fprog. The key offsets Secrets cuts at are checked in both too. Also checks the name tables against the headers: SOF_TIMESTAMPING_* and PACKET_MR_*.
 */
class LayoutCrossCheckTest {

    private static final String PROGRAM = """
            #include <stdio.h>
            #include <stddef.h>
            #include <sys/socket.h>
            #include <netinet/in.h>
            #include <linux/filter.h>
            #include <linux/if_packet.h>
            #include <linux/icmp.h>
            #include <linux/icmpv6.h>
            #include <linux/net_tstamp.h>
            #include <linux/tcp.h>
            #include <linux/sctp.h>
            #define O(s, f) printf("%s.%s %zu\\n", #s, #f, offsetof(struct s, f));
            #define S(s) printf("%s %zu\\n", #s, sizeof(struct s));
            int main(void) {
                S(ip_mreq) S(ip_mreqn) O(ip_mreqn, imr_ifindex) S(ip_mreq_source) O(ip_mreq_source, imr_sourceaddr)
                S(ipv6_mreq) O(ipv6_mreq, ipv6mr_interface)
                S(group_req) O(group_req, gr_group)
                S(group_source_req) O(group_source_req, gsr_group) O(group_source_req, gsr_source)
                S(sock_fprog) O(sock_fprog, filter)
                S(packet_mreq) O(packet_mreq, mr_type) O(packet_mreq, mr_alen) O(packet_mreq, mr_address)
                S(tpacket_req) S(tpacket_req3) O(tpacket_req3, tp_retire_blk_tov) O(tpacket_req3, tp_feature_req_word)
                S(icmp_filter) S(icmp6_filter) S(so_timestamping) O(so_timestamping, bind_phc)
                O(tcp_md5sig, tcpm_key) O(sctp_authkey, sca_key)
                S(ip_msfilter) O(ip_msfilter, imsf_fmode) O(ip_msfilter, imsf_numsrc) O(ip_msfilter, imsf_slist)
                S(group_filter) O(group_filter, gf_group) O(group_filter, gf_fmode) O(group_filter, gf_numsrc)
                O(group_filter, gf_slist)
            #ifdef PACKET_MR_MULTICAST
                printf("PACKET_MR_MULTICAST %d\\n", PACKET_MR_MULTICAST);
            #endif
            #ifdef PACKET_MR_PROMISC
                printf("PACKET_MR_PROMISC %d\\n", PACKET_MR_PROMISC);
            #endif
            #ifdef PACKET_MR_ALLMULTI
                printf("PACKET_MR_ALLMULTI %d\\n", PACKET_MR_ALLMULTI);
            #endif
            #ifdef PACKET_MR_UNICAST
                printf("PACKET_MR_UNICAST %d\\n", PACKET_MR_UNICAST);
            #endif
                return 0;
            }
            """;

    /** The same in both ABIs. */
    private static final Map<String, Long> COMMON = Map.ofEntries(
            Map.entry("ip_mreq", 8L), Map.entry("ip_mreqn", 12L), Map.entry("ip_mreqn.imr_ifindex", 8L),
            Map.entry("ip_mreq_source", 12L), Map.entry("ip_mreq_source.imr_sourceaddr", 8L),
            Map.entry("ipv6_mreq", 20L), Map.entry("ipv6_mreq.ipv6mr_interface", 16L),
            Map.entry("packet_mreq", 16L), Map.entry("packet_mreq.mr_type", 4L), Map.entry("packet_mreq.mr_alen", 6L),
            Map.entry("packet_mreq.mr_address", 8L), Map.entry("tpacket_req", 16L), Map.entry("tpacket_req3", 28L),
            Map.entry("tpacket_req3.tp_retire_blk_tov", 16L), Map.entry("tpacket_req3.tp_feature_req_word", 24L),
            Map.entry("icmp_filter", 4L), Map.entry("icmp6_filter", 32L), Map.entry("so_timestamping", 8L),
            Map.entry("so_timestamping.bind_phc", 4L),
            // where Secrets cuts (the TCP-AO structs are newer than these headers: their offsets are in Secrets)
            Map.entry("tcp_md5sig.tcpm_key", 136L), Map.entry("sctp_authkey.sca_key", 8L),
            Map.entry("ip_msfilter", 20L), Map.entry("ip_msfilter.imsf_fmode", 8L),
            Map.entry("ip_msfilter.imsf_numsrc", 12L), Map.entry("ip_msfilter.imsf_slist", 16L),
            Map.entry("PACKET_MR_MULTICAST", 0L), Map.entry("PACKET_MR_PROMISC", 1L),
            Map.entry("PACKET_MR_ALLMULTI", 2L), Map.entry("PACKET_MR_UNICAST", 3L));

    private static final Map<String, Long> ABI64 = Map.ofEntries(Map.entry("group_req", 136L),
            Map.entry("group_req.gr_group", 8L), Map.entry("group_source_req", 264L),
            Map.entry("group_source_req.gsr_group", 8L), Map.entry("group_source_req.gsr_source", 136L),
            Map.entry("sock_fprog", 16L), Map.entry("sock_fprog.filter", 8L), Map.entry("group_filter", 272L),
            Map.entry("group_filter.gf_group", 8L), Map.entry("group_filter.gf_fmode", 136L),
            Map.entry("group_filter.gf_numsrc", 140L), Map.entry("group_filter.gf_slist", 144L));

    /** A 32-bit program's layouts: what compat_group_req, compat_group_filter (packed) etc. read. */
    private static final Map<String, Long> ABI32 = Map.ofEntries(Map.entry("group_req", 132L),
            Map.entry("group_req.gr_group", 4L), Map.entry("group_source_req", 260L),
            Map.entry("group_source_req.gsr_group", 4L), Map.entry("group_source_req.gsr_source", 132L),
            Map.entry("sock_fprog", 8L), Map.entry("sock_fprog.filter", 4L), Map.entry("group_filter", 268L),
            Map.entry("group_filter.gf_group", 4L), Map.entry("group_filter.gf_fmode", 132L),
            Map.entry("group_filter.gf_numsrc", 136L), Map.entry("group_filter.gf_slist", 140L));

    @TempDir
    Path dir;

    @Test
    void layoutsOfA64BitProgram() throws Exception {
        requireGcc(List.of());
        assertEquals(new TreeMap<>(expected(ABI64)), new TreeMap<>(compileAndRun(List.of(), "lay64")));
    }

    @Test
    void layoutsOfA32BitProgram() throws Exception {
        requireGcc(List.of("-m32"));
        assertEquals(new TreeMap<>(expected(ABI32)), new TreeMap<>(compileAndRun(List.of("-m32"), "lay32")));
    }

    @Test
    void packetMrTypesMatchTheHeaders() throws Exception {
        requireGcc(List.of());
        Map<String, Long> header = compileAndRun(List.of(), "lay64");
        Names types = Names.load("packet_mr_types.tsv");
        assertEquals(4, types.all().size());
        types.all().forEach((n, name) -> assertEquals(Long.valueOf(n), header.get(name), name));
    }

    /** The value names kept as data (ICMP types, SO_TXREHASH values, MCAST_* modes): every one as its header defines it. */
    @Test
    void valueNamesMatchTheHeaders() throws Exception {
        requireGcc(List.of());
        Map<String, String> files = Map.of("icmp_types.tsv", "linux/icmp.h", "txrehash.tsv", "linux/socket.h",
                "mcast_fmode.tsv", "netinet/in.h");
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <sys/socket.h>\n");
        files.values().forEach(h -> c.append("#include <").append(h).append(">\n"));
        c.append("int main(void) {\n");
        Map<String, Long> ours = new TreeMap<>();
        for (String file : files.keySet()) {
            Names.load(file).all().forEach((n, name) -> ours.put(name, (long) n));
        }
        ours.keySet().forEach(name -> c.append("#ifdef ").append(name).append("\n    printf(\"").append(name)
                .append(" %d\\n\", ").append(name).append(");\n#endif\n"));
        c.append("    return 0;\n}\n");
        Map<String, Long> header = sockwatch.support.CPrograms.namedNumbers(dir, "names", c.toString(), List.of());
        assertEquals(18, ours.size());
        assertEquals(ours, new TreeMap<>(header));
    }

    /**
     * SOF_TIMESTAMPING_* are enum members (no #ifdef), so the installed header's text is read: every name it has
     * must sit at the same bit in our table; names newer than the header are listed, and a minimum keeps the
     * check from passing on an empty file.
     */
    @Test
    void timestampingBitsMatchTheHeader() throws Exception {
        Path h = Path.of("/usr/include/linux/net_tstamp.h");
        Assumptions.assumeTrue(Files.isReadable(h) || "true".equalsIgnoreCase(System.getenv("CI")), "no " + h);
        Matcher m = Pattern.compile("(SOF_TIMESTAMPING_\\w+)\\s*=\\s*\\(1\\s*<<\\s*(\\d+)\\)").matcher(Files.readString(h));
        Map<String, Integer> header = new LinkedHashMap<>();
        while (m.find()) {
            header.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        Map<Integer, String> ours = Names.load("sof_timestamping.tsv").all();
        header.forEach((name, bit) -> assertEquals(name, ours.get(bit), "bit " + bit));
        assertTrue(header.size() >= 16, "too few names in " + h + ": " + header);
        System.out.println("SOF_TIMESTAMPING cross-check: " + header.size() + " names checked; not in these headers: "
                + ours.values().stream().filter(n -> !header.containsKey(n)).toList());
    }

    private static Map<String, Long> expected(Map<String, Long> abi) {
        Map<String, Long> out = new LinkedHashMap<>(COMMON);
        out.putAll(abi);
        return out;
    }

    private Map<String, Long> compileAndRun(List<String> flags, String name) throws Exception {
        return sockwatch.support.CPrograms.namedNumbers(dir, name, PROGRAM, flags);
    }

    /** Skips without gcc (or without 32-bit headers, for -m32) on a developer machine, but fails in CI. */
    private void requireGcc(List<String> flags) throws Exception {
        String why;
        try {
            Path probe = Files.writeString(dir.resolve("probe.c"), "#include <stdio.h>\nint main(void) { return 0; }\n");
            List<String> cc = new java.util.ArrayList<>(List.of("gcc"));
            cc.addAll(flags);
            cc.addAll(List.of("-o", dir.resolve("probe").toString(), probe.toString()));
            Process p = new ProcessBuilder(cc).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            why = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "gcc " + flags + " cannot build";
        } catch (IOException e) {
            why = "gcc not found (" + e.getMessage() + ")";
        }
        if (why == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + ", and CI=true: the layout cross-check must run in CI (gcc, gcc-multilib)");
        }
        Assumptions.abort(why + "; skipping the layout cross-check (it fails instead when CI=true)");
    }
}
