package sockwatch.decode;

/** Socket endpoints as people read them: "127.0.0.1:8080", "[::1]:8080" (IPv6 compressed per RFC 5952). */
public final class Endpoints {
    private Endpoints() {
    }

    /**
     * 4 or 16 address bytes in network order, and a port in host order. Written with one StringBuilder: the
     * parser makes two of these per event, and '+' concatenation there was at the mercy of C2 inlining its
     * method-handle chain (32% of one profiled benchmark run, when it did not).
     */
    public static String of(byte[] address, int port) {
        StringBuilder out = new StringBuilder(address.length == 4 ? 21 : 47);
        if (address.length == 4) {
            appendIpv4(out, address, 0);
        } else {
            out.append('[').append(ipv6(address)).append(']');
        }
        return out.append(':').append(port).toString();
    }

    public static String ipv4(byte[] a) {
        return appendIpv4(new StringBuilder(15), a, 0).toString();
    }

    /** The 4 bytes at {@code at}, dotted. */
    private static StringBuilder appendIpv4(StringBuilder out, byte[] a, int at) {
        return out.append(a[at] & 0xff).append('.').append(a[at + 1] & 0xff).append('.').append(a[at + 2] & 0xff)
                .append('.').append(a[at + 3] & 0xff);
    }

    public static String ipv6(byte[] a) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        if (words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0 && words[4] == 0 && words[5] == 0xffff) {
            return appendIpv4(new StringBuilder(22).append("::ffff:"), a, 12).toString();
        }
        // The longest run of two or more zero words becomes "::" (the first such run on a tie).
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(words[i]));
        }
        return out.toString();
    }

    public static boolean isAny(byte[] a) {
        for (byte b : a) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
