package sockwatch.decode;

/** The usable bytes of one capture: never more than optlen, and never read past what the probe got. */
final class Capture {
    final byte[] bytes;
    final int optlen;
    /** Bytes both captured and within optlen: the only ones a decoder may read. */
    final int avail;
    /** Of those, how many a hex dump shows (ValueDecoder.MAX_SHOWN at most). */
    final int shown;
    /** Which bytes are known, for an image only partly shown (ShownBytes); null when all captured ones are. */
    private final java.util.BitSet known;

    Capture(byte[] bytes, int optlen) {
        this(bytes, optlen, null);
    }

    Capture(byte[] bytes, int optlen, java.util.BitSet known) {
        this.known = known;
        this.bytes = bytes;
        this.optlen = optlen;
        this.avail = optlen < 0 ? bytes.length : Math.min(bytes.length, optlen);
        this.shown = Math.min(avail, ValueDecoder.MAX_SHOWN);
    }

    /** optlen is big enough for an n-byte value and the probe captured all n bytes. */
    boolean fits(int n) {
        return optlen >= n && has(0, n);
    }

    /** The n bytes at {@code at} were captured (and lie within optlen, and are known). */
    boolean has(int at, int n) {
        return at + n <= avail && (known == null || known.nextClearBit(at) >= at + n);
    }

    /** A decoded value's text, and says so when the probe captured fewer than optlen bytes. */
    String withSuffix(String text) {
        return avail < optlen ? text + firstOf(avail) : text;
    }

    /** " (first n of optlen bytes)" when n falls short of optlen, else "". */
    String firstOf(int n) {
        return n < optlen ? " (first " + n + " of " + optlen + " bytes)" : "";
    }

    int u8(int at) {
        return bytes[at] & 0xff;
    }

    int le16(int at) {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8;
    }

    int le32(int at) {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16
                | (bytes[at + 3] & 0xff) << 24;
    }

    long u32(int at) {
        return Integer.toUnsignedLong(le32(at));
    }

    long le64(int at) {
        return Integer.toUnsignedLong(le32(at)) | (long) le32(at + 4) << 32;
    }

    /** The n bytes at {@code at}, as a new array. */
    byte[] slice(int at, int n) {
        return java.util.Arrays.copyOfRange(bytes, at, at + n);
    }
}
