package sockwatch.probe.bpftrace;

/**
 * Which of the value bytes setsockopt.bt printed it really read. A read of user memory that faults comes back
 * as zeros, with no error the probe can see, so a zero byte alone proves nothing. Faults come by page, though:
 * a byte is taken as read only when every page the read that produced it touched is known to be mapped, because
 * a read there returned a non-zero byte, or, for the page of optval's first byte, because the call succeeded
 * (the kernel read it). Bytes from the first doubtful one on are dropped: the value is then shown as partial,
 * never with made-up zeros. The reads are the probe's (see "The value" in setsockopt.bt): under 8 bytes, 4-byte
 * or 1-byte reads OR-ed into one word; from 8 bytes, 8-byte words at 0, 8, 16, ... and a last one that ends at n.
 */
final class ValueReads {
    static final int PAGE = 4096;

    private ValueReads() {
    }

    /** The probe's reads for an n-byte capture, as {from, to} ranges in the order it makes them. */
    static int[][] reads(int n) {
        if (n <= 0) {
            return new int[0][];
        }
        if (n < 8) {
            if (n >= 4) {
                return n > 4 ? new int[][] {{0, 4}, {n - 4, n}} : new int[][] {{0, 4}};
            }
            int[][] r = new int[n][];
            for (int i = 0; i < n; i++) {
                r[i] = new int[] {i, i + 1};
            }
            return r;
        }
        int words = (n + 7) / 8;
        int[][] r = new int[words][];
        for (int i = 0; i < words; i++) {
            r[i] = 8 * i + 8 <= n ? new int[] {8 * i, 8 * i + 8} : new int[] {n - 8, n};
        }
        return r;
    }

    /**
     * How many leading bytes of the n captured ones were really read.
     *
     * @param pageOffset optval & 4095, or -1 when the probe did not say (older output: every byte is taken)
     * @param kernelRead the call succeeded with optlen > 0, so the kernel read optval's first page
     */
    static int verified(byte[] value, int n, int pageOffset, boolean kernelRead) {
        if (pageOffset < 0 || n <= 0) {
            return Math.max(n, 0);
        }
        int boundary = PAGE - pageOffset;   // bytes before it are on optval's page, the rest on the next
        boolean[] mapped = {kernelRead, false};
        int[][] reads = reads(n);
        // a non-zero byte proves that a read covering it succeeded: every page of that read is mapped
        for (int p = 0; p < n; p++) {
            if (value[p] != 0) {
                int[] r = n >= 8 ? reads[source(reads, p)] : new int[] {p, p + 1};
                mapped[page(r[0], boundary)] = true;
                mapped[page(r[1] - 1, boundary)] = true;
            }
        }
        for (int p = 0; p < n; p++) {
            if (!read(reads, p, n, boundary, mapped)) {
                return p;
            }
        }
        return n;
    }

    private static boolean read(int[][] reads, int p, int n, int boundary, boolean[] mapped) {
        if (n >= 8) {
            int[] r = reads[source(reads, p)];
            return mapped[page(r[0], boundary)] && mapped[page(r[1] - 1, boundary)];
        }
        for (int[] r : reads) {   // OR-ed: one good read covering p is enough
            if (r[0] <= p && p < r[1] && mapped[page(r[0], boundary)] && mapped[page(r[1] - 1, boundary)]) {
                return true;
            }
        }
        return false;
    }

    /** The read that wrote byte p: the first that covers it (the parser keeps earlier bytes). */
    static int source(int[][] reads, int p) {
        for (int i = 0; i < reads.length; i++) {
            if (reads[i][0] <= p && p < reads[i][1]) {
                return i;
            }
        }
        throw new IllegalArgumentException("no read covers byte " + p);
    }

    private static int page(int at, int boundary) {
        return at < boundary ? 0 : 1;
    }
}
