package sockwatch.event;

/**
 * How a setsockopt reached the kernel: the 64-bit syscall, a 32-bit program's syscall (its own number, or
 * socketcall(SYS_SETSOCKOPT)), or an io_uring request (IORING_OP_URING_CMD, SOCKET_URING_OP_SETSOCKOPT). The
 * value's layout follows the caller's ABI: a 32-bit program passes 32-bit longs and pointers.
 *
 * @param via     JSON "via": "syscall" or "io_uring"
 * @param compat  true for a 32-bit (ia32) caller: JSON "abi": "32-bit"
 * @param code    the number setsockopt.bt prints for it (the last field of an SW2 line; absent = 1)
 * (JsonFormatter keys a cache on the ordinal in 3 bits: at most 8 paths)
 */
public enum CallPath {
    SYSCALL("syscall", false, 1, null),
    SYSCALL_32("syscall", true, 2, "32-bit"),
    SOCKETCALL_32("syscall", true, 3, "32-bit, socketcall"),
    IO_URING("io_uring", false, 4, "via io_uring"),
    /**
     * An io_uring request on a registered file (IOSQE_FIXED_FILE): its "fd" is the index in the ring's table
     * (JSON "registered_file": true; text "on registered file N").
     */
    IO_URING_REGISTERED("io_uring", false, 5, "via io_uring");

    private final String via;
    private final boolean compat;
    private final int code;
    private final String note;

    CallPath(String via, boolean compat, int code, String note) {
        this.via = via;
        this.compat = compat;
        this.code = code;
        this.note = note;
    }

    public String via() {
        return via;
    }

    public boolean compat() {
        return compat;
    }

    /** JSON "abi". */
    public String abi() {
        return compat ? "32-bit" : "64-bit";
    }

    public int code() {
        return code;
    }

    /** What the text line says after the call, in brackets; null for the plain 64-bit syscall. */
    public String note() {
        return note;
    }

    /** The path for a probe's number, or null if the number is none of ours. */
    public static CallPath ofCode(long code) {
        for (CallPath p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }
}
