package sockwatch.decode;

/** Turns untrusted bytes into text that cannot corrupt a terminal, a log line or a TSV/JSON field. */
final class ByteText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ByteText() {
    }

    /** The first n bytes in memory order, as "0x0102..." (a byte dump, not a number). */
    static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder(2 + 2 * n).append("0x");
        for (int i = 0; i < n; i++) {
            sb.append(HEX[(b[i] >> 4) & 0xf]).append(HEX[b[i] & 0xf]);
        }
        return sb.toString();
    }

    /** Printable ASCII as is, backslash as \\, every other byte as \xNN: reversible and always printable. */
    static String escape(byte[] b, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }
}
