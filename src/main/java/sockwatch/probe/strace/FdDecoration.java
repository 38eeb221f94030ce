package sockwatch.probe.strace;

/**
 * Splits setsockopt's printed arguments into the fd, the -yy decoration strace put after it, and the rest:
 * {@code 3<TCP:[127.0.0.1:5000]>, 0x6, 0x1, [1], 4}. The decoration is read by nesting ({@code 19<\x2f..<char 1:3>>}
 * for a device; "->" before a peer is no bracket). With -xx strace hex-escapes every byte of a file or UNIX socket path (and the process name with
 * -Y), so a '&lt;', '&gt;' or ',' in the text is always strace's own: a crafted path cannot end the decoration early.
 */
record FdDecoration(String fd, String decoration, String rest) {
    /** null when the text does not start with an fd (and a well-formed decoration, if any). */
    static FdDecoration split(String args) {
        int i = 0;
        if (i < args.length() && args.charAt(i) == '-') {
            i++;
        }
        int digits = i;
        while (i < args.length() && Character.isDigit(args.charAt(i))) {
            i++;
        }
        if (i == digits) {
            return null;
        }
        String fd = args.substring(0, i);
        if (i == args.length() || args.charAt(i) != '<') {
            return new FdDecoration(fd, null, args.substring(i));
        }
        int depth = 0;
        for (int j = i; j < args.length(); j++) {
            char c = args.charAt(j);
            if (c == '<') {
                depth++;
            } else if (c == '>' && args.charAt(j - 1) != '-' && --depth == 0) {   // "->": a peer, not the end
                return new FdDecoration(fd, args.substring(i + 1, j), args.substring(j + 1));
            }
        }
        return null;
    }
}
