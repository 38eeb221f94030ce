package sockwatch.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cache against a fake /proc: what is read when, for the same process, a reused pid, an exited one. */
class IdentityCacheTest {
    private final Map<Integer, Long> starts = new HashMap<>();
    private final List<String> reads = new ArrayList<>();
    private long now;

    private final IdentityCache.Source source = new IdentityCache.Source() {
        @Override
        public long startTime(int pid) {
            reads.add("stat " + pid);
            return starts.getOrDefault(pid, -1L);
        }

        @Override
        public ProcessIdentity read(int pid, long startTime) {
            reads.add("read " + pid + "@" + startTime);
            return new ProcessIdentity(pid, startTime, List.of("prog" + startTime), false, "/cg", 1, null, null,
                    false, false);
        }
    };
    private final IdentityCache cache = new IdentityCache(source, () -> now);

    @Test
    void aProcessIsReadOnceAndItsStartTimeCheckedOnlyAfterAWhile() {
        starts.put(10, 500L);
        ProcessIdentity first = cache.get(10);
        assertEquals(List.of("prog500"), first.args());
        for (int i = 0; i < 1000; i++) {
            assertSame(first, cache.get(10));
        }
        assertEquals(List.of("stat 10", "read 10@500"), reads);
        now += IdentityCache.RECHECK_NANOS;
        assertSame(first, cache.get(10));
        assertEquals(List.of("stat 10", "read 10@500", "stat 10"), reads);   // checked, not read again
    }

    @Test
    void theSamePidWithAnotherStartTimeIsReadAnew() {
        starts.put(10, 500L);
        ProcessIdentity old = cache.get(10);
        starts.put(10, 777L);   // exited, and its pid handed to a new process
        now += IdentityCache.RECHECK_NANOS;
        ProcessIdentity reused = cache.get(10);
        assertEquals(777L, reused.startTime());
        assertEquals(List.of("prog777"), reused.args());
        assertEquals(500L, old.startTime());
        assertEquals(List.of("stat 10", "read 10@500", "stat 10", "read 10@777"), reads);
    }

    @Test
    void aProcessThatExitedAfterItWasReadKeepsItsIdentity() {
        starts.put(10, 500L);
        ProcessIdentity seen = cache.get(10);
        starts.remove(10);
        now += IdentityCache.RECHECK_NANOS;
        assertSame(seen, cache.get(10));   // its late events are still its own
    }

    @Test
    void aProcessGoneBeforeItWasReadIsUnknownAndNotReadPerEvent() {
        ProcessIdentity gone = cache.get(20);
        assertFalse(gone.known());
        assertEquals(null, gone.args());
        assertEquals(null, gone.cgroup());
        cache.get(20);
        cache.get(20);
        assertEquals(List.of("stat 20"), reads);
    }

    @Test
    void interleavedProcessesEachKeepTheirs() {
        starts.put(1, 1L);
        starts.put(2, 2L);
        for (int i = 0; i < 10; i++) {
            assertEquals(1L, cache.get(1).startTime());
            assertEquals(2L, cache.get(2).startTime());
        }
        assertEquals(4, reads.size());
    }

    @Test
    void theLeastRecentlySeenAreDroppedBeyondTheCapacity() {
        for (int pid = 1; pid <= IdentityCache.CAPACITY + 10; pid++) {
            starts.put(pid, 5L);
            cache.get(pid);
        }
        assertEquals(IdentityCache.CAPACITY, cache.size());
        reads.clear();
        cache.get(IdentityCache.CAPACITY + 10);   // recent: kept
        assertTrue(reads.isEmpty(), reads.toString());
        cache.get(1);                              // the first: dropped, read again
        assertEquals(List.of("stat 1", "read 1@5"), reads);
    }
}
