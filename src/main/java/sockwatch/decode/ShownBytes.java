package sockwatch.decode;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * An option value known only in part: an image of the struct the kernel reads, with a record of which of its
 * bytes are known. A backend that sees a decoded struct instead of memory (strace prints fields, not padding,
 * and cuts some fields short) fills in the fields it was shown and leaves the rest unknown; the decoders read
 * such an image through {@link ValueDecoder#decode(SockOption, ShownBytes, int, boolean)}, which never lets them
 * read an unknown byte. The unknown bytes of the image are zero and mean nothing.
 */
public final class ShownBytes {
    private final byte[] image;
    private final BitSet known;

    /** @param image the struct's bytes, as long as the struct; @param known which of them were shown */
    public ShownBytes(byte[] image, BitSet known) {
        this.image = image.clone();
        this.known = (BitSet) known.clone();
        this.known.clear(image.length, Math.max(image.length, known.length()));
        for (int i = this.known.nextClearBit(0); i < image.length; i = this.known.nextClearBit(i + 1)) {
            this.image[i] = 0;   // so equal knowledge compares equal, whatever the caller left there
        }
    }

    public int length() {
        return image.length;
    }

    /** The leading bytes that are all known: the only ones that can stand as a captured value. */
    public byte[] prefix() {
        return Arrays.copyOf(image, Math.min(image.length, known.nextClearBit(0)));
    }

    /** Every byte of the image is known: it is simply the value's bytes. */
    public boolean complete() {
        return known.nextClearBit(0) >= image.length;
    }

    byte[] image() {
        return image;
    }

    BitSet known() {
        return known;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShownBytes s && Arrays.equals(image, s.image) && known.equals(s.known);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(image) + known.hashCode();
    }

    /** Hex with "??" for each unknown byte, for tests and toString. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(2 * image.length);
        for (int i = 0; i < image.length; i++) {
            sb.append(known.get(i) ? HexFormat.of().toHexDigits(image[i]) : "??");
        }
        return sb.toString();
    }
}
