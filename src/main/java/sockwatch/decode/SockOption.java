package sockwatch.decode;

/**
 * One socket option: setsockopt(fd, level, optname, ...) is named by (level, optname), never by optname alone,
 * because the numbers repeat across levels (SO_DEBUG, IP_TOS and TCP_NODELAY are all optname 1).
 */
public record SockOption(int level, int optname, String name, ValueType type) {
}
