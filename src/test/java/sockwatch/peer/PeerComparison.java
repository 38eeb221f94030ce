package sockwatch.peer;

import com.google.gson.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * strace's and sockwatch's view of the same calls, compared call by call (per PID, in order): the option's names,
 * its fd, optlen and result must agree; the value is put in one of {@link Value}'s kinds.
 */
final class PeerComparison {

    enum Value {
        /** both decoded it, to the same leaves */
        EQUAL("values equal"),
        /** both decoded it; one shows more fields (strace: a sockaddr's family and port; sockwatch: a number
         * beside the flag names), and every leaf of the other is among them, in order */
        AGREE("values agree, one side shows more fields"),
        /** sockwatch shows part of it, the rest "not captured", where strace shows all: the probe reads 8 bytes
         * at a time (up to 64), and with an optlen longer than the struct a read can run onto an unmapped page */
        PARTIAL("sockwatch shows part of the value (the rest not captured), strace all of it"),
        /** strace showed only the address (it could not read all optlen bytes), sockwatch the bytes it read */
        SOCKWATCH_MORE("sockwatch shows a value, strace only an address"),
        /** sockwatch could not tell read bytes from unreadable ones (and says so), strace decoded it */
        STRACE_MORE("strace shows a value, sockwatch none or only raw bytes"),
        /** the same 32 bits, as a signed int by strace and unsigned by sockwatch (the kernel keeps a u32) */
        SAME_BITS("same bits: signed in strace, unsigned in sockwatch (the kernel's u32)"),
        /** a failed call's all-zero value: strace shows the zeros; sockwatch shows none, since a read of user
         * memory that faults also gives zeros and it cannot tell the two apart (ValueReads) */
        ZEROS_UNPROVEN("a failed call's zeros: strace shows them, sockwatch cannot tell them from a faulted read"),
        /** a length that does not fit the option's type (a 4-byte SO_RCVTIMEO, an option strace does not know):
         * sockwatch shows the bytes as hex, strace reads them as an int; the same bytes */
        RAW_BYTES("the same bytes: hex in sockwatch (the length does not fit the type), an int in strace"),
        /** neither shows a decoded value (a bad pointer, optlen 0 or < 0) */
        NEITHER("neither shows a value"),
        /** both decoded it, differently */
        DIFFER("values differ");

        final String text;

        Value(String text) {
            this.text = text;
        }
    }

    /** One disagreement, for the report. */
    record Difference(String program, String what, StraceCall strace, JsonObject ours) {
    }

    int calls;
    int seen;
    int namesEqual;
    int sockwatchNames;   // strace printed a number, sockwatch a name
    int aliasNames;       // strace's name is an alias of sockwatch's in its tables
    final Map<Value, Integer> values = new EnumMap<>(Value.class);
    final List<Difference> differences = new ArrayList<>();
    /** every call's kind, for SOCKWATCH_PEER_LOG */
    final List<String> log = new ArrayList<>();
    /** differences that must each be explained in peer/known-differences.tsv */
    final List<Difference> explained = new ArrayList<>();

    void compare(String program, List<StraceCall> strace, List<JsonObject> ours) {
        for (int i = 0; i < strace.size(); i++) {
            StraceCall s = strace.get(i);
            calls++;
            if (i >= ours.size()) {
                differences.add(new Difference(program, "not seen by sockwatch", s, null));
                continue;
            }
            JsonObject o = ours.get(i);
            seen++;
            String level = str(o, "level");
            String option = str(o, "option");
            boolean byAlias = !nameAgrees(s.option(), option) && alias(s.option(), option);
            boolean names = nameAgrees(s.level(), level) && (nameAgrees(s.option(), option) || byAlias);
            if (names && byAlias) {
                aliasNames++;
            }
            if (!names) {
                explained.add(new Difference(program, "names differ", s, o));   // aliases: known-differences.tsv
            } else {
                namesEqual++;
                if (StraceCall.name(s.option()).isEmpty() && option != null) {
                    sockwatchNames++;
                }
            }
            long ret = o.get("ret").getAsLong();
            boolean result = s.ret() < 0 ? ret < 0 && Objects.equals(s.errno(), str(o, "errno")) : s.ret() == ret;
            if (s.fd() != o.get("fd").getAsInt() || s.optlen() != o.get("optlen").getAsInt() || !result) {
                differences.add(new Difference(program, "fd, optlen or result differ", s, o));
            }
            List<Object> st = Leaves.ofStrace(s.value());
            Value v = sameRawInt(st, o) ? Value.RAW_BYTES : value(st, Leaves.ofJson(o.get("value")), s.ret() < 0);
            values.merge(v, 1, Integer::sum);
            log.add(program + "\t" + v.name() + "\t" + s.option() + "\tstrace: " + s.value() + "\tsockwatch: "
                    + o.get("value") + "\traw=" + str(o, "raw"));
            if (v == Value.DIFFER || v == Value.STRACE_MORE) {
                explained.add(new Difference(program, v.text, s, o));
            }
        }
        for (int i = strace.size(); i < ours.size(); i++) {
            differences.add(new Difference(program, "seen by sockwatch only", null, ours.get(i)));
        }
    }

