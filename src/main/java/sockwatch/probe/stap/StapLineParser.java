package sockwatch.probe.stap;

import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sockwatch.event.EventSink;
import sockwatch.event.SetsockoptEvent;

/**
 * Reads the machine lines of stap/sockwatch.stp (see its header): numbers and lowercase hex only, "-" for an
 * empty hex field. Other stdout lines are not ours; one that starts like ours but does not parse is counted.
 */
public final class StapLineParser {
    static final String BACKEND = "stap";
    private static final Pattern EVENT = Pattern.compile("SWS1 (\\d+) (\\d+) (\\d+) (-?\\d+) (-?\\d+) (-?\\d+) "
            + "(-?\\d+) (-?\\d+) (-|(?:[0-9a-f]{2})+) (-|(?:[0-9a-f]{2})+)");
    private static final String READY = "SWS1 READY";
    private static final String ROOT_EXIT = "SWS1 EXIT ";

    /** What a line meant beyond the event it carried. */
    public enum Control { NONE, READY, ROOT_EXITED }

    public Control accept(String line, EventSink sink) {
        if (line.equals(READY)) {
            return Control.READY;
        }
        if (line.startsWith(ROOT_EXIT)) {
            return Control.ROOT_EXITED;
        }
        Matcher m = EVENT.matcher(line);
        if (m.matches()) {
            try {
                sink.event(toEvent(m));
            } catch (NumberFormatException e) {
                sink.malformed(line);
            }
        } else if (line.startsWith("SWS1")) {
            sink.malformed(line);
        }
        return Control.NONE;
    }

    private static SetsockoptEvent toEvent(Matcher m) {
        return new SetsockoptEvent(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), hex(m.group(9)), Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7)),
                hex(m.group(10)), Long.parseLong(m.group(8)), BACKEND);
    }

    private static byte[] hex(String field) {
        return field.equals("-") ? new byte[0] : HexFormat.of().parseHex(field);
    }
}
