package sockwatch.output;

import sockwatch.decode.Errno;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;
import sockwatch.event.RepeatCount;
import sockwatch.sys.ProcessIdentity;

/** Changes-only mode: a count of repeats not shown, with its names decoded once, for the summary and JSON. */
public record RepeatView(RepeatCount repeats, String comm, String levelName, String optionName, String errnoName,
                         ProcessIdentity process) {

    /** @param comm the process's name as its last shown event had it (raw bytes, hostile) */
    public static RepeatView of(RepeatCount r, byte[] comm, OptionTable table) {
        return of(r, comm, table, null);
    }

    /** @param process who the process is (null: not looked up, its fields null in JSON) */
    public static RepeatView of(RepeatCount r, byte[] comm, OptionTable table, ProcessIdentity process) {
        SockOption option = table.option(r.level(), r.optname());
        return new RepeatView(r, Printable.of(comm), table.levelName(r.level()), option != null ? option.name() : null,
                r.ok() ? null : Errno.label(r.errno()), process);
    }

    public String levelLabel() {
        return levelName != null ? levelName : "level " + repeats.level();
    }

    public String optionLabel() {
        return optionName != null ? optionName : "option " + repeats.optname();
    }
}
