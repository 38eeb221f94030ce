package sockwatch.output;

import sockwatch.decode.DecodedValue;
import sockwatch.decode.Errno;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;
import sockwatch.decode.ValueDecoder;
import sockwatch.event.SetsockoptEvent;

/** An event with its names and value decoded once, for every formatter to read. */
public record EventView(SetsockoptEvent event, String comm, String levelName, String optionName,
                        DecodedValue value, String errnoName) {

    private static final int EFAULT = 14;

    public static EventView of(SetsockoptEvent e, OptionTable table) {
        SockOption option = table.option(e.level(), e.optname());
        // EFAULT: the kernel could not read optval, so whatever a probe captured there is not the value.
        DecodedValue value = e.errno() == EFAULT ? new DecodedValue(null, "an unreadable address", null)
                : e.redacted() ? ValueDecoder.redacted(e.level(), e.optname(), e.value(), e.optlen())
                : ValueDecoder.decode(option, e.value(), e.optlen(), e.path().compat());
        return new EventView(e, ProcessNames.printable(e.comm()), table.levelName(e.level()),
                option != null ? option.name() : null, value, e.ok() ? null : Errno.label(e.errno()));
    }

    /** "SOL_TCP", or "level 999" when the level has no name in our tables. */
    public String levelLabel() {
        return levelName != null ? levelName : "level " + event.level();
    }

    /** "TCP_NODELAY", or "option 99" when the option has no name at that level. */
    public String optionLabel() {
        return optionName != null ? optionName : "option " + event.optname();
    }
}
