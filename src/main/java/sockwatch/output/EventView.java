package sockwatch.output;

import sockwatch.decode.DecodedValue;
import sockwatch.decode.Errno;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;
import sockwatch.decode.ValueDecoder;
import sockwatch.event.SetsockoptEvent;
import sockwatch.sys.ProcessIdentity;

/**
 * An event with its names and value decoded once, for every formatter to read, and who its process is
 * ({@code process}: null when not looked up, shown as unknown).
 */
public record EventView(SetsockoptEvent event, String comm, String levelName, String optionName,
                        DecodedValue value, String errnoName, ProcessIdentity process) {

    private static final int EFAULT = 14;

    /** Without the process's identity (unknown). */
    public static EventView of(SetsockoptEvent e, OptionTable table) {
        return of(e, table, null);
    }

    public static EventView of(SetsockoptEvent e, OptionTable table, ProcessIdentity process) {
        SockOption option = table.option(e.level(), e.optname());
        // EFAULT: the kernel could not read optval, so whatever a probe captured there is not the value.
        DecodedValue value = e.errno() == EFAULT ? new DecodedValue(null, "an unreadable address", null)
                : e.redacted() ? ValueDecoder.redacted(e.level(), e.optname(), e.value(), e.optlen())
                : e.shown() != null ? ValueDecoder.decode(option, e.shown(), e.optlen(), e.path().compat())
                : ValueDecoder.decode(option, e.value(), e.optlen(), e.path().compat());
        return new EventView(e, ProcessNames.printable(e.comm()), table.levelName(e.level()),
                option != null ? option.name() : null, value, e.ok() ? null : Errno.label(e.errno()), process);
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