    /** strace's name equals ours; where strace printed a number, any name of ours (or none) agrees. */
    private static boolean nameAgrees(String straceToken, String ours) {
        return StraceCall.name(straceToken).map(n -> n.equals(ours)).orElse(true);
    }

    /** strace's name is an alias of ours in our tables (SO_RCVTIMEO_OLD of SO_RCVTIMEO, IP_ORIGDSTADDR of
     * IP_RECVORIGDSTADDR): the same option, by the tables' own record of it */
    private static boolean alias(String straceToken, String ours) {
        return ours != null && StraceCall.name(straceToken).map(n -> sockwatch.decode.OptionTable.standard().byName(n)
                .stream().anyMatch(o -> o.name().equals(ours))).orElse(false);
    }

    static Value value(List<Object> strace, List<Object> ours, boolean failed) {
        if (strace == null && ours == null) {
            return Value.NEITHER;
        }
        if (strace == null) {
            return Value.SOCKWATCH_MORE;
        }
        if (ours == null) {
            return failed && strace.stream().allMatch(PeerComparison::zero) ? Value.ZEROS_UNPROVEN : Value.STRACE_MORE;
        }
        if (strace.equals(ours)) {
            return Value.EQUAL;
        }
        if (strace.size() == ours.size() && java.util.stream.IntStream.range(0, ours.size())
                .allMatch(i -> sameBits(strace.get(i), ours.get(i)))) {
            return Value.SAME_BITS;
        }
        List<Object> o = ours.stream().filter(Objects::nonNull).toList();
        if (!o.isEmpty() && o.size() < ours.size() && (inOrder(o, strace) || o.equals(strace))) {
            return Value.PARTIAL;
        }
        return !o.isEmpty() && (inOrder(o, strace) || inOrder(strace, o)) ? Value.AGREE : Value.DIFFER;
    }

    /** sockwatch shows raw hex, and strace one int whose 4 little-endian bytes are exactly those */
    private static boolean sameRawInt(List<Object> strace, JsonObject o) {
        String raw = str(o, "raw");
        String value = o.get("value") != null && o.get("value").isJsonPrimitive() ? o.get("value").getAsString() : null;
        if (strace == null || strace.size() != 1 || !(strace.get(0) instanceof BigInteger n) || raw == null
                || raw.length() != 8 || value == null || !value.equals("0x" + raw)) {
            return false;
        }
        int v = n.intValue();
        return raw.equals(String.format(java.util.Locale.ROOT, "%02x%02x%02x%02x", v & 0xff, v >>> 8 & 0xff,
                v >>> 16 & 0xff, v >>> 24 & 0xff));
    }

    private static boolean zero(Object leaf) {
        return leaf instanceof BigInteger n ? n.signum() == 0 : leaf instanceof String s && s.chars().allMatch(c -> c == 0);
    }

    /** equal, or two numbers with the same low 32 bits that both fit in 32 bits (signed or not) */
    private static boolean sameBits(Object a, Object b) {
        if (a instanceof BigInteger x && b instanceof BigInteger y) {
            BigInteger lo = BigInteger.valueOf(Integer.MIN_VALUE);
            BigInteger hi = BigInteger.valueOf(0xffffffffL);
            return x.equals(y) || x.compareTo(lo) >= 0 && x.compareTo(hi) <= 0 && y.compareTo(lo) >= 0
                    && y.compareTo(hi) <= 0 && x.intValue() == y.intValue();
        }
        return Objects.equals(a, b);
    }

    private static boolean inOrder(List<Object> part, List<Object> whole) {
        int j = 0;
        for (Object x : whole) {
            if (j < part.size() && sameBits(x, part.get(j))) {
                j++;
            }
        }
        return j == part.size() && part.size() < whole.size();
    }

    private static String str(JsonObject o, String key) {
        return o.get(key) == null || o.get(key).isJsonNull() ? null : o.get(key).getAsString();
    }
}
