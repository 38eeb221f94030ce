package sockwatch.probe.strace;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import sockwatch.sys.ExecutableAbi;
import sockwatch.sys.Processes;

/**
 * Thread-to-process facts for strace's thread ids, from /proc, cached. strace names the thread, not its process;
 * a thread may have exited by the time its line is read, so its process id is also looked up as soon as strace
 * says it attached ({@link #learn}). Process names are read fresh per call (a process may exec or rename itself),
 * keeping the last one read for when the process is already gone. Safe for the two reader threads.
 */
final class ProcTasks implements StraceLineParser.Tasks {
    private final Map<Integer, Integer> tgids = new ConcurrentHashMap<>();
    private final Map<Integer, byte[]> lastComm = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> started32Bit = new ConcurrentHashMap<>();

    /**
     * strace attached to this thread: note its process while it surely still exists, and its program's ABI
     * then (a new child still runs its parent's program; a later exec to another ABI strace reports itself).
     */
    void learn(int tid) {
        Processes.tgid(tid).ifPresent(tgid -> tgids.put(tid, tgid));
        started32Bit.put(tid, ExecutableAbi.is32BitProcess(tid));
    }

    @Override
    public boolean started32Bit(int tid) {
        return started32Bit.computeIfAbsent(tid, ExecutableAbi::is32BitProcess);
    }

    @Override
    public int tgid(int tid) {
        Integer known = tgids.get(tid);
        if (known != null) {
            return known;
        }
        OptionalInt tgid = Processes.tgid(tid);
        tgid.ifPresent(t -> tgids.put(tid, t));
        return tgid.orElse(tid);
    }

    @Override
    public Optional<byte[]> comm(int tgid) {
        Optional<byte[]> now = Processes.comm(tgid);
        now.ifPresent(c -> lastComm.put(tgid, c));
        return now.isPresent() ? now : Optional.ofNullable(lastComm.get(tgid));
    }

    @Override
    public void gone(int tid) {
        tgids.remove(tid);
        lastComm.remove(tid);
        started32Bit.remove(tid);
    }
}
