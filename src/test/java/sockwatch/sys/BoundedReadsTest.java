package sockwatch.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A read that hangs (as cmdline does on a process stuck with its mmap lock held) costs a bounded wait, once. */
class BoundedReadsTest {
    private final CountDownLatch release = new CountDownLatch(1);

    /** Pids below 100 hang until released; the others answer at once. */
    private final IdentityCache.Source hanging = new IdentityCache.Source() {
        @Override
        public long startTime(int pid) {
            return 5;
        }

        @Override
        public ProcessIdentity read(int pid, long startTime) {
            if (pid < 100) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new ProcessIdentity(pid, startTime, List.of("p" + pid), false, "/", 1, null, null, false, false);
        }
    };

    @Test
    void aHangingReadGivesUpAndTheNextProcessIsStillRead() throws Exception {
        BoundedReads reads = new BoundedReads(hanging, 100);
        try {
            long t0 = System.nanoTime();
            ProcessIdentity stuck = reads.read(1, 5);
            long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waitedMillis >= 100 && waitedMillis < 5_000, waitedMillis + " ms");
            assertEquals(5, stuck.startTime(), "its start time is kept: the cache does not try it again");
            assertNull(stuck.args());
            assertEquals(1, reads.stuck());
            assertEquals(List.of("p200"), reads.read(200, 5).args(), "a new worker serves the next process");
        } finally {
            release.countDown();
        }
        for (int i = 0; i < 100 && reads.stuck() > 0; i++) {
            Thread.sleep(20);
        }
        assertEquals(0, reads.stuck(), "counted stuck only while it hangs");
    }

    @Test
    void withTooManyStuckNothingMoreIsTried() throws Exception {
        BoundedReads reads = new BoundedReads(hanging, 20);
        try {
            for (int pid = 1; pid <= BoundedReads.MAX_STUCK; pid++) {
                reads.read(pid, 5);
            }
            assertEquals(BoundedReads.MAX_STUCK, reads.stuck());
            long t0 = System.nanoTime();
            ProcessIdentity skipped = reads.read(300, 5);
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 20, "not even tried");
            assertNull(skipped.args());
        } finally {
            release.countDown();
        }
    }

    @Test
    void theCacheKeepsAnUnreadableProcessAsSuch() {
        long[] now = {0};
        BoundedReads reads = new BoundedReads(hanging, 20);
        IdentityCache cache = new IdentityCache(reads, () -> now[0]);
        try {
            ProcessIdentity first = cache.get(7);
            assertNull(first.args());
            now[0] += IdentityCache.RECHECK_NANOS;   // rechecked: the same start time, so not read again
            assertTrue(first == cache.get(7));
            assertEquals(1, reads.stuck(), "one read tried, the first");
        } finally {
            release.countDown();
        }
    }
}
