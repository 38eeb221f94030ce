package sockwatch.probe.bpftrace;

/**
 * Reads the decimal numbers of one probe line, left to right, each in a single pass over its digits: about thirty
 * numbers per event, so this is most of the parser's work. A number too long to be sure it fits (int: 10 digits,
 * long: 19, unsigned: 20) is handed to the JDK's parser, which decides exactly as before whether it overflows.
 * Every read checks the shape and throws NumberFormatException when it is wrong.
 */
final class NumberCursor {
    /** Digit counts that cannot overflow, so need no check. */
    private static final int INT_SAFE_DIGITS = 9;
    private static final int LONG_SAFE_DIGITS = 18;
    private static final int UNSIGNED_SAFE_DIGITS = 19;

    private final String s;
    private int pos;

    NumberCursor(String s, int pos) {
        this.s = s;
        this.pos = pos;
    }

    boolean atEnd() {
        return pos == s.length();
    }

    /** "[0-9]+" as an unsigned 64-bit number. */
    long unsigned() {
        int from = pos;
        long v = digits();
        int count = pos - from;
        if (count == 0) {
            throw new NumberFormatException("expected a number at " + from);
        }
        return count <= UNSIGNED_SAFE_DIGITS ? v : Long.parseUnsignedLong(s, from, pos, 10);
    }

    /** " [0-9]+" as an unsigned 64-bit number. */
    long spaceUnsigned() {
        space();
        return unsigned();
    }

    /** " -?[0-9]+" as an int. */
    int spaceInt() {
        return (int) spaceSigned(INT_SAFE_DIGITS, true);
    }

    /** " -?[0-9]+" as a long. */
    long spaceLong() {
        return spaceSigned(LONG_SAFE_DIGITS, false);
    }

    /**
     * " -?[0-9]+": computed here when it has at most safeDigits digits (it cannot overflow), else left to the
     * JDK's parser for the int or long range check, so exactly the numbers the JDK accepts are accepted.
     */
    private long spaceSigned(int safeDigits, boolean intRange) {
        space();
        int from = pos;
        boolean negative = minus();
        int digitsFrom = pos;
        long v = digits();
        int count = pos - digitsFrom;
        if (count == 0) {
            throw new NumberFormatException("expected a number at " + from);
        }
        if (count <= safeDigits) {
            return negative ? -v : v;
        }
        return intRange ? Integer.parseInt(s, from, pos, 10) : Long.parseLong(s, from, pos, 10);
    }

    private void space() {
        if (pos >= s.length() || s.charAt(pos) != ' ') {
            throw new NumberFormatException("expected a space at " + pos);
        }
        pos++;
    }

    private boolean minus() {
        if (pos < s.length() && s.charAt(pos) == '-') {
            pos++;
            return true;
        }
        return false;
    }

    /** Skips [0-9]*; their value modulo 2^64, exact for up to 19 digits. */
    private long digits() {
        long v = 0;
        int end = s.length();
        while (pos < end) {
            int d = s.charAt(pos) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            v = v * 10 + d;
            pos++;
        }
        return v;
    }
}
