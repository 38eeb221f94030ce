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
    UINT_BE
}
