package sockwatch.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import sockwatch.snapshot.ProcStat;

/**
 * The processes given with -p, to tell when every one of them has exited: then nothing more can be seen (-p does
 * not follow children), so the watch ends as strace -p does. Taken before the probe is armed; ProcessHandle
 * compares start times, so a PID the kernel recycles later is never mistaken for the process. A zombie counts as
 * exited: it makes no more calls, and its parent may take long to reap it.
 */
final class WatchedProcesses {
    private final List<ProcessHandle> handles;

    private WatchedProcesses(List<ProcessHandle> handles) {
        this.handles = handles;
    }

    static WatchedProcesses of(Collection<Integer> pids) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (int pid : pids) {
            ProcessHandle.of(pid).ifPresent(handles::add); // already gone: nothing to wait for
        }
        return new WatchedProcesses(handles);
    }

    boolean allExited() {
        for (ProcessHandle h : handles) {
            if (h.isAlive() && !ProcStat.read(h.pid()).map(s -> s.state() == 'Z' || s.state() == 'X').orElse(true)) {
                return false;
            }
        }
        return true;
    }
}
