package sockwatch.snapshot;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The few libc calls snapshot needs, bound with JNA direct mapping: a 10,000-socket process means about half a
 * million getsockopt calls, and direct mapping costs far less per call than JNA's interface proxies. Every call
 * returns -1 on failure; {@link #errno()} then tells why (JNA saves errno right after each call).
 */
final class Libc {
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;

    static {
        Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private Libc() {
    }

    /** Buffers are passed as raw addresses (Pointer.nativeValue): the cheapest argument for direct mapping. */
    static native int getsockopt(int fd, int level, int optname, long optval, long optlen);

    static native int getsockname(int fd, long addr, long addrlen);

    static native int getpeername(int fd, long addr, long addrlen);

    static native int socket(int domain, int type, int protocol);

    static native int close(int fd);

    /** syscall(2) is variadic; on x86_64 and aarch64 Linux, integer arguments travel the same way either way. */
    static native long syscall(long number, long a, long b, long c, long d);

    static native int open(String path, int flags);

    static native int setns(int fd, int nstype);

    static native long readlink(String path, long buf, long size);

    static int errno() {
        return Native.getLastError();
    }
}
