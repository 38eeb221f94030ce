package sockwatch.decode;

/** Socket endpoints as people read them: "127.0.0.1:8080", "[::1]:8080" (IPv6 compressed per RFC 5952). */
public final class Endpoints {
    private Endpoints() {
    }

    /** 4 or 16 address bytes in network order, and a port in host order. */
    public static String of(byte[] address, int port) {
        return address.length == 4 ? ipv4(address) + ":" + port : "[" + ipv6(address) + "]:" + port;
    }

    public static String ipv4(byte[] a) {
        return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }

    public static String ipv6(byte[] a) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        if (words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0 && words[4] == 0 && words[5] == 0xffff) {
            return "::ffff:" + ipv4(new byte[] {a[12], a[13], a[14], a[15]});
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
        StringBuilder out = new StringBuilder();
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
