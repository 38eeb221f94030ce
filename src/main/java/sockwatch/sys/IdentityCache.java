package sockwatch.sys;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Each process's identity, read once per process rather than per event: keyed by pid, and a pid's entry holds
 * the start time it was read for, so that a reused pid (same pid, another start time) is read anew. Checking the
 * start time is itself a read of /proc/PID/stat, so a pid's entry is trusted for RECHECK_NANOS before it is
 * checked again: a pid is reused only after the kernel has handed out every other one (pid_max, 4 million
 * here), which takes far longer. At most CAPACITY processes are kept, the least recently seen dropped first.
 *
 * <p>Read at first sight, which for a probe is some milliseconds after the call: a process that exec'd or
 * retitled itself in between (nginx names its workers after fork) shows what it is by then, and one that had
 * already exited shows unknown (null) fields. A process that exits after it was read keeps its identity: its
 * late events are still its own.
 */
public final class IdentityCache {
    static final int CAPACITY = 4096;
    static final long RECHECK_NANOS = 1_000_000_000L;

    /** Where identities come from: /proc in sockwatch, a fake in tests. */
    public interface Source {
        /** The process's start time, -1 when it is gone. */
        long startTime(int pid);

        /** Its identity, or an unknown one when it is gone or no longer started at startTime. */
        ProcessIdentity read(int pid, long startTime);
    }

    private static final class Entry {
        final ProcessIdentity identity;
        long checkedAt;

        Entry(ProcessIdentity identity, long checkedAt) {
            this.identity = identity;
            this.checkedAt = checkedAt;
        }
    }

    private final Source source;
    private final LongSupplier nanoClock;
    private final Map<Integer, Entry> entries = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Entry> eldest) {
            return size() > CAPACITY;
        }
    };
    /** The last answer: runs of events from one process skip the map (and the boxing of its pid). */
    private Entry last;

    public IdentityCache(Source source, LongSupplier nanoClock) {
        this.source = source;
        this.nanoClock = nanoClock;
    }

    /** Reading /proc, for sockwatch itself; a read that hangs is given up after a while (BoundedReads). */
    public static IdentityCache ofProc() {
        return new IdentityCache(new BoundedReads(new IdentityReader()), System::nanoTime);
    }

    /** The process's identity; an unknown one (never null) when it could not be read. */
    public synchronized ProcessIdentity get(int pid) {
        long now = nanoClock.getAsLong();
        Entry e = last != null && last.identity.pid() == pid ? last : entries.get(pid);
        if (e != null && now - e.checkedAt < RECHECK_NANOS) {
            last = e;
            return e.identity;
        }
        long start = source.startTime(pid);
        if (e != null && (start == e.identity.startTime() || start < 0 && e.identity.known())) {
            // the same process, or the one we read has exited since: its events are still its own
            e.checkedAt = now;
        } else {
            e = new Entry(start < 0 ? ProcessIdentity.unknown(pid) : source.read(pid, start), now);
            entries.put(pid, e);
        }
        last = e;
        return e.identity;
    }

    synchronized int size() {
        return entries.size();
    }
}
