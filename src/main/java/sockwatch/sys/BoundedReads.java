package sockwatch.sys;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Identity reads with a time limit. Reading /proc/PID/cmdline takes the target's mmap lock, which a process
 * stuck in a page fault (a hung FUSE or NFS mount) can hold for ever: that is where ps hangs. Events must not
 * wait for it, so each read runs on a worker thread and the caller waits at most LIMIT_MILLIS; past that the
 * process is unreadable (its start time kept, so it is not tried again) and the stuck worker is left to its
 * read while a new one serves the next. With MAX_STUCK workers stuck, nothing more is read until one returns.
 */
final class BoundedReads implements IdentityCache.Source {
    static final long LIMIT_MILLIS = 250;
    static final int MAX_STUCK = 4;

    private final IdentityCache.Source source;
    private final long limitMillis;
    private final AtomicInteger stuck = new AtomicInteger();
    private ExecutorService worker;

    BoundedReads(IdentityCache.Source source) {
        this(source, LIMIT_MILLIS);
    }

    BoundedReads(IdentityCache.Source source, long limitMillis) {
        this.source = source;
        this.limitMillis = limitMillis;
        this.worker = newWorker();
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sockwatch-identity");
            t.setDaemon(true);   // a read stuck for ever must not keep sockwatch from exiting
            return t;
        });
    }

    /** /proc/PID/stat does not take the mmap lock: read directly. */
    @Override
    public long startTime(int pid) {
        return source.startTime(pid);
    }

    @Override
    public ProcessIdentity read(int pid, long startTime) {
        if (stuck.get() >= MAX_STUCK) {
            return ProcessIdentity.unreadable(pid, startTime);
        }
        Read task = new Read(pid, startTime);
        Future<ProcessIdentity> f;
        synchronized (this) {
            f = worker.submit(task::run);
        }
        try {
            return f.get(limitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.abandon();
            synchronized (this) {
                worker.shutdown();   // its thread ends when (if) the read returns
                worker = newWorker();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // a read that failed otherwise: unreadable as well
        }
        return ProcessIdentity.unreadable(pid, startTime);
    }

    int stuck() {
        return stuck.get();
    }

    /** One read; abandoned once its caller stopped waiting, and then counted as stuck until it returns. */
    private final class Read {
        private final int pid;
        private final long startTime;
        private boolean abandoned;
        private boolean done;

        Read(int pid, long startTime) {
            this.pid = pid;
            this.startTime = startTime;
        }

        ProcessIdentity run() {
            try {
                return source.read(pid, startTime);
            } finally {
                synchronized (this) {
                    done = true;
                    if (abandoned) {
                        stuck.decrementAndGet();
                    }
                }
            }
        }

        synchronized void abandon() {
            if (!done) {
                abandoned = true;
                stuck.incrementAndGet();
            }
        }
    }
}
