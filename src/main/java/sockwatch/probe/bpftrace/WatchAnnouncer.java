package sockwatch.probe.bpftrace;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import sockwatch.sys.ProcessTree;

/**
 * Adds processes to an armed probe's watch (setsockopt.bt's $5): kill(pid, 0) from this JVM, which the probe's
 * sys_enter_kill probe sees synchronously, so a process is watched once the call returns. Signal 0 delivers
 * nothing (it is kill's existence check), so the processes named are untouched.
 */
final class WatchAnnouncer {
    /** Rounds of "walk /proc, announce what is new": a descendant forked during one round is found by the next. */
    private static final int ROUNDS = 4;

    static {
        Native.register(WatchAnnouncer.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private static native int kill(int pid, int sig);

    private WatchAnnouncer() {
    }

    /**
     * Announces the extra roots and, with {@code descendants}, every process below any root until a walk finds
     * nothing new (what forks after its parent was announced is followed by the probe itself).
     */
    static void announce(List<Integer> roots, Collection<Integer> alreadyWatched, boolean descendants) {
        Set<Long> done = new HashSet<>();
        for (int pid : alreadyWatched) {
            done.add((long) pid);
        }
        for (int pid : roots) {
            if (done.add((long) pid)) {
                kill(pid, 0); // ESRCH if gone: nothing to watch
            }
        }
        for (int round = 0; descendants && round < ROUNDS; round++) {
            int fresh = 0;
            for (long pid : ProcessTree.descendants(roots)) {
                if (done.add(pid)) {
                    kill((int) pid, 0);
                    fresh++;
                }
            }
            if (fresh == 0) {
                break;
            }
        }
    }
}
