package sockwatch.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import sockwatch.snapshot.ProcStat;

/**
 * The processes a watch waits for: the -p PIDs or the launched command, their descendants alive at the start,
 * and what any of them forks later (the backend reports it). The watch ends when every one has exited. Taken as
 * ProcessHandles, which compare start times, so a PID the kernel recycles later is never mistaken for the
 * process. A zombie counts as exited: it makes no more calls, and its parent may take long to reap it (here PID 1
 * never does). Fed from the backend's reader thread, asked from the main one.
 */
final class WatchedProcesses {
    private final Map<Long, ProcessHandle> handles = new ConcurrentHashMap<>();

    static WatchedProcesses of(Collection<? extends Number> pids) {
        WatchedProcesses w = new WatchedProcesses();
        for (Number pid : pids) {
            w.add(pid.longValue());
        }
        return w;
    }

    /** Watches one more process (or thread: it keeps its process alive anyway), if it is still there. */
    void add(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> handles.putIfAbsent(pid, h)); // already gone: nothing to wait for
    }

    /** A process the backend saw being forked by a watched one. */
    void forked(long pid) {
        add(pid);
    }

    /** The backend saw it exit. */
    void exited(long pid) {
        handles.remove(pid);
    }

    boolean allExited() {
        return alive().isEmpty();
    }

    /** The watched processes still running (zombies are not), oldest PIDs first. */
    List<Long> alive() {
        List<Long> out = new ArrayList<>();
        for (Map.Entry<Long, ProcessHandle> e : handles.entrySet()) {
            ProcessHandle h = e.getValue();
            if (h.isAlive() && !ProcStat.read(h.pid()).map(s -> s.state() == 'Z' || s.state() == 'X').orElse(true)) {
                out.add(e.getKey());
            } else {
                handles.remove(e.getKey(), h);
            }
        }
        out.sort(null);
        return out;
    }
}
