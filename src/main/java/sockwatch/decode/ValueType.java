package sockwatch.decode;

/** How the kernel reads an option's value, which decides how {@link ValueDecoder} shows it. */
public enum ValueType {
    /** A C int used as a number (little-endian, first 4 bytes). */
    INT,
    /** A C int used as an on/off flag: non-zero means enabled. */
    BOOL,
    /** struct linger { int l_onoff; int l_linger; }: 8 bytes. */
    LINGER,
    /** Two 64-bit values {sec, usec} in every ABI: __kernel_sock_timeval, for the _NEW options. */
    TIMEVAL,
    /**
     * struct timeval, two C longs {sec, usec}, for the _OLD options: 16 bytes from a 64-bit program, 8 from a
     * 32-bit one (the kernel reads an old_timeval32 in a compat syscall).
     */
    TIMEVAL_OLD,
    /** A name up to the first NUL: TCP_CONGESTION, TCP_ULP, SO_BINDTODEVICE. */
    STRING,
    /** A struct or blob this package does not decode: always shown as hex. */
    BYTES,
    /** A C int the kernel stores as u32 (SO_MARK, TCP_QUEUE_SEQ): shown unsigned. */
    UINT,
    /** u32 when optlen is 4..7, u64 when optlen is 8 or more (SO_MAX_PACING_RATE; the cookies are u64). */
    ULONG,
    /** A u32 in network byte order: IP_UNICAST_IF and IPV6_UNICAST_IF take the ifindex through ntohl(). */
    UINT_BE,
    /** IP_ADD_MEMBERSHIP/IP_DROP_MEMBERSHIP: struct ip_mreqn (optlen >= 12) or struct ip_mreq (8). */
    IP_MREQ,
    /** IP_MULTICAST_IF: struct ip_mreqn (12), struct ip_mreq (8) or a bare in_addr (4), by optlen. */
    IP_MULTICAST_IF,
    /** struct ip_mreq_source {multiaddr; interface; sourceaddr}: the IPv4 source-filter options. */
    IP_MREQ_SOURCE,
    /** struct ipv6_mreq {in6_addr multiaddr; int interface}. */
    IPV6_MREQ,
    /** struct group_req {u32 interface; sockaddr_storage group}: group at 8, or at 4 for a 32-bit caller. */
    GROUP_REQ,
    /** struct group_source_req: interface, group, source (at 136, or 132 for a 32-bit caller). */
    GROUP_SOURCE_REQ,
    /** struct sock_fprog {u16 len; pointer}: 16 bytes, or 8 for a 32-bit caller (compat_sock_fprog). */
    SOCK_FPROG,
    /** struct packet_mreq {int ifindex; u16 type; u16 alen; u8 address[8]}. */
    PACKET_MREQ,
    /** struct tpacket_req (16 bytes), or tpacket_req3 (28) when optlen holds it. */
    TPACKET_REQ,
    /** struct icmp_filter: a u32 mask of the ICMP types dropped. */
    ICMP_FILTER,
    /** struct icmp6_filter: eight u32 masks, the ICMPv6 types blocked. */
    ICMP6_FILTER,
    /** SOF_TIMESTAMPING_* flags (an int), or struct so_timestamping {flags; bind_phc} when optlen is 8. */
    TIMESTAMPING,
    /** A TOS / traffic class byte in an int: DSCP and ECN named. */
    TOS,
    /** IP_LOCAL_PORT_RANGE: a u32, low port in the lower 16 bits, high port in the upper 16. */
    PORT_RANGE,
    /** SO_TXREHASH: an int of -1..1, named SOCK_TXREHASH_* (-1 is the kernel's u8 255, DEFAULT). */
    TXREHASH,
    /** IP_MSFILTER: struct ip_msfilter {multiaddr; interface; u32 fmode; u32 numsrc; in_addr slist[numsrc]}. */
    IP_MSFILTER,
    /**
     * MCAST_MSFILTER: struct group_filter {u32 interface; sockaddr_storage group; u32 fmode; u32 numsrc;
     * sockaddr_storage slist[numsrc]}: group at 8, slist at 144, or packed at 4 and 140 for a 32-bit caller.
     */
    GROUP_FILTER,
    /** PACKET_FANOUT_DATA: a struct sock_fprog (the SOCK_FPROG sizes) or a u32 eBPF program fd (4 bytes). */
    FANOUT_DATA,
    /** struct tcp_ao_del (TCP_AO_DEL_KEY). */
    TCP_AO_DEL,
    /** struct tcp_ao_info_opt (TCP_AO_INFO). */
    TCP_AO_INFO,
    /** struct tcp_ao_repair (TCP_AO_REPAIR). */
    TCP_AO_REPAIR
}
