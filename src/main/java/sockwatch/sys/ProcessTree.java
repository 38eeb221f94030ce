package sockwatch.sys;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/** The processes below some roots now, from /proc's parent links (ProcessHandle reads them). */
public final class ProcessTree {
    private ProcessTree() {
    }

    /** Every live descendant of these PIDs, at any depth, in no particular order; the roots themselves excluded. */
    public static Set<Long> descendants(Collection<? extends Number> roots) {
        Set<Long> out = new LinkedHashSet<>();
        for (Number root : roots) {
            ProcessHandle.of(root.longValue()).ifPresent(h -> h.descendants().forEach(d -> out.add(d.pid())));
        }
        for (Number root : roots) {
            out.remove(root.longValue());
        }
        return out;
    }
}
