package sockwatch.decode;

/** How the kernel reads an option's value, which decides how {@link ValueDecoder} shows it. */
public enum ValueType {
    /** A C int used as a number (little-endian, first 4 bytes). */
    INT,
    /** A C int used as an on/off flag: non-zero means enabled. */
    BOOL,
    /** struct linger { int l_onoff; int l_linger; }: 8 bytes. */
    LINGER,
    /** Two 64-bit values {sec, usec}: struct timeval on 64-bit, and __kernel_sock_timeval for the _NEW options. */
    TIMEVAL,
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
